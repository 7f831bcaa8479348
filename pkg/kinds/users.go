package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Users handles Qlik users. The identity provider owns users: apply never
// creates or deletes one. It restores what the tenant itself decides for a
// user that exists: name, status, roles and custom-group membership.
var Users = users{REST[apiUser, userSpec]{
	Desc: Desc{
		KindName: "User", FolderName: "users",
		ListPath: "/api/v1/users", Query: limit100(),
		DependsOn: []string{"Role", "Group"},
		Policy:    resource.KindPolicy{IdPOwned: true, Directory: true},
		Coverage: Coverage{
			Exported: "subject, email, name, status, roles, custom-group membership",
			Restored: "name, roles, custom groups, and active/disabled for users that exist",
			Reentry:  "users themselves: the identity provider creates them at first login",
			LeftOut:  "invited/provisioned status: it follows the user's sign-in",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, u apiUser) (resource.Document, bool, error) {
		d, err := toDoc("User", u.ref(), u.ID, userSpec{
			Subject: u.Subject,
			Email:   u.Email,
			Name:    u.Name,
			Status:  u.Status,
			Roles:   roleNames(u.AssignedRoles),
			Groups:  customGroupNames(u.AssignedGroups),
		})
		return d, true, err
	},
	RefsOf: func(_ resource.Document, s userSpec) []resource.Ref {
		var refs []resource.Ref
		for i, g := range s.Groups {
			refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Group", Name: g}, Field: fmt.Sprintf("spec.groups[%d]", i)})
		}
		return refs
	},
}}

// users never creates or deletes, and patches what the tenant decides.
type users struct{ REST[apiUser, userSpec] }

type apiGroupRef struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	ProviderType string `json:"providerType,omitempty"`
}

type apiUser struct {
	ID             string        `json:"id"`
	Subject        string        `json:"subject"`
	Name           string        `json:"name"`
	Email          string        `json:"email"`
	Status         string        `json:"status"`
	AssignedRoles  []apiRoleRef  `json:"assignedRoles"`
	AssignedGroups []apiGroupRef `json:"assignedGroups"`
}

// ref is how documents name this user.
func (u apiUser) ref() string {
	if u.Email != "" {
		return u.Email
	}
	return u.Subject
}

// Index implements Indexer: documents name a user by email (subject when
// there is none); a reference resolves by subject first, then by email
// case-insensitively, as mail systems compare them.
func (users) Index(raw json.RawMessage) (Entry, error) {
	var u apiUser
	if err := json.Unmarshal(raw, &u); err != nil {
		return Entry{}, fmt.Errorf("unexpected item in list: %w", err)
	}
	return Entry{ID: u.ID, Name: u.ref(), Also: []string{u.Subject}, Fold: []string{u.Email}}, nil
}

type userSpec struct {
	Subject string   `json:"subject"`
	Email   string   `json:"email,omitempty"`
	Name    string   `json:"name,omitempty"`
	Status  string   `json:"status,omitempty"`
	Roles   []string `json:"roles,omitempty"`
	// Groups lists custom groups only; identity-provider group membership
	// is the provider's to change.
	Groups []string `json:"groups,omitempty"`
}

func customGroupNames(gs []apiGroupRef) []string {
	var out []string
	for _, g := range gs {
		if g.ProviderType == "custom" && g.Name != "" {
			out = append(out, g.Name)
		}
	}
	return sortedCopy(out)
}

func (users) Create(_ context.Context, _ *Tenant, want resource.Document) (Result, error) {
	return Result{Skipped: "user " + want.Metadata.Name + " is not in this tenant; users are created by the identity provider at first login"}, nil
}

func (users) Delete(context.Context, *Tenant, resource.Document) (Result, error) {
	return Result{Skipped: "users are never deleted by qlikops; remove them in the identity provider"}, nil
}

func (users) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	ws, err := specOf[userSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[userSpec](have)
	if err != nil {
		return Result{}, err
	}
	var ops []patchOp
	var res Result
	if ws.Name != hs.Name && ws.Name != "" {
		ops = append(ops, patchOp{Op: "replace", Path: "/name", Value: ws.Name})
	}
	if ws.Status != hs.Status && ws.Status != "" {
		// Only these two are set through the API; invited, provisioned and
		// deleted follow from what the user and the identity provider do.
		if ws.Status == "active" || ws.Status == "disabled" {
			ops = append(ops, patchOp{Op: "replace", Path: "/status", Value: ws.Status})
		} else {
			res.NotApplied = append(res.NotApplied, "status "+ws.Status+": set by the user's sign-in, not by the API")
		}
	}
	if !sameStrings(ws.Roles, hs.Roles) {
		ops = append(ops, patchOp{Op: "replace", Path: "/assignedRoles", Value: roleRefs(ws.Roles)})
	}
	if !sameStrings(ws.Groups, hs.Groups) {
		groups, unresolved, err := userGroupRefs(ctx, t, have.Metadata.ID, ws.Groups)
		if err != nil {
			return Result{}, err
		}
		res.Unresolved = unresolved
		ops = append(ops, patchOp{Op: "replace", Path: "/assignedGroups", Value: groups})
	}
	if len(ops) == 0 {
		return res, nil
	}
	return res, t.API.Do(ctx, http.MethodPatch, "/api/v1/users/"+url.PathEscape(have.Metadata.ID), ops, nil)
}

// userGroupRefs builds the full assignedGroups value: the wanted custom
// groups plus the identity-provider groups the user has now, which a replace
// must not drop.
func userGroupRefs(ctx context.Context, t *Tenant, userID string, custom []string) ([]apiGroupRef, []string, error) {
	all, err := listed[apiUser](ctx, t, "User")
	if err != nil {
		return nil, nil, err
	}
	var out []apiGroupRef
	for _, u := range all {
		if u.ID != userID {
			continue
		}
		for _, g := range u.AssignedGroups {
			if g.ProviderType != "custom" {
				out = append(out, apiGroupRef{ID: g.ID})
			}
		}
	}
	var unresolved []string
	for _, name := range custom {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Group", Name: name})
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			unresolved = append(unresolved, "group:"+name)
			continue
		}
		out = append(out, apiGroupRef{ID: id})
	}
	return out, unresolved, nil
}

// FromIdentityProvider implements Provisioned: every user comes from the
// identity provider. Its seed row carries who the user is and, of the roles,
// only TenantAdmin, which every tenant has: a rehearsal then acts as the
// snapshot's first admin, and apply restores the other roles (custom ones
// included, which do not exist before apply creates them).
func (users) FromIdentityProvider(d resource.Document) (string, map[string]any, bool) {
	s, err := specOf[userSpec](d)
	if err != nil {
		return "", nil, false
	}
	row := map[string]any{"subject": s.Subject, "name": s.Name, "email": s.Email}
	if s.Status != "" {
		row["status"] = s.Status
	}
	for _, r := range s.Roles {
		if r == "TenantAdmin" {
			row["roles"] = []string{r}
		}
	}
	return "the identity provider creates it at first sign-in (or by SCIM); apply then restores its roles and custom groups", row, true
}
