package identity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

type groupJSON struct {
	ID            string               `json:"id"`
	TenantID      string               `json:"tenantId"`
	Name          string               `json:"name"`
	Description   string               `json:"description,omitempty"`
	ProviderType  string               `json:"providerType"`
	Status        string               `json:"status"`
	AssignedRoles []roleRef            `json:"assignedRoles"`
	CreatedAt     string               `json:"createdAt"`
	LastUpdatedAt string               `json:"lastUpdatedAt"`
	CreatedBy     string               `json:"createdBy,omitempty"`
	UpdatedBy     string               `json:"updatedBy,omitempty"`
	Links         map[string]core.Link `json:"links"`
}

func renderGroup(r *http.Request, st *core.State, g *core.Group) groupJSON {
	return groupJSON{ID: g.ID, TenantID: st.TenantID, Name: g.Name, Description: g.Description,
		ProviderType: g.ProviderType, Status: g.Status, AssignedRoles: roleRefs(st, g.RoleIDs),
		CreatedAt: core.FmtTime(g.CreatedAt), LastUpdatedAt: core.FmtTime(g.LastUpdatedAt), CreatedBy: g.CreatedBy,
		UpdatedBy: g.UpdatedBy, Links: map[string]core.Link{"self": {Href: core.BaseURL(r) + "/api/v1/groups/" + g.ID}}}
}

func (s server) routeGroups(mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/groups", s.listGroups)
	mux.HandleFunc("POST /api/v1/groups", s.createGroup)
	mux.HandleFunc("GET /api/v1/groups/{groupId}", s.getGroup)
	mux.HandleFunc("PATCH /api/v1/groups/{groupId}", s.patchGroup)
	mux.HandleFunc("DELETE /api/v1/groups/{groupId}", s.deleteGroup)
}

// listGroups lists regular groups, or with systemGroups=true only the system
// groups (Everyone); the spec says systemGroups cannot be combined with other
// parameters.
func (s server) listGroups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	system := q.Get("systemGroups") == "true"
	if system && len(q) > 1 {
		core.BadRequest(w, r, "?systemGroups", "systemGroups cannot be combined with other query parameters")
		return
	}
	pq, ok := core.ParsePaging(w, r, core.IdentityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := core.ParseSort(w, r, "+name", "name", "id", "status", "providerType", "createdAt", "lastUpdatedAt")
	if !ok {
		return
	}
	pq.Desc = desc
	var flt core.FilterExpr
	if f := q.Get("filter"); f != "" {
		var err error
		if flt, err = core.ParseFilter(f, "id", "name", "status", "providerType", "assignedRoles.name", "assignedRoles.id"); err != nil {
			core.BadRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var items []*core.Group
	for _, g := range core.Groups.In(s.St) {
		if g.System == system && (flt == nil || flt.Eval(groupAttrs(s.St, g))) {
			items = append(items, g)
		}
	}
	core.WriteIdentityPage(w, r, items, func(g *core.Group) core.SortKey { return groupSortKey(g, field) }, pq,
		func(g *core.Group) groupJSON { return renderGroup(r, s.St, g) })
}

func groupAttrs(st *core.State, g *core.Group) func(string) []string {
	return func(attr string) []string {
		switch attr {
		case "id":
			return []string{g.ID}
		case "name":
			return []string{g.Name}
		case "status":
			return []string{g.Status}
		case "providertype":
			return []string{g.ProviderType}
		case "assignedroles.name":
			return roleNames(st, g.RoleIDs)
		case "assignedroles.id":
			return g.RoleIDs
		}
		return nil
	}
}

func groupSortKey(g *core.Group, field string) core.SortKey {
	switch field {
	case "name":
		return core.SortKey{K: g.Name, S: g.Seq}
	case "id":
		return core.SortKey{K: g.ID, S: g.Seq}
	case "status":
		return core.SortKey{K: g.Status, S: g.Seq}
	case "providerType":
		return core.SortKey{K: g.ProviderType, S: g.Seq}
	}
	return core.SeqKey(g.Seq)
}

type groupCreate struct {
	Name          string      `json:"name"`
	Description   string      `json:"description"`
	ProviderType  string      `json:"providerType"`
	Status        string      `json:"status"`
	AssignedRoles []refIDName `json:"assignedRoles"`
}

func validGroupName(name string) string {
	if name == "" {
		return "name is required"
	}
	if utf8.RuneCountInString(name) > 256 {
		return "name must be at most 256 characters"
	}
	return ""
}

func (s server) createGroup(w http.ResponseWriter, r *http.Request) {
	var in groupCreate
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if msg := validGroupName(in.Name); msg != "" {
		core.BadRequest(w, r, "/name", msg)
		return
	}
	if in.ProviderType == "" {
		in.ProviderType = "idp"
	}
	if in.ProviderType != "idp" && in.ProviderType != "custom" {
		core.BadRequest(w, r, "/providerType", `providerType must be "idp" or "custom"`)
		return
	}
	if in.Status != "" && in.Status != "active" {
		core.BadRequest(w, r, "/status", `status must be "active" when given`)
		return
	}
	if len(in.AssignedRoles) > 100 {
		core.BadRequest(w, r, "/assignedRoles", "at most 100 roles per group")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	roleIDs, msg := resolveRoleRefs(s.St, in.AssignedRoles)
	if msg != "" {
		core.BadRequest(w, r, "/assignedRoles", msg)
		return
	}
	if core.GroupByName(s.St, in.Name) != nil {
		core.Conflict(w, r, "/name", fmt.Sprintf("a group named %q already exists", in.Name))
		return
	}
	if len(core.Groups.In(s.St)) > 10000 {
		core.BadRequest(w, r, "", "a tenant can have at most 10,000 groups")
		return
	}
	g := s.insertGroup(s.St, in.Name, in.Description, in.ProviderType, roleIDs)
	core.WriteJSON(w, http.StatusCreated, renderGroup(r, s.St, g))
}

func (s server) insertGroup(st *core.State, name, desc, providerType string, roleIDs []string) *core.Group {
	now := s.Now()
	caller := core.CallerOf(st).ID
	g := &core.Group{ID: s.NewID(st), Name: name, Description: desc, ProviderType: providerType,
		Status: "active", RoleIDs: roleIDs, CreatedBy: caller, UpdatedBy: caller, CreatedAt: now,
		LastUpdatedAt: now, Seq: st.NextSeq()}
	core.Groups.In(st)[g.ID] = g
	return g
}

func (s server) lookupGroup(w http.ResponseWriter, r *http.Request) *core.Group {
	g := core.Groups.In(s.St)[r.PathValue("groupId")]
	if g == nil {
		core.NotFound(w, r, "group not found")
	}
	return g
}

func (s server) getGroup(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if g := s.lookupGroup(w, r); g != nil {
		core.WriteJSON(w, http.StatusOK, renderGroup(r, s.St, g))
	}
}

// patchGroup supports op replace on assignedRoles, name and description
// (the last two for custom groups only); paths with or without a leading
// slash. All-or-nothing; 204.
func (s server) patchGroup(w http.ResponseWriter, r *http.Request) {
	var ops []patchOp
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.lookupGroup(w, r)
	if g == nil {
		return
	}
	cp := *g
	for i, op := range ops {
		if msg := s.applyGroupOp(&cp, g, op); msg != "" {
			status := http.StatusBadRequest
			if strings.Contains(msg, "already exists") {
				status = http.StatusConflict
			}
			core.WriteError(w, r, status, "", fmt.Sprintf("/%d", i), http.StatusText(status), msg)
			return
		}
	}
	cp.LastUpdatedAt = s.Now()
	cp.UpdatedBy = core.CallerOf(s.St).ID
	*g = cp
	w.WriteHeader(http.StatusNoContent)
}

func (s server) applyGroupOp(cp, orig *core.Group, op patchOp) string {
	if op.Op != "replace" {
		return `only op "replace" is supported`
	}
	path := strings.TrimPrefix(op.Path, "/")
	if path == "assignedRoles" {
		refs, err := parseRefs(op.Value)
		if err != nil {
			return "value must be role references [{id}] or [{name}]"
		}
		if len(refs) > 100 {
			return "at most 100 roles per group"
		}
		ids, msg := resolveRoleRefs(s.St, refs)
		cp.RoleIDs = ids
		return msg
	}
	if path != "name" && path != "description" {
		return fmt.Sprintf("unsupported path %q", op.Path)
	}
	if cp.ProviderType != "custom" || cp.System {
		return path + " can be changed only on custom groups"
	}
	var v string
	if err := json.Unmarshal(op.Value, &v); err != nil {
		return path + ": value must be a string"
	}
	if path == "description" {
		cp.Description = v
		return ""
	}
	if msg := validGroupName(v); msg != "" {
		return msg
	}
	if other := core.GroupByName(s.St, v); other != nil && other.ID != orig.ID {
		return fmt.Sprintf("a group named %q already exists", v)
	}
	cp.Name = v
	return ""
}

func (s server) deleteGroup(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.lookupGroup(w, r)
	if g == nil {
		return
	}
	if g.System {
		core.BadRequest(w, r, "", "system groups cannot be deleted")
		return
	}
	delete(core.Groups.In(s.St), g.ID)
	for _, u := range core.Users.In(s.St) {
		u.GroupIDs = core.RemoveString(u.GroupIDs, g.ID)
	}
	s.PrincipalDeleted(s.St, g.ID)
	w.WriteHeader(http.StatusNoContent)
}
