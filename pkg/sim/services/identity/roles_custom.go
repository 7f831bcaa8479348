package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Custom roles: create, patch and delete (roles spec). Default roles are
// read-only. Choices where Qlik does not say: a name clashes
// case-insensitively (409), a scope is any non-empty string, and a role
// still assigned to a user or group is refused with 400.

// maxCustomRoles is the spec's limit per tenant.
const maxCustomRoles = 500

func (s server) routeCustomRoles(mux *core.RouteMux) {
	mux.HandleFunc("POST /api/v1/roles", s.createRole)
	mux.HandleFunc("PATCH /api/v1/roles/{id}", s.patchRole)
	mux.HandleFunc("DELETE /api/v1/roles/{id}", s.deleteRole)
}

type createRoleBody struct {
	Name           *string  `json:"name"`
	Description    string   `json:"description"`
	AssignedScopes []string `json:"assignedScopes"`
}

func (s server) createRole(w http.ResponseWriter, r *http.Request) {
	var b createRoleBody
	if err := core.DecodeBody(r, &b); err != nil {
		core.BadRequest(w, r, "", "invalid body: "+err.Error())
		return
	}
	if b.Name == nil || strings.TrimSpace(*b.Name) == "" {
		core.BadRequest(w, r, "/name", "name is required")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	if !s.callerIsTenantAdmin(w, r) {
		return
	}
	if msg := validScopes(b.AssignedScopes); msg != "" {
		core.BadRequest(w, r, "/assignedScopes", msg)
		return
	}
	if core.RoleByName(st, *b.Name) != nil {
		core.Conflict(w, r, "/name", fmt.Sprintf("a role named %q already exists", *b.Name))
		return
	}
	n := 0
	for _, ro := range core.Roles.In(st) {
		if ro.Type == "custom" {
			n++
		}
	}
	if n >= maxCustomRoles {
		core.BadRequest(w, r, "", fmt.Sprintf("a tenant has at most %d custom roles", maxCustomRoles))
		return
	}
	ro := s.insertCustomRole(st, st.NewID(s.Opts.Deterministic), *b.Name, b.Description, b.AssignedScopes)
	core.WriteJSON(w, http.StatusCreated, renderRole(r, st, ro))
}

// insertCustomRole adds a custom role; the caller has checked its fields.
func (s server) insertCustomRole(st *core.State, id, name, desc string, scopes []string) *core.Role {
	ro := &core.Role{ID: id, Name: name, Description: desc, Type: "custom",
		Level: "user", Permissions: []string{}, AssignedScopes: normScopes(scopes), CreatedAt: s.Now(), Seq: st.NextSeq()}
	core.Roles.In(st)[ro.ID] = ro
	return ro
}

func normScopes(scopes []string) []string {
	out := []string{}
	for _, sc := range scopes {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

func validScopes(scopes []string) string {
	for i, sc := range scopes {
		if strings.TrimSpace(sc) == "" {
			return fmt.Sprintf("assignedScopes[%d] is empty", i)
		}
	}
	return ""
}

func (s server) callerIsTenantAdmin(w http.ResponseWriter, r *http.Request) bool {
	if u := core.CallerOf(s.St); u == nil || !core.HasRole(s.St, u, "TenantAdmin") && u.Subject != core.BotSubject {
		core.WriteError(w, r, http.StatusForbidden, "", "", "Forbidden", "the TenantAdmin role is required")
		return false
	}
	return true
}

// customRole looks up {id} for a write: 404 when absent, 403 for a default
// role, which cannot change.
func (s server) customRole(w http.ResponseWriter, r *http.Request) *core.Role {
	ro := core.Roles.In(s.St)[r.PathValue("id")]
	switch {
	case ro == nil:
		core.NotFound(w, r, "role not found")
		return nil
	case ro.Type != "custom":
		core.WriteError(w, r, http.StatusForbidden, "", "", "Forbidden", fmt.Sprintf("role %q is a default role and cannot be changed", ro.Name))
		return nil
	}
	return ro
}

// patchRole takes replace on /name, /description, /assignedScopes, add on
// /assignedScopes/- and remove-value on /assignedScopes, all-or-nothing;
// 204.
func (s server) patchRole(w http.ResponseWriter, r *http.Request) {
	var ops []patchOp
	if err := core.DecodeBody(r, &ops); err != nil || ops == nil {
		core.BadRequest(w, r, "", "body must be a JSON Patch array")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !s.callerIsTenantAdmin(w, r) {
		return
	}
	ro := s.customRole(w, r)
	if ro == nil {
		return
	}
	cp := *ro
	cp.AssignedScopes = append([]string(nil), ro.AssignedScopes...)
	for i, op := range ops {
		status, msg := applyRoleOp(s.St, &cp, op)
		if msg != "" {
			core.WriteError(w, r, status, "", fmt.Sprintf("/%d", i), http.StatusText(status), msg)
			return
		}
	}
	cp.UpdatedAt = s.Now()
	*ro = cp
	core.NoContentJSON(w)
}

func applyRoleOp(st *core.State, ro *core.Role, op patchOp) (int, string) {
	var str string
	var list []string
	strErr := json.Unmarshal(op.Value, &str)
	listErr := json.Unmarshal(op.Value, &list)
	switch {
	case op.Op == "replace" && op.Path == "/name":
		if strErr != nil || strings.TrimSpace(str) == "" {
			return http.StatusBadRequest, "/name takes a non-empty string"
		}
		if o := core.RoleByName(st, str); o != nil && o.ID != ro.ID {
			return http.StatusConflict, fmt.Sprintf("a role named %q already exists", str)
		}
		ro.Name = str
	case op.Op == "replace" && op.Path == "/description":
		if strErr != nil {
			return http.StatusBadRequest, "/description takes a string"
		}
		ro.Description = str
	case op.Op == "replace" && op.Path == "/assignedScopes":
		if listErr != nil {
			return http.StatusBadRequest, "/assignedScopes takes an array of strings"
		}
		if msg := validScopes(list); msg != "" {
			return http.StatusBadRequest, msg
		}
		ro.AssignedScopes = normScopes(list)
	case op.Op == "add" && op.Path == "/assignedScopes/-":
		if strErr != nil || strings.TrimSpace(str) == "" {
			return http.StatusBadRequest, "/assignedScopes/- takes a non-empty string"
		}
		ro.AssignedScopes = normScopes(append(ro.AssignedScopes, str))
	case op.Op == "remove-value" && op.Path == "/assignedScopes":
		if strErr != nil {
			return http.StatusBadRequest, "remove-value on /assignedScopes takes a string"
		}
		ro.AssignedScopes = slices.DeleteFunc(ro.AssignedScopes, func(s string) bool { return s == str })
	default:
		return http.StatusBadRequest, fmt.Sprintf("op %q on path %q is not supported", op.Op, op.Path)
	}
	return 0, ""
}

// deleteRole removes a custom role that no user or group holds.
func (s server) deleteRole(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !s.callerIsTenantAdmin(w, r) {
		return
	}
	ro := s.customRole(w, r)
	if ro == nil {
		return
	}
	for _, u := range core.Users.In(s.St) {
		if slices.Contains(u.RoleIDs, ro.ID) {
			core.BadRequest(w, r, "", fmt.Sprintf("role %q is still assigned to user %s", ro.Name, u.Email))
			return
		}
	}
	for _, g := range core.Groups.In(s.St) {
		if slices.Contains(g.RoleIDs, ro.ID) {
			core.BadRequest(w, r, "", fmt.Sprintf("role %q is still assigned to group %q", ro.Name, g.Name))
			return
		}
	}
	delete(core.Roles.In(s.St), ro.ID)
	core.NoContentJSON(w)
}

// seedRole is a custom role in roles.yaml.
type seedRole struct {
	Name           string   `json:"name"`
	Description    string   `json:"description,omitempty"`
	AssignedScopes []string `json:"assignedScopes,omitempty"`
}

func (s server) seedRoles(st *core.State, roles []seedRole) error {
	for i, ro := range roles {
		where := fmt.Sprintf("roles[%d] (%q)", i, ro.Name)
		switch {
		case strings.TrimSpace(ro.Name) == "":
			return fmt.Errorf("%s: name is required", where)
		case core.RoleByName(st, ro.Name) != nil:
			return fmt.Errorf("%s: a role with this name already exists", where)
		}
		if msg := validScopes(ro.AssignedScopes); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		s.insertCustomRole(st, s.seedRoleID(st, ro.Name), ro.Name, ro.Description, ro.AssignedScopes)
	}
	return nil
}

// seedRoleID is a seeded custom role's id. A deterministic simulator
// derives it from the name instead of its id counter, so that seeding
// roles does not renumber every user, group and space after them (tests
// and goldens name those ids).
func (s server) seedRoleID(st *core.State, name string) string {
	if !s.Opts.Deterministic {
		return st.NewID(false)
	}
	sum := sha256.Sum256([]byte("role:" + strings.ToLower(name)))
	return hex.EncodeToString(sum[:12])
}
