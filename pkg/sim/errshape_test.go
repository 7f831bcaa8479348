package sim

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// Error bodies per service (reference notes 0.3 and each spec's error
// schema), including those written by the shared middleware: 401 (auth),
// 404/405 (unknown route), 429 (rate limit). The env's client validates every
// response against the specs where the operation documents the status; these
// helpers also check the shape where the specs say nothing (unknown routes).

// assertErrShape checks that r is an error body in the shape of the service
// serving path.
func assertErrShape(t *testing.T, path string, r simtest.Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d: %s", path, r.Status, status, r.Raw)
		return
	}
	m := r.Obj()
	if m == nil {
		t.Errorf("%s: error body is not a JSON object: %s", path, r.Raw)
		return
	}
	style, _ := styleFor(path)
	if style == styleQext {
		if m["errors"] != nil || simtest.Str(m["code"]) == "" || simtest.Str(m["title"]) == "" || m["status"] != float64(status) || simtest.Str(m["traceId"]) == "" {
			t.Errorf("%s: want themes/extensions' single error object, got %s", path, r.Raw)
		}
		return
	}
	errs := simtest.List(m, "errors")
	if len(errs) != 1 {
		t.Errorf("%s: want one element in errors, got %s", path, r.Raw)
		return
	}
	e, _ := errs[0].(map[string]any)
	if style == styleTasks {
		if e["code"] != float64(status) || simtest.Str(e["title"]) == "" || simtest.Str(m["traceId"]) == "" {
			t.Errorf("%s: want the tasks API's errors[{code: %d, title, context}] and traceId, got %s", path, status, r.Raw)
		}
		return
	}
	if style == styleTenantSettings {
		if e["code"] != float64(status) || simtest.Str(e["title"]) == "" || len(e) != 2 {
			t.Errorf("%s: want tenant settings' errors[{code: %d, title}], got %s", path, status, r.Raw)
		}
		return
	}
	if simtest.Str(e["code"]) == "" || simtest.Str(e["title"]) == "" {
		t.Errorf("%s: error without code or title: %s", path, r.Raw)
	}
	keys := func(m map[string]any) string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		return strings.Join(k, ",")
	}
	allowed := map[errStyle]string{
		styleSpaces:       "code,title,detail,meta",
		styleIdentity:     "code,title,detail,meta,source,status",
		styleRoles:        "code,title,detail,meta,source",
		styleDataConns:    "code,title,detail,status",
		styleAutomations:  "code,title,detail",
		styleGlossaries:   "code,title,detail",
		styleBrands:       "code,title,detail",
		styleOAuthClients: "code,title,detail",
		styleGeneric:      "code,title,detail,source",
		styleWebhooks:     "code,title,detail",
		// meta is in the spec's Error; the simulator writes none.
		styleWebIntegrations: "code,title,detail,source,status",
		styleCSPOrigins:      "code,title,detail",
		styleTenants:         "code,title,detail,source,status",
		styleLicenses:        "code,title,detail",
		styleApps:            "code,title,detail",
		styleItems:           "code,title,detail,meta",
		styleTempContents:    "code,title,detail,meta",
		styleAudits:          "code,title,detail",
		styleIdPs:            "code,title,detail,meta,source,status",
		styleReportTemplates: "code,title,detail,meta",
		styleSharingTasks:    "code,title,detail,meta",
	}[style]
	for k := range e {
		if !strings.Contains(","+allowed+",", ","+k+",") {
			t.Errorf("%s: error element has %q (allowed: %s): %s", path, k, allowed, r.Raw)
		}
	}
	switch style {
	case styleIdentity, styleDataConns, styleIdPs:
		if status != http.StatusTooManyRequests && e["status"] != float64(status) { // the documented 429 body has no status
			t.Errorf("%s: errors[].status must be the number %d: %s", path, status, r.Raw)
		}
	case styleWebIntegrations, styleTenants:
		if status != http.StatusTooManyRequests && e["status"] != strconv.Itoa(status) {
			t.Errorf("%s: errors[].status must be the string %q: %s", path, strconv.Itoa(status), r.Raw)
		}
	}
	top := map[errStyle]string{
		styleSpaces:       "code,title,detail,meta,source,errors,traceId",
		styleDataConns:    "errors",
		styleOAuthClients: "errors",
		styleCSPOrigins:   "errors",
		styleLicenses:     "errors,error,message",
		styleApps:         "errors",
		styleItems:        "errors",
		styleIdPs:         "errors",
		// statusCode is ErrorResult's; the documented 429 body has none.
		styleReportTemplates: "errors,statusCode",
	}[style]
	if top == "" {
		top = "errors,traceId"
	}
	for k := range m {
		if !strings.Contains(","+top+",", ","+k+",") {
			t.Errorf("%s: top level has %q (allowed: %s; keys %s)", path, k, top, keys(m))
		}
	}
	noTraceID := style == styleDataConns || style == styleOAuthClients || style == styleCSPOrigins ||
		style == styleLicenses || style == styleApps || style == styleItems || style == styleIdPs ||
		style == styleReportTemplates
	if noTraceID && m["traceId"] != nil {
		t.Errorf("%s: this service's errors carry no traceId: %s", path, r.Raw)
	}
	if !noTraceID && status != http.StatusTooManyRequests && simtest.Str(m["traceId"]) == "" {
		t.Errorf("%s: no traceId: %s", path, r.Raw)
	}
}

// samplePath turns a route pattern's path into a concrete path with ids that
// were never issued (data connections insist on a UUID).
func samplePath(path string) string {
	id := "0123456789abcdef01234567"
	if strings.HasPrefix(path, "/api/v1/data-connections") {
		id = "00000000-0000-4000-8000-000000000000"
	}
	return simtest.WildcardRE.ReplaceAllStringFunc(path, func(w string) string {
		if strings.HasSuffix(w, "...}") {
			return "file.js"
		}
		return id
	})
}

// Every route answers a bad API key with 401 in its service's shape.
func TestEveryRouteUnauthorized(t *testing.T) {
	e := newEnv(t, core.Options{})
	for _, p := range simtest.APIRoutes(services...) {
		method, path, _ := strings.Cut(p, " ")
		var body any
		if method != http.MethodGet && method != http.MethodDelete {
			body = "{}"
		}
		concrete := samplePath(path)
		r := e.DoWith(method, concrete, body, "application/json", "Bearer not-the-key")
		assertErrShape(t, concrete, r, http.StatusUnauthorized)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", p)
		}
	}
}

// Every route with an id answers an id that was never issued with 404 in its
// service's shape (or the documented status a handler checks first).
func TestEveryRouteUnknownID(t *testing.T) {
	e := newEnv(t, core.Options{})
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	want := map[string]int{
		// multipart is checked before the id (415 is documented)
		"PATCH /api/v1/themes/{id}":     http.StatusUnsupportedMediaType,
		"PATCH /api/v1/extensions/{id}": http.StatusUnsupportedMediaType,
	}
	n := 0
	for _, p := range simtest.APIRoutes(services...) {
		method, path, _ := strings.Cut(p, " ")
		if !strings.Contains(path, "{") {
			continue
		}
		n++
		var body any
		switch method {
		case http.MethodPatch:
			body = []any{map[string]any{"op": "replace", "path": "/description", "value": "x"}}
		case http.MethodPost, http.MethodPut:
			body = map[string]any{"name": "n", "userId": me["id"], "spaceId": "", "roles": []string{"consumer"},
				"type": "user", "assigneeId": me["id"], "resourceType": "app", "resourceId": "a1",
				"qName": "n", "qConnectStatement": "CUSTOM CONNECT TO \"x\"", "qType": "QvOdbcConnectorPackage.exe"}
		}
		concrete := samplePath(path)
		if m, ok := body.(map[string]any); ok {
			if strings.HasSuffix(path, "/links") {
				m["type"] = "definition"
			}
			if strings.HasPrefix(path, "/api/v1/data-connections/") {
				m["qID"] = strings.TrimPrefix(concrete, "/api/v1/data-connections/")
				m["qEngineObjectID"] = m["qID"]
			}
		}
		if strings.HasSuffix(path, "/actions/change-status") {
			concrete += "?status=draft"
		}
		status := http.StatusNotFound
		if s, ok := want[p]; ok {
			status = s
		}
		assertErrShape(t, concrete, e.Do(method, concrete, body), status)
	}
	if n < 40 {
		t.Errorf("only %d routes with ids", n)
	}
}

// Unknown routes and methods under each service answer in its shape too.
func TestUnknownRoutesPerService(t *testing.T) {
	e := newEnv(t, core.Options{})
	for _, base := range []string{"/api/v1/spaces", "/api/v1/users", "/api/v1/groups", "/api/v1/roles",
		"/api/v1/data-connections", "/api/v1/automations", "/api/workflows/automations",
		"/api/v1/automation-connections", "/api/workflows/automation-connections", "/api/v1/glossaries",
		"/api/v1/themes", "/api/v1/extensions", "/api/v1/brands", "/api/v1/oauth-clients", "/api/v1/nothing-here"} {
		path := base + "/a/b/c/d/e/f"
		r := e.Do("GET", path, nil)
		assertErrShape(t, path, r, http.StatusNotFound)
		if c := r.Obj()["code"]; pathStyle(path) == styleQext && c != "HTTP-404" {
			t.Errorf("%s: code %v", path, c)
		} else if pathStyle(path) != styleQext && simtest.FirstError(t, r.Obj())["code"] != "HTTP-404" {
			t.Errorf("%s: code %v", path, simtest.FirstError(t, r.Obj())["code"])
		}
		// 405: a method the collection does not serve.
		r = e.Do("PATCH", base, []any{})
		if base == "/api/v1/nothing-here" {
			assertErrShape(t, base, r, http.StatusNotFound)
			continue
		}
		assertErrShape(t, base, r, http.StatusMethodNotAllowed)
		if r.Header.Get("Allow") == "" {
			t.Errorf("%s: 405 without Allow", base)
		}
	}
}

// The shape each path's errors must have, kept here independently of the
// services' own ErrorStyle values so that the test can catch a wrong one.
type errStyle int

const (
	styleGeneric         errStyle = iota // no Qlik service: errors[{code,title,detail,source}], traceId
	styleSpaces                          // spaces + assignments: meta.source and deprecated top-level copies
	styleIdentity                        // users, groups: numeric status per error
	styleRoles                           // roles: source, no status
	styleDataConns                       // data-connections: errors[{code,title,detail,status}], no traceId (dcError)
	styleAutomations                     // automations, automation-connections: errors[{code,title,detail}], traceId (autoError)
	styleGlossaries                      // glossaries, categories, terms, links: errors[{code,title,detail}], traceId (glError)
	styleQext                            // themes, extensions: one object {code,title,status,traceId,meta} (qxError)
	styleBrands                          // brands: errors[{code,title,detail}], traceId (spec ErrorResponse4xx)
	styleOAuthClients                    // oauth-clients: errors[{code,title,detail}], no traceId (spec ErrorResponse)
	styleWebhooks                        // webhooks: errors[{code,title,detail}], traceId
	styleWebIntegrations                 // web-integrations: errors[{code,title,detail,source,status}], status a string, traceId
	styleCSPOrigins                      // csp-origins: errors[{code,title,detail}], no traceId
	styleTenants                         // tenants: errors[{code,title,detail,source,status}], status a string, traceId
	styleTenantSettings                  // tenant-settings: errors[{code (the status, a number), title}], traceId
	styleLicenses                        // licenses: errors[{code,title,detail}], error, message, no traceId
	styleApps                            // apps (v1 and analytics restore): errors[{code,title,detail}], no traceId
	styleItems                           // items: errors[{code,title,detail,meta}], no traceId
	styleTempContents                    // temp-contents: errors[{code,title,detail,meta}], traceId
	styleAudits                          // audits: errors[{code,title,detail}], traceId (ErrorResponse)
	styleIdPs                            // identity-providers: errors[{code,title,detail,source,status}], status a number, no traceId
	styleTasks                           // tasks: errors[HttpResult{code (the status, a number), title, context}], traceId
	styleReportTemplates                 // report-templates ErrorResult: errors[{code,title,detail,meta}], statusCode, no traceId
	styleSharingTasks                    // sharing-tasks Errors: errors[{code,title,detail,meta{httpCode}}], traceId
)

func styleFor(path string) (errStyle, string) {
	switch {
	case core.Under(path, "/api/v1/spaces"):
		return styleSpaces, "SPACES"
	case core.Under(path, "/api/v1/users"):
		return styleIdentity, "USERS"
	case core.Under(path, "/api/v1/groups"):
		return styleIdentity, "GROUPS"
	case core.Under(path, "/api/v1/roles"):
		return styleRoles, "IDENTITIES"
	case core.Under(path, "/api/v1/data-connections"):
		return styleDataConns, "DCERROR"
	case core.Under(path, "/api/v1/automation-connections"), core.Under(path, "/api/workflows/automation-connections"):
		return styleAutomations, "AUTOMATION-CONNECTIONS"
	case core.Under(path, "/api/v1/automations"), core.Under(path, "/api/workflows/automations"):
		return styleAutomations, "AUTOMATIONS"
	case core.Under(path, "/api/v1/glossaries"):
		return styleGlossaries, "HTTP" // glError's default; BG-n codes are the handlers'
	case core.Under(path, "/api/v1/themes"):
		return styleQext, "THEMES"
	case core.Under(path, "/api/v1/extensions"):
		return styleQext, "EXTENSIONS"
	case core.Under(path, "/api/v1/brands"):
		return styleBrands, "HTTP"
	case core.Under(path, "/api/v1/oauth-clients"):
		return styleOAuthClients, "OAUTH-CLIENTS"
	case core.Under(path, "/api/v1/webhooks"):
		return styleWebhooks, "WEBHOOKS"
	case core.Under(path, "/api/v1/web-integrations"):
		return styleWebIntegrations, "WEBINTEGRATIONS"
	case core.Under(path, "/api/v1/csp-origins"):
		return styleCSPOrigins, "CSP-ORIGINS"
	case core.Under(path, "/api/v1/tenants"):
		return styleTenants, "TENANTS"
	case core.Under(path, "/api/v1/tenant-settings"):
		return styleTenantSettings, "TENANT-SETTINGS"
	case core.Under(path, "/api/v1/licenses"):
		return styleLicenses, "LICENSES"
	case core.Under(path, "/api/core/ip-policies"):
		return styleGeneric, "IAM" // iam-resources Errors: errors[{code,title,detail,source}], traceId
	case core.Under(path, "/api/v1/apps"), core.Under(path, "/api/analytics/apps"):
		return styleApps, "APPS"
	case core.Under(path, "/api/v1/items"):
		return styleItems, "ITEMS"
	case core.Under(path, "/api/v1/temp-contents"):
		return styleTempContents, "TEMP-CONTENTS"
	case core.Under(path, "/api/v1/audits"):
		return styleAudits, "AUDITS"
	case core.Under(path, "/api/v1/identity-providers"):
		return styleIdPs, "IDP"
	case core.Under(path, "/api/v1/collections"):
		return styleItems, "COLLECTIONS" // items and collections share ErrorResponseBody: errors[] only
	case core.Under(path, "/api/v1/report-templates"):
		return styleReportTemplates, "REPORT-TEMPLATES"
	case core.Under(path, "/api/v1/sharing-tasks"):
		return styleSharingTasks, "SHARING-TASKS"
	case core.Under(path, "/api/v1/tasks"):
		return styleTasks, "TASKS"
	case core.Under(path, "/api/v1/reload-tasks"):
		return styleGeneric, "TASKS" // reload-tasks Errors: errors[{code,title,detail}], traceId
	}
	return styleGeneric, "HTTP"
}

func pathStyle(path string) errStyle { s, _ := styleFor(path); return s }

// The rate limiter answers 429 with Retry-After and, per service, the
// documented body (validated against the specs that document 429: users,
// groups, roles, spaces get, glossaries patch) or, for themes and extensions,
// their single error object (validated against their `default` response).
func TestRateLimitBodyPerService(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newEnv(t, core.Options{Tier1PerMin: 1, Tier2PerMin: 1, Now: clock.Now})
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/users"},
		{"GET", "/api/v1/users/me"},
		{"GET", "/api/v1/users/actions/count"},
		{"GET", "/api/v1/groups"},
		{"GET", "/api/v1/roles"},
		{"GET", "/api/v1/spaces/0123456789abcdef01234567"},
		{"PATCH", "/api/v1/glossaries/0123456789abcdef01234567"},
		{"PATCH", "/api/v1/glossaries/0123456789abcdef01234567/categories/0123456789abcdef01234567"},
		{"PATCH", "/api/v1/glossaries/0123456789abcdef01234567/terms/0123456789abcdef01234567"},
		{"GET", "/api/v1/data-connections"},
		{"GET", "/api/v1/automations"},
		{"POST", "/api/v1/themes"},
		{"POST", "/api/v1/extensions"},
	} {
		clock.Add(2 * time.Minute) // a fresh window
		var body any
		if tc.method == "PATCH" {
			body = []any{}
		}
		// Use up the tier's one request (whatever its answer); GETs prime with
		// a plain one, since /users/me redirects.
		prime := tc.path
		if tc.method == http.MethodGet {
			prime = "/api/v1/spaces/types"
		}
		first := e.Do(tc.method, prime, body)
		if first.Status == http.StatusTooManyRequests {
			t.Fatalf("%s %s: first request throttled", tc.method, tc.path)
		}
		r := e.Do(tc.method, tc.path, body)
		assertErrShape(t, tc.path, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") != "60" {
			t.Errorf("%s: Retry-After %q", tc.path, r.Header.Get("Retry-After"))
		}
		m := r.Obj()
		if pathStyle(tc.path) == styleQext {
			if m["code"] != "HTTP-429" || m["title"] != "API rate limit reached." ||
				m["meta"].(map[string]any)["message"] != "You need to wait 60 seconds until limit is lifted." {
				t.Errorf("%s: %s", tc.path, r.Raw)
			}
			continue
		}
		// Exactly the body qlik.dev documents.
		if string(r.Raw) != `{"errors":[{"code":"HTTP-429","detail":"You need to wait 60 seconds until limit is lifted.","title":"API rate limit reached."}]}`+"\n" {
			t.Errorf("%s: %s", tc.path, r.Raw)
		}
	}
}
