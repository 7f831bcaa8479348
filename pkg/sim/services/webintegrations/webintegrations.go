package webintegrations

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// webIntegration is one stored web integration; its JSON names are the
// API's writable fields.
//
// Choices where Qlik does not say:
//   - names need not be unique (the spec documents no 409).
//   - each valid origin must be an absolute http(s) origin: a scheme and a
//     host, optionally a port, no path, query or fragment.
//   - ids are 32 random letters and digits (a counter when deterministic).
type webIntegration struct {
	core.Row
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins,omitempty"`
	TenantID     string   `json:"tenantId"` // the tenant's, whatever the body says
}

// WebIntegrations is the web-integrations table.
var WebIntegrations = core.NewTable[webIntegration]("webIntegrations")

var resource = &core.Resource[webIntegration]{
	Table: WebIntegrations, Path: "/api/v1/web-integrations", Label: "web integration",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPatch | core.VerbDelete,
	Row:   func(wi *webIntegration) *core.Row { return &wi.Row },
	NewID: newID,

	Paging: core.IDCursors, DefaultLimit: 10, DefaultSort: "+name",
	Sorts: map[string]func(*webIntegration) string{
		"name": func(wi *webIntegration) string { return strings.ToLower(wi.Name) },
	},
	Filters: map[string]core.Filter[webIntegration]{
		"tenantId": core.EqualFilter(func(wi *webIntegration) string { return wi.TenantID }),
	},

	ReadOnly:  []string{"tenantId", "created", "lastUpdated", "links"},
	Patchable: []string{"/name", "/validOrigins"},
	PatchOps:  []string{"replace"},
	Prepare:   prepare,
	Render:    render,
	// The codes of the spec's examples.
	Codes: core.ErrorCodes{BadBody: "BAD_REQUEST", MissingField: "WEBINTEGRATIONS-5",
		InvalidField: "WEBINTEGRATIONS-6", InvalidPatch: "WEBINTEGRATIONS-4"},
}

func newID(s *core.Server, st *core.State) string {
	if s.Opts.Deterministic {
		st.IDCounter++
		return fmt.Sprintf("qliksimWebIntegration%011d", st.IDCounter)
	}
	return core.RandomToken(32)
}

func prepare(s *core.Server, st *core.State, wi, old *webIntegration) *core.Invalid {
	wi.TenantID = st.TenantID
	if strings.TrimSpace(wi.Name) == "" {
		return &core.Invalid{Pointer: "/name", Detail: "Missing required fields: name", Missing: true}
	}
	for i, o := range wi.ValidOrigins {
		if !isOrigin(o) {
			return &core.Invalid{Pointer: fmt.Sprintf("/validOrigins/%d", i),
				Detail: fmt.Sprintf("%q is not an origin (scheme://host[:port])", o)}
		}
	}
	return nil
}

func isOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil
}

// render is WebIntegration; create adds links.self (WebIntegrationPost).
func render(r *http.Request, st *core.State, wi *webIntegration) any {
	out := map[string]any{"id": wi.ID, "name": wi.Name, "validOrigins": nonNil(wi.ValidOrigins), "tenantId": wi.TenantID,
		"created": core.FmtTime(wi.CreatedAt), "lastUpdated": core.FmtTime(wi.UpdatedAt), "createdBy": wi.CreatedBy}
	if r.Method == http.MethodPost {
		out["links"] = map[string]any{"self": core.Link{Href: core.BaseURL(r) + r.URL.Path + "/" + wi.ID}}
	}
	return out
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
