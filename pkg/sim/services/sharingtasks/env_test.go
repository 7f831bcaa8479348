package sharingtasks_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/sharingtasks"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// demoSeed is the demo tenant the examples and most tests start from.
const demoSeed = "../../../../examples/demo-tenant"

// seededEnv serves a whole simulator (every service) holding the demo
// tenant.
func seededEnv(t *testing.T, opts sim.Options) *simtest.Env {
	t.Helper()
	e := simtest.NewEnv(t, sim.New(opts), opts.APIKey)
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestMain checks, after a full run, that the tests validated a success
// response of every route of the service against Qlik's specs.
func TestMain(m *testing.M) { simtest.CoverageMain(m, sharingtasks.Service) }
