package automations_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// A test for a route that the resource tests did not reach with a success
// response (route coverage, see simtest.CoverageMain).

func TestAutomationMove(t *testing.T) {
	e := seededConnEnv(t)
	other := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "dave"}))
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		a := e.Must(201, e.Do("POST", base, map[string]any{"name": "movable " + base}))
		id := simtest.Str(a["id"])
		e.Must(204, e.Do("POST", base+"/"+id+"/actions/move", map[string]any{"userId": other["id"]}))
		// The new owner's automation: listed, its definition no longer readable.
		if g := automationByName(t, e, "movable "+base); g["ownerId"] != other["id"] {
			t.Errorf("%s: owner after move = %v", base, g["ownerId"])
		}
		simtest.FirstError(t, e.Must(403, e.Do("GET", base+"/"+id, nil)))
		simtest.FirstError(t, e.Must(400, e.Do("POST", base+"/"+id+"/actions/move", map[string]any{})))
		simtest.FirstError(t, e.Must(400, e.Do("POST", base+"/"+id+"/actions/move", map[string]any{"userId": "nobody"})))
	}
}
