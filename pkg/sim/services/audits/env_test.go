package audits_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/audits"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const demoSeed = "../../../../examples/demo-tenant"

func seededEnv(t *testing.T, opts sim.Options) *simtest.Env {
	t.Helper()
	e := simtest.NewEnv(t, sim.New(opts), opts.APIKey)
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	if err := e.S.CheckUserKeys(); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestMain checks, after a full run, that the tests validated a success
// response of every route of the service against the specs.
func TestMain(m *testing.M) { simtest.CoverageMain(m, audits.Service) }
