package identity_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// Custom roles: created, patched, refused while assigned, deleted; default
// roles refuse every write.
func TestCustomRolesCRUD(t *testing.T) {
	e := newEnv(t, core.Options{})
	ro := e.Must(201, e.Do("POST", "/api/v1/roles", map[string]any{"name": "Reviewer", "description": "d", "assignedScopes": []string{"a:read"}}))
	id := simtest.Str(ro["id"])
	if ro["type"] != "custom" || len(simtest.List(ro, "assignedScopes")) != 1 || ro["canDelete"] != true {
		t.Errorf("created role = %v", ro)
	}
	e.Must(409, e.Do("POST", "/api/v1/roles", map[string]any{"name": "reviewer"}))
	e.Must(400, e.Do("POST", "/api/v1/roles", map[string]any{"description": "no name"}))

	e.Must(204, e.Do("PATCH", "/api/v1/roles/"+id, []map[string]any{
		{"op": "replace", "path": "/description", "value": "changed"},
		{"op": "add", "path": "/assignedScopes/-", "value": "b:write"},
		{"op": "remove-value", "path": "/assignedScopes", "value": "a:read"},
	}))
	got := e.Must(200, e.Do("GET", "/api/v1/roles/"+id, nil))
	if sc := simtest.List(got, "assignedScopes"); got["description"] != "changed" || len(sc) != 1 || sc[0] != "b:write" {
		t.Errorf("after patch = %v", got)
	}
	// All-or-nothing: a bad second op leaves the description.
	e.Must(400, e.Do("PATCH", "/api/v1/roles/"+id, []map[string]any{
		{"op": "replace", "path": "/description", "value": "lost"},
		{"op": "replace", "path": "/level", "value": "admin"},
	}))
	if d := e.Must(200, e.Do("GET", "/api/v1/roles/"+id, nil))["description"]; d != "changed" {
		t.Errorf("description after a failed patch = %v", d)
	}

	g := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "G", "providerType": "custom", "assignedRoles": []map[string]any{{"name": "Reviewer"}}}))
	e.Must(400, e.Do("DELETE", "/api/v1/roles/"+id, nil))
	e.Must(204, e.Do("PATCH", "/api/v1/groups/"+simtest.Str(g["id"]), []map[string]any{{"op": "replace", "path": "/assignedRoles", "value": []any{}}}))
	e.Must(204, e.Do("DELETE", "/api/v1/roles/"+id, nil))
	e.Must(404, e.Do("GET", "/api/v1/roles/"+id, nil))

	var adminID string
	for _, r := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/roles?limit=100", nil)), "data") {
		if r.(map[string]any)["name"] == "TenantAdmin" {
			adminID = simtest.Str(r.(map[string]any)["id"])
		}
	}
	e.Must(403, e.Do("PATCH", "/api/v1/roles/"+adminID, []map[string]any{{"op": "replace", "path": "/description", "value": "x"}}))
	e.Must(403, e.Do("DELETE", "/api/v1/roles/"+adminID, nil))
}
