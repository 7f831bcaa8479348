package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

type groupJSON struct {
	ID            string          `json:"id"`
	TenantID      string          `json:"tenantId"`
	Name          string          `json:"name"`
	Description   string          `json:"description,omitempty"`
	ProviderType  string          `json:"providerType"`
	Status        string          `json:"status"`
	AssignedRoles []roleRef       `json:"assignedRoles"`
	CreatedAt     string          `json:"createdAt"`
	LastUpdatedAt string          `json:"lastUpdatedAt"`
	CreatedBy     string          `json:"createdBy,omitempty"`
	UpdatedBy     string          `json:"updatedBy,omitempty"`
	Links         map[string]link `json:"links"`
}

func renderGroup(r *http.Request, st *state, g *group) groupJSON {
	return groupJSON{ID: g.ID, TenantID: st.TenantID, Name: g.Name, Description: g.Description,
		ProviderType: g.ProviderType, Status: g.Status, AssignedRoles: roleRefs(st, g.RoleIDs),
		CreatedAt: fmtTime(g.CreatedAt), LastUpdatedAt: fmtTime(g.LastUpdatedAt), CreatedBy: g.CreatedBy,
		UpdatedBy: g.UpdatedBy, Links: map[string]link{"self": {Href: baseURL(r) + "/api/v1/groups/" + g.ID}}}
}

func (s *Server) routeGroups(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/groups", s.listGroups)
	mux.HandleFunc("POST /api/v1/groups", s.createGroup)
	mux.HandleFunc("GET /api/v1/groups/{groupId}", s.getGroup)
	mux.HandleFunc("PATCH /api/v1/groups/{groupId}", s.patchGroup)
	mux.HandleFunc("DELETE /api/v1/groups/{groupId}", s.deleteGroup)
}

// listGroups lists regular groups, or with systemGroups=true only the system
// groups (Everyone); the spec says systemGroups cannot be combined with other
// parameters.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	system := q.Get("systemGroups") == "true"
	if system && len(q) > 1 {
		badRequest(w, r, "?systemGroups", "systemGroups cannot be combined with other query parameters")
		return
	}
	pq, ok := parsePaging(w, r, identityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := parseSort(w, r, "+name", "name", "id", "status", "providerType", "createdAt", "lastUpdatedAt")
	if !ok {
		return
	}
	pq.desc = desc
	var flt filterExpr
	if f := q.Get("filter"); f != "" {
		var err error
		if flt, err = parseFilter(f, "id", "name", "status", "providerType", "assignedRoles.name", "assignedRoles.id"); err != nil {
			badRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []*group
	for _, g := range Groups.In(s.st) {
		if g.System == system && (flt == nil || flt.eval(groupAttrs(s.st, g))) {
			items = append(items, g)
		}
	}
	writeIdentityPage(w, r, items, func(g *group) sortKey { return groupSortKey(g, field) }, pq,
		func(g *group) groupJSON { return renderGroup(r, s.st, g) })
}

func groupAttrs(st *state, g *group) func(string) []string {
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

func groupSortKey(g *group, field string) sortKey {
	switch field {
	case "name":
		return sortKey{K: g.Name, S: g.Seq}
	case "id":
		return sortKey{K: g.ID, S: g.Seq}
	case "status":
		return sortKey{K: g.Status, S: g.Seq}
	case "providerType":
		return sortKey{K: g.ProviderType, S: g.Seq}
	}
	return seqKey(g.Seq)
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

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	var in groupCreate
	if err := decodeBody(r, &in); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if msg := validGroupName(in.Name); msg != "" {
		badRequest(w, r, "/name", msg)
		return
	}
	if in.ProviderType == "" {
		in.ProviderType = "idp"
	}
	if in.ProviderType != "idp" && in.ProviderType != "custom" {
		badRequest(w, r, "/providerType", `providerType must be "idp" or "custom"`)
		return
	}
	if in.Status != "" && in.Status != "active" {
		badRequest(w, r, "/status", `status must be "active" when given`)
		return
	}
	if len(in.AssignedRoles) > 100 {
		badRequest(w, r, "/assignedRoles", "at most 100 roles per group")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	roleIDs, msg := resolveRoleRefs(s.st, in.AssignedRoles)
	if msg != "" {
		badRequest(w, r, "/assignedRoles", msg)
		return
	}
	if groupByName(s.st, in.Name) != nil {
		conflict(w, r, "/name", fmt.Sprintf("a group named %q already exists", in.Name))
		return
	}
	if len(Groups.In(s.st)) > 10000 {
		badRequest(w, r, "", "a tenant can have at most 10,000 groups")
		return
	}
	g := s.insertGroup(s.st, in.Name, in.Description, in.ProviderType, roleIDs)
	writeJSON(w, http.StatusCreated, renderGroup(r, s.st, g))
}

func (s *Server) insertGroup(st *state, name, desc, providerType string, roleIDs []string) *group {
	now := s.now()
	caller := callerOf(st).ID
	g := &group{ID: s.newID(st), Name: name, Description: desc, ProviderType: providerType,
		Status: "active", RoleIDs: roleIDs, CreatedBy: caller, UpdatedBy: caller, CreatedAt: now,
		LastUpdatedAt: now, Seq: st.nextSeq()}
	Groups.In(st)[g.ID] = g
	return g
}

func (s *Server) lookupGroup(w http.ResponseWriter, r *http.Request) *group {
	g := Groups.In(s.st)[r.PathValue("groupId")]
	if g == nil {
		notFound(w, r, "group not found")
	}
	return g
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.lookupGroup(w, r); g != nil {
		writeJSON(w, http.StatusOK, renderGroup(r, s.st, g))
	}
}

// patchGroup supports op replace on assignedRoles, name and description
// (the last two for custom groups only); paths with or without a leading
// slash. All-or-nothing; 204.
func (s *Server) patchGroup(w http.ResponseWriter, r *http.Request) {
	var ops []patchOp
	if err := decodeBody(r, &ops); err != nil {
		badRequest(w, r, "", "body must be a JSON Patch array: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
			writeError(w, r, status, "", fmt.Sprintf("/%d", i), http.StatusText(status), msg)
			return
		}
	}
	cp.LastUpdatedAt = s.now()
	cp.UpdatedBy = callerOf(s.st).ID
	*g = cp
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) applyGroupOp(cp, orig *group, op patchOp) string {
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
		ids, msg := resolveRoleRefs(s.st, refs)
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
	if other := groupByName(s.st, v); other != nil && other.ID != orig.ID {
		return fmt.Sprintf("a group named %q already exists", v)
	}
	cp.Name = v
	return ""
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.lookupGroup(w, r)
	if g == nil {
		return
	}
	if g.System {
		badRequest(w, r, "", "system groups cannot be deleted")
		return
	}
	delete(Groups.In(s.st), g.ID)
	for _, u := range Users.In(s.st) {
		u.GroupIDs = removeString(u.GroupIDs, g.ID)
	}
	s.principalDeleted(s.st, g.ID)
	w.WriteHeader(http.StatusNoContent)
}
