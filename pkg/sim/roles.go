package sim

import (
	"net/http"
	"strings"
)

// defaultRoles are the read-only roles every Qlik Cloud tenant has.
var defaultRoles = []struct{ name, level, desc string }{
	{"TenantAdmin", "admin", "Manages the tenant: users, groups, roles, settings and licenses."},
	{"AnalyticsAdmin", "admin", "Manages analytics content, spaces and the content of other users."},
	{"DataAdmin", "admin", "Manages data integration content and data spaces."},
	{"AuditAdmin", "admin", "Views the audit log of the tenant."},
	{"SharingServiceAdmin", "admin", "Manages the sharing service: reports, subscriptions and alerts."},
	{"Developer", "user", "Creates API keys and uses the developer tools."},
	{"Steward", "user", "Manages glossaries and data products."},
	{"SharedSpaceCreator", "user", "Creates shared spaces."},
	{"ManagedSpaceCreator", "user", "Creates managed spaces."},
	{"DataSpaceCreator", "user", "Creates data spaces."},
	{"PrivateAnalyticsContentCreator", "user", "Creates apps and other content in the personal space."},
	{"AutomationCreator", "user", "Creates automations."},
	{"DataServicesContributor", "user", "Contributes to data services."},
	{"EmbeddedAnalyticsUser", "user", "Uses embedded analytics."},
}

type roleJSON struct {
	ID                 string   `json:"id"`
	TenantID           string   `json:"tenantId"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	Type               string   `json:"type"`
	Level              string   `json:"level"`
	Permissions        []string `json:"permissions"`
	AssignedScopes     []string `json:"assignedScopes"`
	CanEdit            bool     `json:"canEdit"`
	CanDelete          bool     `json:"canDelete"`
	UserEntitlementTyp string   `json:"userEntitlementType,omitempty"`
	CreatedAt          string   `json:"createdAt"`
	LastUpdatedAt      string   `json:"lastUpdatedAt"`
	Links              struct {
		Self link `json:"self"`
	} `json:"links"`
}

func renderRole(r *http.Request, st *state, ro *role) roleJSON {
	out := roleJSON{ID: ro.ID, TenantID: st.TenantID, Name: ro.Name, Description: ro.Description,
		Type: ro.Type, Level: ro.Level, Permissions: ro.Permissions, AssignedScopes: []string{},
		CreatedAt: fmtTime(ro.CreatedAt), LastUpdatedAt: fmtTime(ro.CreatedAt)}
	if ro.Level == "admin" {
		out.UserEntitlementTyp = "fullUser"
	}
	out.Links.Self.Href = baseURL(r) + "/api/v1/roles/" + ro.ID
	return out
}

// roleRef is a role as embedded in users and groups (assignedRoles).
type roleRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Level string `json:"level"`
}

func roleRefs(st *state, ids []string) []roleRef {
	out := []roleRef{}
	for _, id := range ids {
		if ro := Roles.In(st)[id]; ro != nil {
			out = append(out, roleRef{ID: ro.ID, Name: ro.Name, Type: ro.Type, Level: ro.Level})
		}
	}
	return out
}

func (s *Server) routeRoles(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/roles", s.listRoles)
	mux.HandleFunc("GET /api/v1/roles/{id}", s.getRole)
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	pq, ok := parsePaging(w, r, identityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := parseSort(w, r, "+name", "name", "type", "level", "createdAt", "id")
	if !ok {
		return
	}
	pq.desc = desc
	var flt filterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if flt, err = parseFilter(f, "id", "name", "type", "level", "description"); err != nil {
			badRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	var items []*role
	for _, ro := range Roles.In(st) {
		if flt == nil || flt.eval(roleAttrs(ro)) {
			items = append(items, ro)
		}
	}
	writeIdentityPage(w, r, items, func(ro *role) sortKey { return roleSortKey(ro, field) }, pq,
		func(ro *role) roleJSON { return renderRole(r, st, ro) })
}

func roleAttrs(ro *role) func(string) []string {
	return func(attr string) []string {
		switch attr {
		case "id":
			return []string{ro.ID}
		case "name":
			return []string{ro.Name}
		case "type":
			return []string{ro.Type}
		case "level":
			return []string{ro.Level}
		case "description":
			return []string{ro.Description}
		}
		return nil
	}
}

func roleSortKey(ro *role, field string) sortKey {
	switch field {
	case "name":
		return sortKey{K: strings.ToLower(ro.Name), S: ro.Seq}
	case "type":
		return sortKey{K: ro.Type, S: ro.Seq}
	case "level":
		return sortKey{K: ro.Level, S: ro.Seq}
	case "id":
		return sortKey{K: ro.ID, S: ro.Seq}
	}
	return seqKey(ro.Seq)
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ro := Roles.In(s.st)[r.PathValue("id")]
	if ro == nil {
		notFound(w, r, "role not found")
		return
	}
	writeJSON(w, http.StatusOK, renderRole(r, s.st, ro))
}

// resolveRoleRefs turns [{id}|{name}] into role ids. On error it returns a
// message naming the unknown reference.
func resolveRoleRefs(st *state, refs []refIDName) ([]string, string) {
	ids := []string{}
	for _, ref := range refs {
		var ro *role
		switch {
		case ref.ID != "":
			ro = Roles.In(st)[ref.ID]
		case ref.Name != "":
			ro = roleByName(st, ref.Name)
		}
		if ro == nil {
			return nil, "unknown role " + ref.String()
		}
		if !containsString(ids, ro.ID) {
			ids = append(ids, ro.ID)
		}
	}
	return ids, ""
}

// refIDName is a reference by id or by name (and for groups, providerType).
type refIDName struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	ProviderType string `json:"providerType,omitempty"`
}

func (r refIDName) String() string {
	if r.ID != "" {
		return "id " + r.ID
	}
	return "name " + `"` + r.Name + `"`
}
