package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

type userJSON struct {
	ID                string          `json:"id"`
	TenantID          string          `json:"tenantId"`
	Subject           string          `json:"subject"`
	Name              string          `json:"name"`
	Email             string          `json:"email,omitempty"`
	Status            string          `json:"status"`
	Picture           string          `json:"picture,omitempty"`
	PreferredLocale   string          `json:"preferredLocale,omitempty"`
	PreferredZoneinfo string          `json:"preferredZoneinfo,omitempty"`
	CreatedAt         string          `json:"createdAt"`
	LastUpdatedAt     string          `json:"lastUpdatedAt"`
	AssignedRoles     []roleRef       `json:"assignedRoles"`
	AssignedGroups    []groupRefJSON  `json:"assignedGroups"`
	AssignedScopes    []string        `json:"assignedScopes"`
	Links             map[string]link `json:"links"`
}

type groupRefJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	ProviderType  string    `json:"providerType"`
	AssignedRoles []roleRef `json:"assignedRoles"`
}

func renderUser(r *http.Request, st *state, u *user) userJSON {
	out := userJSON{ID: u.ID, TenantID: st.TenantID, Subject: u.Subject, Name: u.Name, Email: u.Email,
		Status: u.Status, Picture: u.Picture, PreferredLocale: u.PreferredLocale,
		PreferredZoneinfo: u.PreferredZoneinfo, CreatedAt: fmtTime(u.CreatedAt),
		LastUpdatedAt: fmtTime(u.LastUpdatedAt), AssignedRoles: roleRefs(st, u.RoleIDs),
		AssignedGroups: []groupRefJSON{}, AssignedScopes: []string{},
		Links: map[string]link{"self": {Href: baseURL(r) + "/api/v1/users/" + u.ID}}}
	for _, gid := range u.GroupIDs {
		if g := Groups.In(st)[gid]; g != nil {
			out.AssignedGroups = append(out.AssignedGroups, groupRefJSON{ID: g.ID, Name: g.Name,
				ProviderType: g.ProviderType, AssignedRoles: roleRefs(st, g.RoleIDs)})
		}
	}
	return out
}

func (s *Server) routeUsers(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/users", s.listUsers)
	mux.HandleFunc("POST /api/v1/users", s.createUser)
	mux.HandleFunc("GET /api/v1/users/me", s.me)
	mux.HandleFunc("GET /api/v1/users/actions/count", s.countUsers)
	mux.HandleFunc("GET /api/v1/users/{userId}", s.getUser)
	mux.HandleFunc("PATCH /api/v1/users/{userId}", s.patchUser)
	mux.HandleFunc("DELETE /api/v1/users/{userId}", s.deleteUser)
}

var userFilterAttrs = []string{"id", "subject", "name", "email", "status", "clientId", "assignedRoles.id",
	"assignedRoles.name", "assignedGroups.id", "assignedGroupsAssignedRoles.name", "assignedScopes"}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	pq, ok := parsePaging(w, r, identityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := parseSort(w, r, "+name", "name", "_id", "id", "tenantId", "clientId", "status",
		"subject", "email", "inviteExpiry", "createdAt")
	if !ok {
		return
	}
	pq.desc = desc
	var flt filterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if flt, err = parseFilter(f, userFilterAttrs...); err != nil {
			badRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	var items []*user
	for _, u := range Users.In(st) {
		if flt == nil || flt.eval(userAttrs(st, u)) {
			items = append(items, u)
		}
	}
	writeIdentityPage(w, r, items, func(u *user) sortKey { return userSortKey(u, field) }, pq,
		func(u *user) userJSON { return renderUser(r, st, u) })
}

func userAttrs(st *state, u *user) func(string) []string {
	return func(attr string) []string {
		switch attr {
		case "id":
			return []string{u.ID}
		case "subject":
			return []string{u.Subject}
		case "name":
			return []string{u.Name}
		case "email":
			return []string{u.Email}
		case "status":
			return []string{u.Status}
		case "assignedroles.id":
			return u.RoleIDs
		case "assignedroles.name":
			return roleNames(st, u.RoleIDs)
		case "assignedgroups.id":
			return u.GroupIDs
		case "assignedgroupsassignedroles.name":
			var out []string
			for _, gid := range u.GroupIDs {
				if g := Groups.In(st)[gid]; g != nil {
					out = append(out, roleNames(st, g.RoleIDs)...)
				}
			}
			return out
		}
		return nil
	}
}

func roleNames(st *state, ids []string) []string {
	var out []string
	for _, id := range ids {
		if ro := Roles.In(st)[id]; ro != nil {
			out = append(out, ro.Name)
		}
	}
	return out
}

func userSortKey(u *user, field string) sortKey {
	switch field {
	case "name":
		return sortKey{K: strings.ToLower(u.Name), S: u.Seq}
	case "_id", "id":
		return sortKey{K: u.ID, S: u.Seq}
	case "status":
		return sortKey{K: u.Status, S: u.Seq}
	case "subject":
		return sortKey{K: u.Subject, S: u.Seq}
	case "email":
		return sortKey{K: strings.ToLower(u.Email), S: u.Seq}
	}
	return seqKey(u.Seq)
}

type userCreate struct {
	Subject       string      `json:"subject"`
	Name          string      `json:"name"`
	Email         string      `json:"email"`
	Picture       string      `json:"picture"`
	Status        string      `json:"status"`
	TenantID      string      `json:"tenantId"`
	AssignedRoles []refIDName `json:"assignedRoles"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in userCreate
	if err := decodeBody(r, &in); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if strings.TrimSpace(in.Subject) == "" {
		badRequest(w, r, "/subject", "subject is required")
		return
	}
	if in.Status != "" && in.Status != "invited" {
		badRequest(w, r, "/status", `status must be "invited" when given`)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if in.TenantID != "" && in.TenantID != st.TenantID {
		badRequest(w, r, "/tenantId", "tenantId does not match the tenant")
		return
	}
	roleIDs, msg := resolveRoleRefs(st, in.AssignedRoles)
	if msg != "" {
		badRequest(w, r, "/assignedRoles", msg)
		return
	}
	if userBySubject(st, in.Subject) != nil {
		conflict(w, r, "/subject", fmt.Sprintf("a user with subject %q already exists", in.Subject))
		return
	}
	u := s.insertUser(st, in.Subject, in.Name, in.Email, in.Status, roleIDs)
	u.Picture = in.Picture
	writeJSON(w, http.StatusCreated, renderUser(r, st, u))
}

// insertUser stores a new user. An empty status means "active".
func (s *Server) insertUser(st *state, subject, name, email, status string, roleIDs []string) *user {
	now := s.now()
	if status == "" {
		status = "active"
	}
	if name == "" {
		name = subject
	}
	u := &user{ID: s.newID(st), Subject: subject, Name: name, Email: email, Status: status,
		RoleIDs: roleIDs, GroupIDs: []string{}, CreatedAt: now, LastUpdatedAt: now, Seq: st.nextSeq()}
	Users.In(st)[u.ID] = u
	return u
}

// me answers like Qlik's spec: a 301 redirect to the caller's user resource.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := callerOf(s.st).ID
	s.mu.Unlock()
	loc := baseURL(r) + "/api/v1/users/" + id
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusMovedPermanently)
	_, _ = fmt.Fprintf(w, "<a href=%q>Moved Permanently</a>.\n", loc)
}

func (s *Server) countUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(Users.In(s.st))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total": n})
}

func (s *Server) lookupUser(w http.ResponseWriter, r *http.Request) *user {
	u := Users.In(s.st)[r.PathValue("userId")]
	if u == nil {
		notFound(w, r, "user not found")
	}
	return u
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.lookupUser(w, r); u != nil {
		writeJSON(w, http.StatusOK, renderUser(r, s.st, u))
	}
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.lookupUser(w, r)
	if u == nil {
		return
	}
	if u.ID == s.st.CallerID {
		badRequest(w, r, "", "the user of the API key cannot delete itself")
		return
	}
	delete(Users.In(s.st), u.ID)
	s.principalDeleted(s.st, u.ID)
	noContentJSON(w)
}

// resolveGroupRefs turns [{id}|{name,providerType}] into group ids.
func resolveGroupRefs(st *state, refs []refIDName) ([]string, string) {
	ids := []string{}
	for _, ref := range refs {
		var g *group
		switch {
		case ref.ID != "":
			g = Groups.In(st)[ref.ID]
		case ref.Name != "":
			for _, c := range Groups.In(st) {
				if c.Name == ref.Name && (ref.ProviderType == "" || c.ProviderType == ref.ProviderType) {
					g = c
				}
			}
		}
		if g == nil || g.System {
			return nil, "unknown group " + ref.String()
		}
		if !slices.Contains(ids, g.ID) {
			ids = append(ids, g.ID)
		}
	}
	return ids, ""
}
