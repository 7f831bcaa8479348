package csporigins

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// cspOrigin is one stored CSP entry; its JSON names are the API's
// writable fields (CSPEntryContent).
//
// Choices where Qlik does not say:
//   - origin is the natural key: a second entry with the same origin
//     (case-insensitively) is refused with 409, a status the spec does not
//     list (the reference notes guess origin is unique).
//   - an origin is a CSP host source: no spaces, ';' or ','.
//   - without ?sort the list is in creation order.
type cspOrigin struct {
	core.Row
	Name        string `json:"name,omitempty"`
	Origin      string `json:"origin"`
	Description string `json:"description,omitempty"`
	directives
}

// directives are the entry's flags, in the spec's names.
type directives struct {
	ChildSrc       bool `json:"childSrc"`
	ConnectSrc     bool `json:"connectSrc"`
	ConnectSrcWSS  bool `json:"connectSrcWSS"`
	FontSrc        bool `json:"fontSrc"`
	FormAction     bool `json:"formAction"`
	FrameAncestors bool `json:"frameAncestors"`
	FrameSrc       bool `json:"frameSrc"`
	ImgSrc         bool `json:"imgSrc"`
	MediaSrc       bool `json:"mediaSrc"`
	ObjectSrc      bool `json:"objectSrc"`
	ScriptSrc      bool `json:"scriptSrc"`
	StyleSrc       bool `json:"styleSrc"`
	WorkerSrc      bool `json:"workerSrc"`
}

// directive is one flag: its API name, the CSP directive it adds the
// origin to, and how it reads the flag.
type directive struct {
	field, csp string
	get        func(*directives) bool
}

// allDirectives is every flag, in the order the header lists them.
// connectSrcWSS adds wss://origin to connect-src.
var allDirectives = []directive{
	{"childSrc", "child-src", func(d *directives) bool { return d.ChildSrc }},
	{"connectSrc", "connect-src", func(d *directives) bool { return d.ConnectSrc }},
	{"connectSrcWSS", "connect-src", func(d *directives) bool { return d.ConnectSrcWSS }},
	{"fontSrc", "font-src", func(d *directives) bool { return d.FontSrc }},
	{"formAction", "form-action", func(d *directives) bool { return d.FormAction }},
	{"frameAncestors", "frame-ancestors", func(d *directives) bool { return d.FrameAncestors }},
	{"frameSrc", "frame-src", func(d *directives) bool { return d.FrameSrc }},
	{"imgSrc", "img-src", func(d *directives) bool { return d.ImgSrc }},
	{"mediaSrc", "media-src", func(d *directives) bool { return d.MediaSrc }},
	{"objectSrc", "object-src", func(d *directives) bool { return d.ObjectSrc }},
	{"scriptSrc", "script-src", func(d *directives) bool { return d.ScriptSrc }},
	{"styleSrc", "style-src", func(d *directives) bool { return d.StyleSrc }},
	{"workerSrc", "worker-src", func(d *directives) bool { return d.WorkerSrc }},
}

// CSPOrigins is the csp-origins table.
var CSPOrigins = core.NewTable[cspOrigin]("cspOrigins")

var resource = &core.Resource[cspOrigin]{
	Table: CSPOrigins, Path: "/api/v1/csp-origins", Label: "CSP entry",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbDelete,
	Row:   func(c *cspOrigin) *core.Row { return &c.Row },

	DefaultLimit: 20,
	Sorts: map[string]func(*cspOrigin) string{
		"name":         func(c *cspOrigin) string { return strings.ToLower(c.Name) },
		"origin":       func(c *cspOrigin) string { return strings.ToLower(c.Origin) },
		"createdDate":  func(c *cspOrigin) string { return core.FmtTime(c.CreatedAt) },
		"modifiedDate": func(c *cspOrigin) string { return core.FmtTime(c.UpdatedAt) },
	},
	Filters:  filters(),
	ReadOnly: []string{"createdDate", "modifiedDate"},
	Key:      func(c *cspOrigin) string { return c.Origin }, KeyField: "origin",
	Prepare: prepare,
	Render:  render,
}

// filters are name and origin (wildcard) and one boolean per directive.
func filters() map[string]core.Filter[cspOrigin] {
	f := map[string]core.Filter[cspOrigin]{
		"name":   core.WildcardFilter(func(c *cspOrigin) string { return c.Name }),
		"origin": core.WildcardFilter(func(c *cspOrigin) string { return c.Origin }),
	}
	for _, d := range allDirectives {
		f[d.field] = core.BoolFilter(func(c *cspOrigin) bool { return d.get(&c.directives) })
	}
	return f
}

func prepare(s *core.Server, st *core.State, c, old *cspOrigin) *core.Invalid {
	switch {
	case strings.TrimSpace(c.Origin) == "":
		return &core.Invalid{Pointer: "/origin", Detail: "origin is required", Missing: true}
	case len(c.Origin) > 256:
		return &core.Invalid{Pointer: "/origin", Detail: "origin must be at most 256 characters"}
	case strings.ContainsAny(c.Origin, " \t\r\n;,'\""):
		return &core.Invalid{Pointer: "/origin", Detail: fmt.Sprintf("origin %q is not a CSP source", c.Origin)}
	case len(c.Name) > 512:
		return &core.Invalid{Pointer: "/name", Detail: "name must be at most 512 characters"}
	case len(c.Description) > 1024:
		return &core.Invalid{Pointer: "/description", Detail: "description must be at most 1024 characters"}
	}
	return nil
}

// render is CSPEntry: every flag, the dates as createdDate/modifiedDate.
func render(r *http.Request, st *core.State, c *cspOrigin) any {
	out := map[string]any{"id": c.ID, "name": c.Name, "origin": c.Origin, "description": c.Description,
		"createdDate": core.FmtTime(c.CreatedAt), "modifiedDate": core.FmtTime(c.UpdatedAt)}
	for _, d := range allDirectives {
		out[d.field] = d.get(&c.directives)
	}
	return out
}
