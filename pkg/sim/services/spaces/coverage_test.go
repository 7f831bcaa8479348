package spaces_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// A test for a route that the resource tests did not reach with a success
// response (route coverage, see simtest.CoverageMain).

func TestAssignmentDelete(t *testing.T) {
	e := newEnv(t, sim.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Ops", "type": "shared"}))
	u := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "carol"}))
	base := "/api/v1/spaces/" + simtest.Str(sp["id"]) + "/assignments"
	a := e.Must(201, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.Must(204, e.Do("DELETE", base+"/"+simtest.Str(a["id"]), nil))
	simtest.FirstError(t, e.Must(404, e.Do("DELETE", base+"/"+simtest.Str(a["id"]), nil)))
	simtest.FirstError(t, e.Must(404, e.Do("GET", base+"/"+simtest.Str(a["id"]), nil)))
	if l := e.Must(200, e.Do("GET", base, nil)); len(simtest.List(l, "data")) != 0 {
		t.Errorf("assignments after delete = %v", l["data"])
	}
}
