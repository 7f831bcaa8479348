package kinds

import (
	"context"
	"net/http"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Roles handles Qlik custom roles: a name, a description and the scopes
// assigned to it. Default roles (TenantAdmin, ...) are in every tenant and
// cannot change, so they are never exported; users and groups name roles
// of either type by name. Users and groups sit in a later wave, so that a
// restored custom role exists before a user or group is given it, and is
// deleted only after they have let it go (Qlik refuses to delete a role
// that is still assigned).
var Roles = REST[apiRole, roleSpec]{
	Desc: Desc{
		KindName: "Role", FolderName: "roles",
		ListPath: "/api/v1/roles", Query: limit100(),
		Coverage: Coverage{
			Exported: "custom roles: name, description, assigned scopes",
			Restored: "created, patched, pruned (Qlik refuses while a user or group still holds it); ordered before the users and groups that name it",
			Reentry:  "-",
			LeftOut:  "default roles (TenantAdmin, ...): built in and read-only in every tenant",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, r apiRole) (resource.Document, bool, error) {
		if r.Type != "custom" {
			return resource.Document{}, false, nil
		}
		d, err := toDoc("Role", r.Name, r.ID, roleSpec{
			Description:    r.Description,
			AssignedScopes: sortedCopy(r.AssignedScopes),
		})
		return d, true, err
	},
	ToAPI: func(_ context.Context, _ *Tenant, want resource.Document, s roleSpec) (map[string]any, error) {
		body := map[string]any{"name": want.Metadata.Name, "assignedScopes": nonNil(s.AssignedScopes)}
		if s.Description != "" {
			body["description"] = s.Description
		}
		return body, nil
	},
	UpdateMethod: http.MethodPatch,
	Patch:        map[string]string{"description": "/description", "assignedScopes": "/assignedScopes"},
}

type apiRole struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Type           string   `json:"type"`
	AssignedScopes []string `json:"assignedScopes"`
}

type roleSpec struct {
	Description    string   `json:"description,omitempty"`
	AssignedScopes []string `json:"assignedScopes,omitempty"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
