package apps_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestPublishAndRepublish(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	// The demo tenant's published copy of Pipeline Review names its source.
	var src, seededCopy map[string]any
	for _, it := range appItems(t, e, "&name=Pipeline%20Review") {
		if it["spaceId"] == e.SpaceID("Sales Analytics") {
			src = it
		} else {
			seededCopy = it
		}
	}
	if src == nil || seededCopy == nil {
		t.Fatal("Pipeline Review and its published copy are not both seeded")
	}
	srcID := simtest.Str(src["resourceId"])
	if a := seededCopy["resourceAttributes"].(map[string]any); a["originAppId"] != srcID || a["publishTime"] == nil ||
		seededCopy["spaceId"] != e.SpaceID("Executive Dashboards") {
		t.Errorf("seeded copy = %v", seededCopy)
	}

	cash := simtest.Str(itemByName(t, e, "Cash Flow")["resourceId"])
	e.Must(400, e.Do("POST", "/api/v1/apps/"+cash+"/publish", map[string]any{"spaceId": e.SpaceID("Sales Analytics")}))
	e.Must(404, e.Do("POST", "/api/v1/apps/"+cash+"/publish", map[string]any{"spaceId": "000000000000000000000000"}))
	e.Must(400, e.Do("POST", "/api/v1/apps/"+cash+"/publish", map[string]any{}))
	pub := e.Must(200, e.Do("POST", "/api/v1/apps/"+cash+"/publish", map[string]any{
		"spaceId": e.SpaceID("Executive Dashboards"), "attributes": map[string]any{"name": "Cash Flow (published)"}}))
	attrs := pub["attributes"].(map[string]any)
	copyID := simtest.Str(attrs["id"])
	if attrs["originAppId"] != cash || attrs["name"] != "Cash Flow (published)" || attrs["spaceId"] != e.SpaceID("Executive Dashboards") || attrs["publishTime"] == nil {
		t.Errorf("published copy = %v", attrs)
	}

	// Republish carries the source's new script over the copy.
	e.Must(200, e.Do("POST", "/api/v1/apps/"+cash+"/scripts", map[string]any{"script": "Cash: LOAD 1 AutoGenerate 1;", "versionMessage": "v2"}))
	e.Must(200, e.Do("PUT", "/api/v1/apps/"+cash+"/publish", map[string]any{"targetId": copyID}))
	if got := e.Must(200, e.Do("GET", "/api/v1/apps/"+copyID+"/scripts/current", nil))["script"]; got != "Cash: LOAD 1 AutoGenerate 1;" {
		t.Errorf("republished script = %q", got)
	}
	// Another source is refused unless the origin check is off, which then
	// re-points the copy.
	e.Must(400, e.Do("PUT", "/api/v1/apps/"+srcID+"/publish", map[string]any{"targetId": copyID}))
	e.Must(400, e.Do("PUT", "/api/v1/apps/"+srcID+"/publish", map[string]any{"targetId": cash})) // not a copy
	e.Must(400, e.Do("PUT", "/api/v1/apps/"+srcID+"/publish", map[string]any{}))
	re := e.Must(200, e.Do("PUT", "/api/v1/apps/"+srcID+"/publish", map[string]any{"targetId": copyID, "checkOriginAppId": false}))
	if re["attributes"].(map[string]any)["originAppId"] != srcID {
		t.Errorf("re-pointed copy = %v", re["attributes"])
	}
}
