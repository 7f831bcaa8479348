package oauthclients_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/oauthclients"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// demoSeed is the demo tenant the examples and most tests start from.
const demoSeed = "../../../../examples/demo-tenant"

// newEnv serves a whole simulator (every service) for the test.
func newEnv(t *testing.T, opts sim.Options) *simtest.Env {
	t.Helper()
	return simtest.NewEnv(t, sim.New(opts), opts.APIKey)
}

// TestMain checks, after a full run, that the tests validated a success
// response of every route of the service against Qlik's specs.
func TestMain(m *testing.M) { simtest.CoverageMain(m, oauthclients.Service) }
