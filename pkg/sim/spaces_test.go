package sim

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestSpacesCRUD(t *testing.T) {
	e := newEnv(t, Options{})
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{
		"name": "Finance", "type": "managed", "description": "fin"}))
	id := str(sp["id"])
	if !hex24.MatchString(id) {
		t.Fatalf("id %q is not 24-hex", id)
	}
	me := e.must(200, e.do("GET", "/api/v1/users/me", nil))
	if sp["ownerId"] != me["id"] || sp["createdBy"] != me["id"] {
		t.Errorf("ownerId/createdBy = %v/%v, want caller %v", sp["ownerId"], sp["createdBy"], me["id"])
	}
	links := sp["links"].(map[string]any)
	if got := links["self"].(map[string]any)["href"]; got != e.ts.URL+"/api/v1/spaces/"+id {
		t.Errorf("links.self = %v", got)
	}
	meta := sp["meta"].(map[string]any)
	if len(list(meta, "assignableRoles")) != 6 {
		t.Errorf("managed assignableRoles = %v", meta["assignableRoles"])
	}

	got := e.must(200, e.do("GET", "/api/v1/spaces/"+id, nil))
	if got["name"] != "Finance" || got["type"] != "managed" || got["tenantId"] == "" {
		t.Errorf("get = %v", got)
	}

	// 409 on a duplicate name (case-insensitive), 400 on invalid names and types.
	r := e.do("POST", "/api/v1/spaces", map[string]any{"name": "finance", "type": "shared"})
	errBody := e.must(409, r)
	if errBody["code"] == nil || errBody["traceId"] == nil || firstError(t, errBody)["code"] == nil {
		t.Errorf("spaces error body lacks deprecated top-level fields or traceId: %s", r.raw)
	}
	e.must(400, e.do("POST", "/api/v1/spaces", map[string]any{"name": "a/b", "type": "shared"}))
	e.must(400, e.do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 257), "type": "shared"}))
	e.must(400, e.do("POST", "/api/v1/spaces", map[string]any{"name": "X", "type": "personal"}))
	e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 256), "type": "data"}))

	// PATCH with application/json-patch+json, PUT, owner change.
	other := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "s1", "name": "U1", "email": "u1@example.com"}))
	patch := `[{"op":"replace","path":"/name","value":"Finance 2"},{"op":"replace","path":"/ownerId","value":"` + str(other["id"]) + `"}]`
	p := e.must(200, e.doWith("PATCH", "/api/v1/spaces/"+id, patch, "application/json-patch+json", "Bearer "+e.key))
	if p["name"] != "Finance 2" || p["ownerId"] != other["id"] {
		t.Errorf("patched = %v", p)
	}
	e.must(400, e.do("PATCH", "/api/v1/spaces/"+id, []map[string]any{{"op": "replace", "path": "/type", "value": "shared"}}))
	e.must(400, e.do("PATCH", "/api/v1/spaces/"+id, []map[string]any{{"op": "replace", "path": "/ownerId", "value": "000000000000000000000999"}}))
	u := e.must(200, e.do("PUT", "/api/v1/spaces/"+id, map[string]any{"name": "Finance", "description": "new"}))
	if u["description"] != "new" || u["name"] != "Finance" {
		t.Errorf("put = %v", u)
	}

	types := e.must(200, e.do("GET", "/api/v1/spaces/types", nil))
	if len(list(types, "data")) != 3 {
		t.Errorf("types = %v", types)
	}

	e.must(204, e.do("DELETE", "/api/v1/spaces/"+id, nil))
	nf := e.must(404, e.do("GET", "/api/v1/spaces/"+id, nil))
	if firstError(t, nf)["code"] == "" || nf["traceId"] == nil {
		t.Errorf("404 body = %v", nf)
	}
	e.must(404, e.do("DELETE", "/api/v1/spaces/"+id, nil))
}

func TestSpacesListFilters(t *testing.T) {
	e := newEnv(t, Options{})
	other := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "s1"}))
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Finance", "type": "managed"}))
	e.must(200, e.do("PUT", "/api/v1/spaces/"+str(sp["id"]), map[string]any{"ownerId": other["id"]}))
	e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 256), "type": "data"}))
	e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Griffin", "type": "shared"}))
	l := e.must(200, e.do("GET", "/api/v1/spaces?name=FIN&sort=-name", nil))
	names := []string{}
	for _, d := range list(l, "data") {
		names = append(names, str(d.(map[string]any)["name"]))
	}
	if strings.Join(names, ",") != "Griffin,Finance" {
		t.Errorf("name filter/sort = %v", names)
	}
	if l["meta"].(map[string]any)["count"].(float64) != 2 {
		t.Errorf("meta.count = %v", l["meta"])
	}
	l = e.must(200, e.do("GET", "/api/v1/spaces?type=shared,data", nil))
	if len(list(l, "data")) != 2 {
		t.Errorf("type filter gave %d", len(list(l, "data")))
	}
	l = e.must(200, e.do("GET", "/api/v1/spaces?ownerId="+str(other["id"]), nil))
	if len(list(l, "data")) != 1 {
		t.Errorf("ownerId filter gave %d", len(list(l, "data")))
	}
	e.must(400, e.do("GET", "/api/v1/spaces?sort=+owner", nil))

}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.doWith("GET", "/api/v1/nothing-here", nil, "", "Bearer "+e.key)
	if r.status != http.StatusNotFound || firstError(t, r.obj())["code"] != "HTTP-404" {
		t.Errorf("unknown route: %d %s", r.status, r.raw)
	}
	r = e.doWith("POST", "/api/v1/roles", "{}", "application/json", "Bearer "+e.key)
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST roles: %d %s", r.status, r.raw)
	}
}
