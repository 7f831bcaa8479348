package sim

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// newEnv serves a whole simulator (every service) for the test.
func newEnv(t *testing.T, opts Options) *simtest.Env {
	t.Helper()
	return simtest.NewEnv(t, New(opts), opts.APIKey)
}

// seededConnEnv is an env holding the demo tenant.
func seededConnEnv(t *testing.T) *simtest.Env {
	t.Helper()
	e := newEnv(t, Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	return e
}
