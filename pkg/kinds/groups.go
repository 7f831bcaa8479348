package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Groups handles Qlik groups. Custom groups are fully managed. Groups of the
// identity provider are exported so that their roles are restored, but they
// are never created or deleted here: the identity provider owns them. The
// built-in Everyone group is in every tenant without being listed.
var Groups = groups{REST[apiGroup, groupSpec]{
	Desc: Desc{
		KindName: "Group", FolderName: "groups",
		ListPath: "/api/v1/groups", Query: limit100(),
		DependsOn: []string{"Role"},
		Policy:    resource.KindPolicy{Directory: true, Builtin: map[string]string{everyoneGroupName: everyoneGroupID}},
		Coverage: Coverage{
			Exported: "name, provider type, description, status, roles",
			Restored: "custom groups created, updated, pruned; identity-provider groups get their roles",
			Reentry:  "identity-provider groups appear when the provider syncs them",
			LeftOut:  "the built-in Everyone group (every tenant has it)",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, g apiGroup) (resource.Document, bool, error) {
		d, err := toDoc("Group", g.Name, g.ID, groupSpec{
			ProviderType: g.ProviderType,
			Description:  g.Description,
			Status:       g.Status,
			Roles:        roleNames(g.AssignedRoles),
		})
		return d, true, err
	},
}}

// groups overrides writes: identity-provider groups are never created or
// deleted, and only custom groups let their description change.
type groups struct{ REST[apiGroup, groupSpec] }

// everyoneGroupID is the fixed id Qlik gives the built-in Everyone group in
// every tenant; it is not listed with the other groups.
const (
	everyoneGroupID   = "000000000000000000000001"
	everyoneGroupName = "Everyone"
)

type apiRoleRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type apiGroup struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Description   string       `json:"description"`
	ProviderType  string       `json:"providerType"`
	Status        string       `json:"status"`
	AssignedRoles []apiRoleRef `json:"assignedRoles"`
}

type groupSpec struct {
	ProviderType string   `json:"providerType"`
	Description  string   `json:"description,omitempty"`
	Status       string   `json:"status,omitempty"`
	Roles        []string `json:"roles,omitempty"`
}

func (groups) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[groupSpec](want)
	if err != nil {
		return Result{}, err
	}
	if s.ProviderType != "custom" {
		return Result{Skipped: fmt.Sprintf("identity-provider group %q is not in this tenant; it appears when the identity provider syncs it", want.Metadata.Name)}, nil
	}
	body := map[string]any{
		"name":          want.Metadata.Name,
		"providerType":  "custom",
		"status":        orDefault(s.Status, "active"),
		"assignedRoles": roleRefs(s.Roles),
	}
	if s.Description != "" {
		body["description"] = s.Description
	}
	var created apiGroup
	if err := t.API.Do(ctx, http.MethodPost, "/api/v1/groups", body, &created); err != nil {
		return Result{}, err
	}
	return Result{ID: created.ID}, nil
}

func (groups) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	ws, err := specOf[groupSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[groupSpec](have)
	if err != nil {
		return Result{}, err
	}
	var ops []patchOp
	var res Result
	if !sameStrings(ws.Roles, hs.Roles) {
		ops = append(ops, patchOp{Op: "replace", Path: "/assignedRoles", Value: roleRefs(ws.Roles)})
	}
	// Only custom groups let name and description change; for identity
	// provider groups they come from the provider.
	if ws.Description != hs.Description {
		if hs.ProviderType == "custom" {
			ops = append(ops, patchOp{Op: "replace", Path: "/description", Value: ws.Description})
		} else {
			res.NotApplied = append(res.NotApplied, "description: the identity provider owns it")
		}
	}
	if ws.ProviderType != hs.ProviderType {
		return Result{}, fmt.Errorf("%s: providerType cannot change (%s in the tenant, %s in Git)", want.Key(), hs.ProviderType, ws.ProviderType)
	}
	if len(ops) == 0 {
		return res, nil
	}
	return res, t.API.Do(ctx, http.MethodPatch, "/api/v1/groups/"+url.PathEscape(have.Metadata.ID), ops, nil)
}

func (groups) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	s, err := specOf[groupSpec](have)
	if err != nil {
		return Result{}, err
	}
	if s.ProviderType != "custom" {
		return Result{Skipped: "identity-provider groups are removed by the identity provider"}, nil
	}
	if err := t.API.Do(ctx, http.MethodDelete, "/api/v1/groups/"+url.PathEscape(have.Metadata.ID), nil, nil); err != nil {
		return Result{}, err
	}
	return Result{}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// sortedCopy returns names sorted, for deterministic documents.
func sortedCopy(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

// FromIdentityProvider implements Provisioned: a group whose provider type
// is not custom is synced from the identity provider. Its roles are restored
// by apply once the identity provider has synced it.
func (groups) FromIdentityProvider(d resource.Document) (string, map[string]any, bool) {
	s, err := specOf[groupSpec](d)
	if err != nil || s.ProviderType == "custom" {
		return "", nil, false
	}
	return "the identity provider syncs it (at a member's sign-in or by SCIM); apply then restores its roles",
		map[string]any{"name": d.Metadata.Name, "providerType": s.ProviderType}, true
}
