package identity

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

type userJSON struct {
	ID                string               `json:"id"`
	TenantID          string               `json:"tenantId"`
	Subject           string               `json:"subject"`
	Name              string               `json:"name"`
	Email             string               `json:"email,omitempty"`
	Status            string               `json:"status"`
	Picture           string               `json:"picture,omitempty"`
	PreferredLocale   string               `json:"preferredLocale,omitempty"`
	PreferredZoneinfo string               `json:"preferredZoneinfo,omitempty"`
	CreatedAt         string               `json:"createdAt"`
	LastUpdatedAt     string               `json:"lastUpdatedAt"`
	AssignedRoles     []roleRef            `json:"assignedRoles"`
	AssignedGroups    []groupRefJSON       `json:"assignedGroups"`
	AssignedScopes    []string             `json:"assignedScopes"`
	Links             map[string]core.Link `json:"links"`
}

type groupRefJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	ProviderType  string    `json:"providerType"`
	AssignedRoles []roleRef `json:"assignedRoles"`
}

func renderUser(r *http.Request, st *core.State, u *core.User) userJSON {
	out := userJSON{ID: u.ID, TenantID: st.TenantID, Subject: u.Subject, Name: u.Name, Email: u.Email,
		Status: u.Status, Picture: u.Picture, PreferredLocale: u.PreferredLocale,
		PreferredZoneinfo: u.PreferredZoneinfo, CreatedAt: core.FmtTime(u.CreatedAt),
		LastUpdatedAt: core.FmtTime(u.LastUpdatedAt), AssignedRoles: roleRefs(st, u.RoleIDs),
		AssignedGroups: []groupRefJSON{}, AssignedScopes: []string{},
		Links: map[string]core.Link{"self": {Href: core.BaseURL(r) + "/api/v1/users/" + u.ID}}}
	for _, gid := range u.GroupIDs {
		if g := core.Groups.In(st)[gid]; g != nil {
			out.AssignedGroups = append(out.AssignedGroups, groupRefJSON{ID: g.ID, Name: g.Name,
				ProviderType: g.ProviderType, AssignedRoles: roleRefs(st, g.RoleIDs)})
		}
	}
	return out
}

func (s server) routeUsers(mux *core.RouteMux) {
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

func (s server) listUsers(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, core.IdentityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := core.ParseSort(w, r, "+name", "name", "_id", "id", "tenantId", "clientId", "status",
		"subject", "email", "inviteExpiry", "createdAt")
	if !ok {
		return
	}
	pq.Desc = desc
	var flt core.FilterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if flt, err = core.ParseFilter(f, userFilterAttrs...); err != nil {
			core.BadRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	var items []*core.User
	for _, u := range core.Users.In(st) {
		if flt == nil || flt.Eval(userAttrs(st, u)) {
			items = append(items, u)
		}
	}
	core.WriteIdentityPage(w, r, items, func(u *core.User) core.SortKey { return userSortKey(u, field) }, pq,
		func(u *core.User) userJSON { return renderUser(r, st, u) })
}

func userAttrs(st *core.State, u *core.User) func(string) []string {
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
				if g := core.Groups.In(st)[gid]; g != nil {
					out = append(out, roleNames(st, g.RoleIDs)...)
				}
			}
			return out
		}
		return nil
	}
}

func roleNames(st *core.State, ids []string) []string {
	var out []string
	for _, id := range ids {
		if ro := core.Roles.In(st)[id]; ro != nil {
			out = append(out, ro.Name)
		}
	}
	return out
}

func userSortKey(u *core.User, field string) core.SortKey {
	switch field {
	case "name":
		return core.SortKey{K: strings.ToLower(u.Name), S: u.Seq}
	case "_id", "id":
		return core.SortKey{K: u.ID, S: u.Seq}
	case "status":
		return core.SortKey{K: u.Status, S: u.Seq}
	case "subject":
		return core.SortKey{K: u.Subject, S: u.Seq}
	case "email":
		return core.SortKey{K: strings.ToLower(u.Email), S: u.Seq}
	}
	return core.SeqKey(u.Seq)
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

func (s server) createUser(w http.ResponseWriter, r *http.Request) {
	var in userCreate
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if strings.TrimSpace(in.Subject) == "" {
		core.BadRequest(w, r, "/subject", "subject is required")
		return
	}
	if in.Status != "" && in.Status != "invited" {
		core.BadRequest(w, r, "/status", `status must be "invited" when given`)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	if in.TenantID != "" && in.TenantID != st.TenantID {
		core.BadRequest(w, r, "/tenantId", "tenantId does not match the tenant")
		return
	}
	roleIDs, msg := resolveRoleRefs(st, in.AssignedRoles)
	if msg != "" {
		core.BadRequest(w, r, "/assignedRoles", msg)
		return
	}
	if core.UserBySubject(st, in.Subject) != nil {
		core.Conflict(w, r, "/subject", fmt.Sprintf("a user with subject %q already exists", in.Subject))
		return
	}
	u := s.insertUser(st, in.Subject, in.Name, in.Email, in.Status, roleIDs)
	u.Picture = in.Picture
	core.WriteJSON(w, http.StatusCreated, renderUser(r, st, u))
}

// insertUser stores a new user. An empty status means "active".
func (s server) insertUser(st *core.State, subject, name, email, status string, roleIDs []string) *core.User {
	now := s.Now()
	if status == "" {
		status = "active"
	}
	if name == "" {
		name = subject
	}
	u := &core.User{ID: s.NewID(st), Subject: subject, Name: name, Email: email, Status: status,
		RoleIDs: roleIDs, GroupIDs: []string{}, CreatedAt: now, LastUpdatedAt: now, Seq: st.NextSeq()}
	core.Users.In(st)[u.ID] = u
	return u
}

// me answers like Qlik's spec: a 301 redirect to the caller's user resource.
func (s server) me(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	id := core.CallerOf(s.St).ID
	s.Mu.Unlock()
	loc := core.BaseURL(r) + "/api/v1/users/" + id
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusMovedPermanently)
	_, _ = fmt.Fprintf(w, "<a href=%q>Moved Permanently</a>.\n", loc)
}

func (s server) countUsers(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	n := len(core.Users.In(s.St))
	s.Mu.Unlock()
	core.WriteJSON(w, http.StatusOK, map[string]any{"total": n})
}

func (s server) lookupUser(w http.ResponseWriter, r *http.Request) *core.User {
	u := core.Users.In(s.St)[r.PathValue("userId")]
	if u == nil {
		core.NotFound(w, r, "user not found")
	}
	return u
}

func (s server) getUser(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if u := s.lookupUser(w, r); u != nil {
		core.WriteJSON(w, http.StatusOK, renderUser(r, s.St, u))
	}
}

func (s server) deleteUser(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	u := s.lookupUser(w, r)
	if u == nil {
		return
	}
	if u.ID == s.St.CallerID {
		core.BadRequest(w, r, "", "the user of the API key cannot delete itself")
		return
	}
	delete(core.Users.In(s.St), u.ID)
	s.PrincipalDeleted(s.St, u.ID)
	core.NoContentJSON(w)
}

// resolveGroupRefs turns [{id}|{name,providerType}] into group ids.
func resolveGroupRefs(st *core.State, refs []refIDName) ([]string, string) {
	ids := []string{}
	for _, ref := range refs {
		var g *core.Group
		switch {
		case ref.ID != "":
			g = core.Groups.In(st)[ref.ID]
		case ref.Name != "":
			for _, c := range core.Groups.In(st) {
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
