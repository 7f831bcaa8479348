package webintegrations_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/web-integrations"

func TestSeededWebIntegrations(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", base, nil)), "data")
	if len(l) != 2 {
		t.Fatalf("seeded = %v", l)
	}
	portal := l[0].(map[string]any) // sorted by +name
	erin := core.UserByEmail(e.S.St, "erin.green@example.com")
	if portal["name"] != "Customer portal" || len(simtest.List(portal, "validOrigins")) != 2 || portal["tenantId"] != e.S.St.TenantID {
		t.Errorf("portal = %v", portal)
	}
	if intra := l[1].(map[string]any); intra["createdBy"] != erin.ID || fmt.Sprint(intra["validOrigins"]) != "[https://intranet.example.com]" {
		t.Errorf("intranet = %v", intra)
	}
}

func TestWebIntegrationCreatePatchDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "Embed", "validOrigins": []string{"https://a.example"},
		"tenantId": "other-tenant", "id": "mine"}))
	id := simtest.Str(c["id"])
	self, _ := c["links"].(map[string]any)["self"].(map[string]any)
	if len(id) != 32 || id == "mine" || c["tenantId"] != e.S.St.TenantID || simtest.Str(self["href"]) != e.Ts.URL+base+"/"+id {
		t.Errorf("created = %v", c)
	}
	if g := e.Must(200, e.Do("GET", base+"/"+id, nil)); g["name"] != "Embed" || g["links"] != nil || g["created"] != c["created"] {
		t.Errorf("get = %v", g)
	}
	// The spec's codes: missing name, invalid origin, invalid patch, not found.
	for _, tc := range []struct {
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"POST", base, map[string]any{"validOrigins": []string{"https://a.example"}}, 400, "WEBINTEGRATIONS-5"},
		{"POST", base, map[string]any{"name": "x", "validOrigins": []string{"not-an-origin"}}, 400, "WEBINTEGRATIONS-6"},
		{"POST", base, map[string]any{"name": "x", "validOrigins": []string{"https://a.example/path"}}, 400, "WEBINTEGRATIONS-6"},
		{"POST", base, "[]", 400, "BAD_REQUEST"},
		{"PATCH", base + "/" + id, []map[string]any{{"op": "add", "path": "/name", "value": "x"}}, 400, "WEBINTEGRATIONS-4"},
		{"PATCH", base + "/" + id, []map[string]any{{"op": "replace", "path": "/tenantId", "value": "x"}}, 400, "WEBINTEGRATIONS-4"},
		{"GET", base + "/nope", nil, 404, "WEBINTEGRATIONS_NOT_FOUND"},
	} {
		r := e.Do(tc.method, tc.path, tc.body)
		if r.Status != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.Status, tc.status, r.Raw)
			continue
		}
		er := simtest.FirstError(t, r.Obj())
		if er["code"] != tc.code || er["status"] != fmt.Sprint(tc.status) {
			t.Errorf("%s %s: error %v, want code %s and status %q", tc.method, tc.path, er, tc.code, fmt.Sprint(tc.status))
		}
	}
	e.Must(204, e.Do("PATCH", base+"/"+id, []map[string]any{{"op": "replace", "path": "/name", "value": "Embed 2"},
		{"op": "replace", "path": "/validOrigins", "value": []string{"https://b.example", "http://localhost:3000"}}}))
	g := e.Must(200, e.Do("GET", base+"/"+id, nil))
	if g["name"] != "Embed 2" || fmt.Sprint(g["validOrigins"]) != "[https://b.example http://localhost:3000]" {
		t.Errorf("after PATCH = %v", g)
	}
	e.Must(204, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("PATCH", base+"/"+id, []map[string]any{{"op": "replace", "path": "/name", "value": "x"}}))
	if r := e.Do("PUT", base+"/"+id, map[string]any{"name": "x"}); r.Status != 405 {
		t.Errorf("PUT = %d: web integrations have no PUT", r.Status)
	}
}

func TestWebIntegrationIDCursors(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	for i := range 5 {
		e.Must(201, e.Do("POST", base, map[string]any{"name": fmt.Sprintf("W%d", i)}))
	}
	var names []string
	href := base + "?limit=3"
	var last map[string]any
	for pages := 0; href != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		last = e.Must(200, e.Do("GET", href, nil))
		for _, d := range simtest.List(last, "data") {
			names = append(names, simtest.Str(d.(map[string]any)["name"]))
		}
		href = ""
		if n, ok := last["links"].(map[string]any)["next"].(map[string]any); ok {
			href = simtest.Str(n["href"])
			if !strings.HasPrefix(href, e.Ts.URL+base+"?") || !strings.Contains(href, "startingAfter=") {
				t.Errorf("next href = %q", href)
			}
		}
	}
	want := []string{"Customer portal", "Intranet dashboards", "W0", "W1", "W2", "W3", "W4"}
	if !slices.Equal(names, want) {
		t.Errorf("pages = %v", names)
	}
	prev := simtest.Str(last["links"].(map[string]any)["prev"].(map[string]any)["href"])
	if p := simtest.List(e.Must(200, e.Do("GET", prev, nil)), "data"); len(p) != 3 || p[0].(map[string]any)["name"] != "W1" {
		t.Errorf("prev page = %v", p)
	}
	desc := simtest.List(e.Must(200, e.Do("GET", base+"?sort=-name&limit=1", nil)), "data")
	if desc[0].(map[string]any)["name"] != "W4" {
		t.Errorf("sort=-name = %v", desc)
	}
	if n := len(simtest.List(e.Must(200, e.Do("GET", base+"?tenantId=someone-else", nil)), "data")); n != 0 {
		t.Errorf("another tenant's filter listed %d", n)
	}
	if n := len(simtest.List(e.Must(200, e.Do("GET", base+"?limit=100&tenantId="+e.S.St.TenantID, nil)), "data")); n != 7 {
		t.Errorf("own tenant's filter listed %d", n)
	}
	for _, q := range []string{"sort=created", "limit=101", "startingAfter=nope", "startingAfter=a&endingBefore=b"} {
		e.Must(400, e.Do("GET", base+"?"+q, nil))
	}
}

func TestWebIntegrationDeterministicIDs(t *testing.T) {
	a, b := seededEnv(t, sim.Options{Deterministic: true}), seededEnv(t, sim.Options{Deterministic: true})
	ida := simtest.List(a.Must(200, a.Do("GET", base, nil)), "data")[0].(map[string]any)["id"]
	idb := simtest.List(b.Must(200, b.Do("GET", base, nil)), "data")[0].(map[string]any)["id"]
	if ida != idb || len(simtest.Str(ida)) != 32 {
		t.Errorf("deterministic ids %v and %v", ida, idb)
	}
}
