package sim

import (
	"bytes"
	"testing"
)

// Tests for routes that the resource tests did not reach with a success
// response (route coverage, see routes_test.go).

func TestAssignmentDelete(t *testing.T) {
	e := newEnv(t, Options{})
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Ops", "type": "shared"}))
	u := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "carol"}))
	base := "/api/v1/spaces/" + str(sp["id"]) + "/assignments"
	a := e.must(201, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.must(204, e.do("DELETE", base+"/"+str(a["id"]), nil))
	assertErrShape(t, base, e.do("DELETE", base+"/"+str(a["id"]), nil), 404)
	assertErrShape(t, base, e.do("GET", base+"/"+str(a["id"]), nil), 404)
	if l := e.must(200, e.do("GET", base, nil)); len(list(l, "data")) != 0 {
		t.Errorf("assignments after delete = %v", l["data"])
	}
}

func TestExtensionsListAndDownload(t *testing.T) {
	e := newEnv(t, Options{})
	if l := e.must(200, e.do("GET", "/api/v1/extensions", nil)); len(list(l, "data")) != 0 || l["links"] != nil {
		t.Errorf("empty list = %s", l)
	}
	z := buildZip(t, zipEntry{"kpi.qext", `{"name":"KPI","type":"visualization","version":"1.2.0"}`}, zipEntry{"kpi.js", "js"})
	x := e.must(201, qxSend(e, "POST", "/api/v1/extensions", z, nil))
	l := e.must(200, e.do("GET", "/api/v1/extensions", nil))
	if d := list(l, "data"); len(d) != 1 || d[0].(map[string]any)["id"] != x["id"] {
		t.Errorf("list = %v", l)
	}
	dl := e.do("GET", "/api/v1/extensions/"+str(x["id"])+"/file", nil)
	if dl.status != 200 || dl.header.Get("Content-Type") != "application/zip" || !bytes.Equal(dl.raw, z) {
		t.Errorf("download: %d %q", dl.status, dl.header.Get("Content-Type"))
	}
	e.must(204, e.do("DELETE", "/api/v1/extensions/"+str(x["id"]), nil))
	qxErrBody(t, e.do("GET", "/api/v1/extensions/"+str(x["id"])+"/file", nil), 410)
}

func TestGlossaryCategoryGet(t *testing.T) {
	e := newEnv(t, Options{})
	g := e.must(201, e.do("POST", "/api/v1/glossaries", map[string]any{"name": "Cats"}))
	base := "/api/v1/glossaries/" + str(g["id"]) + "/categories"
	c := e.must(201, e.do("POST", base, map[string]any{"name": "Finance", "description": "money"}))
	got := e.must(200, e.do("GET", base+"/"+str(c["id"]), nil))
	if got["id"] != c["id"] || got["name"] != "Finance" || got["glossaryId"] != g["id"] {
		t.Errorf("category = %v", got)
	}
	if code := glCode(t, e.do("GET", base+"/0123456789abcdef01234567", nil)); code != "BG-9" {
		t.Errorf("unknown category: %s", code)
	}
}

// actions/move is the older name of change-owner; both families serve it.
func TestAutomationMove(t *testing.T) {
	e := seededConnEnv(t)
	other := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "dave"}))
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		a := e.must(201, e.do("POST", base, map[string]any{"name": "movable " + base}))
		id := str(a["id"])
		e.must(204, e.do("POST", base+"/"+id+"/actions/move", map[string]any{"userId": other["id"]}))
		// The new owner's automation: listed, its definition no longer readable.
		if g := automationByName(t, e, "movable "+base); g["ownerId"] != other["id"] {
			t.Errorf("%s: owner after move = %v", base, g["ownerId"])
		}
		assertErrShape(t, base, e.do("GET", base+"/"+id, nil), 403)
		assertErrShape(t, base, e.do("POST", base+"/"+id+"/actions/move", map[string]any{}), 400)
		assertErrShape(t, base, e.do("POST", base+"/"+id+"/actions/move", map[string]any{"userId": "nobody"}), 400)
	}
}
