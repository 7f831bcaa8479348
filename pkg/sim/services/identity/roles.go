package identity

import (
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
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
		Self core.Link `json:"self"`
	} `json:"links"`
}

func renderRole(r *http.Request, st *core.State, ro *core.Role) roleJSON {
	out := roleJSON{ID: ro.ID, TenantID: st.TenantID, Name: ro.Name, Description: ro.Description,
		Type: ro.Type, Level: ro.Level, Permissions: ro.Permissions, AssignedScopes: append([]string{}, ro.AssignedScopes...),
		CreatedAt: core.FmtTime(ro.CreatedAt), LastUpdatedAt: core.FmtTime(ro.CreatedAt),
		CanEdit: ro.Type == "custom", CanDelete: ro.Type == "custom"}
	if !ro.UpdatedAt.IsZero() {
		out.LastUpdatedAt = core.FmtTime(ro.UpdatedAt)
	}
	if ro.Level == "admin" {
		out.UserEntitlementTyp = "fullUser"
	}
	out.Links.Self.Href = core.BaseURL(r) + "/api/v1/roles/" + ro.ID
	return out
}

// roleRef is a role as embedded in users and groups (assignedRoles).
type roleRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Level string `json:"level"`
}

func roleRefs(st *core.State, ids []string) []roleRef {
	out := []roleRef{}
	for _, id := range ids {
		if ro := core.Roles.In(st)[id]; ro != nil {
			out = append(out, roleRef{ID: ro.ID, Name: ro.Name, Type: ro.Type, Level: ro.Level})
		}
	}
	return out
}

func (s server) routeRoles(mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/roles", s.listRoles)
	mux.HandleFunc("GET /api/v1/roles/{id}", s.getRole)
	s.routeCustomRoles(mux)
}

func (s server) listRoles(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, core.IdentityDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := core.ParseSort(w, r, "+name", "name", "type", "level", "createdAt", "id")
	if !ok {
		return
	}
	pq.Desc = desc
	var flt core.FilterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if flt, err = core.ParseFilter(f, "id", "name", "type", "level", "description"); err != nil {
			core.BadRequest(w, r, "?filter", err.Error())
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	var items []*core.Role
	for _, ro := range core.Roles.In(st) {
		if flt == nil || flt.Eval(roleAttrs(ro)) {
			items = append(items, ro)
		}
	}
	core.WriteIdentityPage(w, r, items, func(ro *core.Role) core.SortKey { return roleSortKey(ro, field) }, pq,
		func(ro *core.Role) roleJSON { return renderRole(r, st, ro) })
}

func roleAttrs(ro *core.Role) func(string) []string {
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

func roleSortKey(ro *core.Role, field string) core.SortKey {
	switch field {
	case "name":
		return core.SortKey{K: strings.ToLower(ro.Name), S: ro.Seq}
	case "type":
		return core.SortKey{K: ro.Type, S: ro.Seq}
	case "level":
		return core.SortKey{K: ro.Level, S: ro.Seq}
	case "id":
		return core.SortKey{K: ro.ID, S: ro.Seq}
	}
	return core.SeqKey(ro.Seq)
}

func (s server) getRole(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	ro := core.Roles.In(s.St)[r.PathValue("id")]
	if ro == nil {
		core.NotFound(w, r, "role not found")
		return
	}
	core.WriteJSON(w, http.StatusOK, renderRole(r, s.St, ro))
}

// resolveRoleRefs turns [{id}|{name}] into role ids. On error it returns a
// message naming the unknown reference.
func resolveRoleRefs(st *core.State, refs []refIDName) ([]string, string) {
	ids := []string{}
	for _, ref := range refs {
		var ro *core.Role
		switch {
		case ref.ID != "":
			ro = core.Roles.In(st)[ref.ID]
		case ref.Name != "":
			ro = core.RoleByName(st, ref.Name)
		}
		if ro == nil {
			return nil, "unknown role " + ref.String()
		}
		if !core.ContainsString(ids, ro.ID) {
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
