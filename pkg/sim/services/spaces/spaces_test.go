package spaces_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestSpacesCRUD(t *testing.T) {
	e := newEnv(t, core.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{
		"name": "Finance", "type": "managed", "description": "fin"}))
	id := simtest.Str(sp["id"])
	if !hex24.MatchString(id) {
		t.Fatalf("id %q is not 24-hex", id)
	}
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	if sp["ownerId"] != me["id"] || sp["createdBy"] != me["id"] {
		t.Errorf("ownerId/createdBy = %v/%v, want caller %v", sp["ownerId"], sp["createdBy"], me["id"])
	}
	links := sp["links"].(map[string]any)
	if got := links["self"].(map[string]any)["href"]; got != e.Ts.URL+"/api/v1/spaces/"+id {
		t.Errorf("links.self = %v", got)
	}
	meta := sp["meta"].(map[string]any)
	if len(simtest.List(meta, "assignableRoles")) != 6 {
		t.Errorf("managed assignableRoles = %v", meta["assignableRoles"])
	}

	got := e.Must(200, e.Do("GET", "/api/v1/spaces/"+id, nil))
	if got["name"] != "Finance" || got["type"] != "managed" || got["tenantId"] == "" {
		t.Errorf("get = %v", got)
	}

	// 409 on a duplicate name (case-insensitive), 400 on invalid names and types.
	r := e.Do("POST", "/api/v1/spaces", map[string]any{"name": "finance", "type": "shared"})
	errBody := e.Must(409, r)
	if errBody["code"] == nil || errBody["traceId"] == nil || simtest.FirstError(t, errBody)["code"] == nil {
		t.Errorf("spaces error body lacks deprecated top-level fields or traceId: %s", r.Raw)
	}
	e.Must(400, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "a/b", "type": "shared"}))
	e.Must(400, e.Do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 257), "type": "shared"}))
	e.Must(400, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "X", "type": "personal"}))
	e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 256), "type": "data"}))

	// PATCH with application/json-patch+json, PUT, owner change.
	other := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "s1", "name": "U1", "email": "u1@example.com"}))
	patch := `[{"op":"replace","path":"/name","value":"Finance 2"},{"op":"replace","path":"/ownerId","value":"` + simtest.Str(other["id"]) + `"}]`
	p := e.Must(200, e.DoWith("PATCH", "/api/v1/spaces/"+id, patch, "application/json-patch+json", "Bearer "+e.Key))
	if p["name"] != "Finance 2" || p["ownerId"] != other["id"] {
		t.Errorf("patched = %v", p)
	}
	e.Must(400, e.Do("PATCH", "/api/v1/spaces/"+id, []map[string]any{{"op": "replace", "path": "/type", "value": "shared"}}))
	e.Must(400, e.Do("PATCH", "/api/v1/spaces/"+id, []map[string]any{{"op": "replace", "path": "/ownerId", "value": "000000000000000000000999"}}))
	u := e.Must(200, e.Do("PUT", "/api/v1/spaces/"+id, map[string]any{"name": "Finance", "description": "new"}))
	if u["description"] != "new" || u["name"] != "Finance" {
		t.Errorf("put = %v", u)
	}

	types := e.Must(200, e.Do("GET", "/api/v1/spaces/types", nil))
	if len(simtest.List(types, "data")) != 3 {
		t.Errorf("types = %v", types)
	}

	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+id, nil))
	nf := e.Must(404, e.Do("GET", "/api/v1/spaces/"+id, nil))
	if simtest.FirstError(t, nf)["code"] == "" || nf["traceId"] == nil {
		t.Errorf("404 body = %v", nf)
	}
	e.Must(404, e.Do("DELETE", "/api/v1/spaces/"+id, nil))
}

func TestSpacesListFilters(t *testing.T) {
	e := newEnv(t, core.Options{})
	other := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "s1"}))
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Finance", "type": "managed"}))
	e.Must(200, e.Do("PUT", "/api/v1/spaces/"+simtest.Str(sp["id"]), map[string]any{"ownerId": other["id"]}))
	e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": strings.Repeat("x", 256), "type": "data"}))
	e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Griffin", "type": "shared"}))
	l := e.Must(200, e.Do("GET", "/api/v1/spaces?name=FIN&sort=-name", nil))
	names := []string{}
	for _, d := range simtest.List(l, "data") {
		names = append(names, simtest.Str(d.(map[string]any)["name"]))
	}
	if strings.Join(names, ",") != "Griffin,Finance" {
		t.Errorf("name filter/sort = %v", names)
	}
	if l["meta"].(map[string]any)["count"].(float64) != 2 {
		t.Errorf("meta.count = %v", l["meta"])
	}
	l = e.Must(200, e.Do("GET", "/api/v1/spaces?type=shared,data", nil))
	if len(simtest.List(l, "data")) != 2 {
		t.Errorf("type filter gave %d", len(simtest.List(l, "data")))
	}
	l = e.Must(200, e.Do("GET", "/api/v1/spaces?ownerId="+simtest.Str(other["id"]), nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Errorf("ownerId filter gave %d", len(simtest.List(l, "data")))
	}
	e.Must(400, e.Do("GET", "/api/v1/spaces?sort=+owner", nil))

}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, core.Options{})
	r := e.DoWith("GET", "/api/v1/nothing-here", nil, "", "Bearer "+e.Key)
	if r.Status != http.StatusNotFound || simtest.FirstError(t, r.Obj())["code"] != "HTTP-404" {
		t.Errorf("unknown route: %d %s", r.Status, r.Raw)
	}
	r = e.DoWith("PUT", "/api/v1/roles", "{}", "application/json", "Bearer "+e.Key)
	if r.Status != http.StatusMethodNotAllowed {
		t.Errorf("PUT roles: %d %s", r.Status, r.Raw)
	}
}
