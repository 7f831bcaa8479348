package apps_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// TestReportFilters drives the report-filters routes: the demo's filter on
// Profit and Loss is listed with its definition, a new one is created,
// patched (unnamed fields kept), counted, deleted, and a taken name is 409.
func TestReportFilters(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	id := simtest.Str(itemByName(t, e, "Profit and Loss")["resourceId"])
	base := "/api/v1/apps/" + id + "/report-filters"
	list := simtest.List(e.Must(200, e.Do("GET", base+"?filterTypes=REP", nil)), "data")
	if len(list) != 1 {
		t.Fatalf("demo filters = %v", list)
	}
	seeded := list[0].(map[string]any)
	if seeded["name"] != "Head office" || seeded["filterType"] != "REP" || seeded["filterV1_0"] == nil {
		t.Errorf("demo filter = %v", seeded)
	}
	if n := simtest.List(e.Must(200, e.Do("GET", base+"?filterTypes=SUB", nil)), "data"); len(n) != 0 {
		t.Errorf("SUB filters = %v", n)
	}
	def := map[string]any{"fieldsByState": map[string]any{"$": []any{map[string]any{"name": "period",
		"values": []any{map[string]any{"valueAsText": "2026-11", "valueType": "string"}}}}}}
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "November", "filterType": "REP",
		"filterVersion": "filter-1.0", "filterV1_0": def}))
	fid := simtest.Str(c["id"])
	e.Must(409, e.Do("POST", base, map[string]any{"name": "November", "filterType": "REP", "filterVersion": "filter-1.0"}))
	e.Must(400, e.Do("POST", base, map[string]any{"filterType": "REP", "filterVersion": "filter-1.0"}))
	if got := e.Must(200, e.Do("GET", base+"/actions/count?filterTypes=REP", nil))["total"]; got != float64(2) {
		t.Errorf("count = %v", got)
	}
	e.Must(204, e.Do("PATCH", base+"/"+fid, []any{map[string]any{"op": "replace", "path": "/filter",
		"value": map[string]any{"Filter": map[string]any{"description": "one month"}}}}))
	g := e.Must(200, e.Do("GET", base+"/"+fid, nil))
	if g["description"] != "one month" || g["name"] != "November" || g["filterV1_0"] == nil {
		t.Errorf("patched = %v", g)
	}
	e.Must(409, e.Do("PATCH", base+"/"+fid, []any{map[string]any{"op": "replace", "path": "/filter",
		"value": map[string]any{"Filter": map[string]any{"name": "Head office"}}}}))
	e.Must(204, e.Do("DELETE", base+"/"+fid, nil))
	e.Must(404, e.Do("GET", base+"/"+fid, nil))
	e.Must(404, e.Do("GET", "/api/v1/apps/0123456789abcdef01234567/report-filters?filterTypes=REP", nil))
}
