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
// are never created or deleted here: the identity provider owns them.
type Groups struct{}

type groupSpec struct {
	ProviderType string   `json:"providerType"`
	Description  string   `json:"description,omitempty"`
	Status       string   `json:"status,omitempty"`
	Roles        []string `json:"roles,omitempty"`
}

func (Groups) Kind() string                          { return "Group" }
func (Groups) Folder() string                        { return "groups" }
func (Groups) Wave() int                             { return 0 }
func (Groups) Refs(resource.Document) []resource.Ref { return nil }

func (Groups) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	groups, err := t.allGroups(ctx)
	if err != nil {
		return nil, err
	}
	docs := make([]resource.Document, 0, len(groups))
	for _, g := range groups {
		d, err := toDoc("Group", g.Name, g.ID, groupSpec{
			ProviderType: g.ProviderType,
			Description:  g.Description,
			Status:       g.Status,
			Roles:        roleNames(g.AssignedRoles),
		})
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return sorted(docs)
}

func (Groups) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
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
	t.rememberGroup(created, false)
	return Result{}, nil
}

func (Groups) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
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

func (Groups) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
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
	t.rememberGroup(apiGroup{ID: have.Metadata.ID}, true)
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
