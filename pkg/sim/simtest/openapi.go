// Package simtest holds test helpers shared by the simulator's tests and by
// other packages that talk to qliksim: an OpenAPI response checker built on
// Qlik's published specs, and an http.Client that validates every response it
// receives against them. The checker records every operation it validated, so
// a test suite can prove that it exercised each route (see Validated).
package simtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// DefaultSpecs are the spec files covering every resource qliksim serves.
var DefaultSpecs = []string{
	"qliksense-spaces-api-openapi.yml",
	"qliksense-assignments-api-openapi.yml",
	"qliksense-users-api-openapi.yml",
	"qliksense-groups-api-openapi.yml",
	"qliksense-roles-api-openapi.yml",
	"qliksense-data-connections-api-openapi.yml",
	"qliksense-automations-api-openapi.yml",
	"qliksense-automation-connections-api-openapi.yml",
	"qliksense-glossaries-api-openapi.yml",
	"qliksense-categories-api-openapi.yml",
	"qliksense-terms-api-openapi.yml",
	"qliksense-links-api-openapi.yml",
	"qliksense-themes-api-openapi.yml",
	"qliksense-extensions-api-openapi.yml",
	"qliksense-brands-api-openapi.yml",
	"qliksense-oauth-clients-api-openapi.yml",
	"qliksense-webhooks-api-openapi.yml",
	"qliksense-web-integrations-api-openapi.yml",
	"qliksense-csp-origins-api-openapi.yml",
	"qliksense-tenants-api-openapi.yml",
	"qliksense-tenant-settings-api-openapi.yml",
	"qliksense-api-keys-configurations-api-openapi.yml",
	"qliksense-groups-settings-api-openapi.yml",
	"qliksense-items-settings-api-openapi.yml",
	"qliksense-sharing-settings-api-openapi.yml",
	"qliksense-licenses-api-openapi.yml",
	"qliksense-iam-resources-api-openapi.yml",
	"qliksense-apps-api-openapi.yml",
	"qliksense-items-api-openapi.yml",
	"qliksense-temporary-contents-api-openapi.yml",
	"qliksense-idp-api-openapi.yml",
	"qliksim-analytics-apps-restore.yml",
	"qliksim-apps-report-filters.yml",
	"qliksim-audits.yml",
	"qliksense-collections-api-openapi.yml",
	"qliksense-task-api-openapi.yml",
	"qliksense-reload-tasks-api-openapi.yml",
	"qliksense-report-templates-api-openapi.yml",
	"qliksense-sharing-tasks-api-openapi.yml",
}

// localSpecDir holds spec files transcribed from @qlik/api's types for
// operations Qlik's published files lack (each file says where from); a
// spec name is looked up there when SpecDir does not have it.
var localSpecDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "specs")
}()

var registerOnce sync.Once

// SpecDir returns the directory of Qlik's OpenAPI specs: ../shared/reference/openapi
// relative to the repository root (the directory holding go.mod), or "" when
// it does not exist.
func SpecDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	spec := filepath.Join(dir, "..", "shared", "reference", "openapi")
	if fi, err := os.Stat(spec); err != nil || !fi.IsDir() {
		return ""
	}
	return spec
}

// Checker validates HTTP responses against a set of OpenAPI documents and
// records the operations it validated.
type Checker struct {
	routers []routers.Router

	mu        sync.Mutex
	validated map[Validation]int
}

// Validation is one (operation, status) pair a Checker validated.
type Validation struct {
	Method string // HTTP method, e.g. "GET"
	Path   string // the spec's path template, e.g. "/api/v1/spaces/{spaceId}"
	Status int
	// Documented is true when the operation documents the status (or has a
	// default response), so the body was held against a schema. Success
	// statuses are always documented: an undocumented one fails the check.
	Documented bool
}

// Op is the validation's operation, "METHOD /path/{template}".
func (v Validation) Op() string { return v.Method + " " + v.Path }

// NewChecker loads the spec files (names inside SpecDir; DefaultSpecs when
// none are given). It calls t.Skip when the spec directory is absent.
// baseURL is kept for compatibility: operations match on method and path,
// whatever the scheme and host.
func NewChecker(t testing.TB, baseURL string, files ...string) *Checker {
	t.Helper()
	dir := SpecDir()
	if dir == "" {
		t.Skip("Qlik OpenAPI specs not found at ../shared/reference/openapi (relative to the repo root); skipping spec validation")
	}
	c, err := LoadChecker(dir, baseURL, files...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// loaded is one parsed spec file, shared by every Checker of the process
// (parsing the 14 files takes far longer than a test).
type loaded struct {
	once   sync.Once
	router routers.Router
	err    error
}

var specCache sync.Map // absolute file name -> *loaded

func loadSpec(file string) (routers.Router, error) {
	v, _ := specCache.LoadOrStore(file, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromFile(file)
		if err != nil {
			l.err = fmt.Errorf("load %s: %w", filepath.Base(file), err)
			return
		}
		doc.Info.Version = "1.0.0"
		// A relative server matches every scheme and host; the per-path and
		// per-operation servers some files set would match nothing.
		doc.Servers = openapi3.Servers{{URL: "/"}}
		for _, pi := range doc.Paths.Map() {
			pi.Servers = nil
			for _, op := range pi.Operations() {
				op.Servers = nil
			}
		}
		oneOfAsAnyOf(filepath.Base(file), doc)
		schemaOneOfAsAnyOf(filepath.Base(file), doc)
		titledOneOfAsEnum(doc)
		binaryAsString(filepath.Base(file), doc)
		l.router, l.err = gorillamux.NewRouter(doc)
		if l.err != nil {
			l.err = fmt.Errorf("router %s: %w", filepath.Base(file), l.err)
		}
	})
	return l.router, l.err
}

// overlappingOneOf lists the 200 responses whose oneOf alternatives
// overlap, a defect of Qlik's spec: in oauth-clients, the admin read schema
// is the plain one plus optional fields, so every valid answer matches both
// and oneOf ("exactly one") can never pass. They are checked as anyOf.
var overlappingOneOf = map[string][]string{
	"qliksense-oauth-clients-api-openapi.yml": {"/api/v1/oauth-clients", "/api/v1/oauth-clients/{id}"},
}

// overlappingOneOfSchemas are component schemas whose oneOf alternatives
// overlap, the same defect: the idp spec's IDP is a oneOf of the OIDC, SAML
// and jwtAuth providers, none with a required field, and its discriminator
// (protocol) maps no value to them, so every provider matches all three.
var overlappingOneOfSchemas = map[string][]string{
	"qliksense-idp-api-openapi.yml": {"IDP"},
}

// schemaOneOfAsAnyOf rewrites the overlappingOneOfSchemas of a spec file.
func schemaOneOfAsAnyOf(file string, doc *openapi3.T) {
	for _, name := range overlappingOneOfSchemas[file] {
		if ref := doc.Components.Schemas[name]; ref != nil && ref.Value != nil {
			ref.Value.AnyOf, ref.Value.OneOf, ref.Value.Discriminator = ref.Value.OneOf, nil, nil
		}
	}
}

// binaryDownloads are downloads whose spec types the file as a JSON object
// (`*/*` with `type: object`), a defect of Qlik's spec: temp-contents serves
// the stored bytes (an app file, a report template). They are checked as
// binary strings.
var binaryDownloads = map[string][]string{
	"qliksense-temporary-contents-api-openapi.yml": {"/api/v1/temp-contents/{id}"},
}

// titledOneOfAsEnum rewrites string schemas written as a oneOf of bare
// titles (apps' UsageEnum: "oneOf: [{title: ANALYTICS}, ...]"): every
// string matches every member, so oneOf could never pass. The titles are
// the enum the spec means.
func titledOneOfAsEnum(doc *openapi3.T) {
	for _, ref := range doc.Components.Schemas {
		sc := ref.Value
		if sc == nil || len(sc.OneOf) == 0 || !sc.Type.Is("string") {
			continue
		}
		var titles []any
		for _, m := range sc.OneOf {
			v := m.Value
			if v == nil || v.Title == "" || v.Type != nil || len(v.Enum) > 0 || v.Pattern != "" || len(v.Properties) > 0 {
				titles = nil
				break
			}
			titles = append(titles, v.Title)
		}
		if titles != nil {
			sc.Enum, sc.OneOf = titles, nil
		}
	}
}

// binaryAsString rewrites the binaryDownloads of a loaded spec file.
func binaryAsString(file string, doc *openapi3.T) {
	for _, path := range binaryDownloads[file] {
		op := doc.Paths.Find(path).GetOperation(http.MethodGet)
		for _, code := range []int{http.StatusOK, http.StatusPartialContent} {
			if res := op.Responses.Status(code); res != nil && res.Value != nil {
				for _, mt := range res.Value.Content {
					mt.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithFormat("binary"))
				}
			}
		}
	}
}

// oneOfAsAnyOf rewrites the overlapping oneOfs of a loaded spec file.
func oneOfAsAnyOf(file string, doc *openapi3.T) {
	for _, path := range overlappingOneOf[file] {
		op := doc.Paths.Find(path).GetOperation(http.MethodGet)
		res := op.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Schema.Value
		res.AnyOf, res.OneOf = res.OneOf, nil
	}
}

// LoadChecker is NewChecker without testing: it returns an error instead.
func LoadChecker(dir, baseURL string, files ...string) (*Checker, error) {
	registerOnce.Do(func() {
		// users /me answers 301 with a text/html body; kin-openapi has no decoder for it.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	})
	if len(files) == 0 {
		files = DefaultSpecs
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Checker{validated: map[Validation]int{}}
	for _, f := range files {
		path := filepath.Join(abs, f)
		if _, err := os.Stat(path); err != nil {
			if local := filepath.Join(localSpecDir, f); fileExists(local) {
				path = local
			}
		}
		r, err := loadSpec(path)
		if err != nil {
			return nil, err
		}
		c.routers = append(c.routers, r)
	}
	return c, nil
}

// find returns the operation matching a request. A literal path in one
// spec wins over a template in another, as in a router: GET
// /api/v1/groups/settings (groups-settings) is not GET /api/v1/groups/{id}.
func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// find returns the operation matching a request.
func (c *Checker) find(req *http.Request) (*routers.Route, map[string]string, bool) {
	var tmpl *routers.Route
	var tmplParams map[string]string
	for _, r := range c.routers {
		route, params, err := r.FindRoute(req)
		if err != nil {
			continue
		}
		if !strings.Contains(route.Path, "{") {
			return route, params, true
		}
		if tmpl == nil {
			tmpl, tmplParams = route, params
		}
	}
	return tmpl, tmplParams, tmpl != nil
}

// Operation returns the spec path template of the operation that serves
// method and path (a concrete path such as /api/v1/spaces/abc), if any.
func (c *Checker) Operation(method, path string) (string, bool) {
	req, err := http.NewRequest(method, "http://spec.invalid"+path, nil)
	if err != nil {
		return "", false
	}
	route, _, ok := c.find(req)
	if !ok {
		return "", false
	}
	return route.Path, true
}

// Check validates one response. A request that matches no operation of the
// loaded specs is an error. Success statuses (< 400) must be documented by
// the operation; error statuses are checked against their schema when the
// operation documents them (or has a default response). A response that
// passes is recorded (see Validated).
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, ok := c.find(req)
	if !ok {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL, ErrNoRoute)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: status < 400, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s -> %d: %w\nbody: %s", req.Method, req.URL, status, err, body)
	}
	v := Validation{Method: req.Method, Path: route.Path, Status: status,
		Documented: route.Operation.Responses.Status(status) != nil || route.Operation.Responses.Default() != nil}
	c.mu.Lock()
	c.validated[v]++
	c.mu.Unlock()
	record(v)
	return nil
}

// Validated returns what this checker validated, sorted.
func (c *Checker) Validated() []Validation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return sortedKeys(c.validated)
}

// process-wide record of every checker's validations, so that a package's
// TestMain can hold the whole suite's coverage against its routes.
var all = struct {
	sync.Mutex
	m map[Validation]int
}{m: map[Validation]int{}}

func record(v Validation) {
	all.Lock()
	all.m[v]++
	all.Unlock()
}

// Validated returns every (operation, status) pair any Checker of this
// process validated, sorted by operation and status.
func Validated() []Validation {
	all.Lock()
	defer all.Unlock()
	return sortedKeys(all.m)
}

func sortedKeys(m map[Validation]int) []Validation {
	out := make([]Validation, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b Validation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if c := strings.Compare(a.Method, b.Method); c != 0 {
			return c
		}
		return a.Status - b.Status
	})
	return slices.CompactFunc(out, func(a, b Validation) bool {
		return a.Method == b.Method && a.Path == b.Path && a.Status == b.Status
	})
}

// ErrNoRoute means that no operation of the loaded specs matches a request.
var ErrNoRoute = errors.New("no operation in the OpenAPI specs matches")

// Transport returns a RoundTripper that validates every response of base
// (http.DefaultTransport when nil) and reports mismatches with t.Errorf.
// Requests whose path is outside /api/ are not checked, and a 404 or 405 for
// a path the specs do not know is accepted (unknown-route tests).
func (c *Checker) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if err != nil || !isAPI(req.URL) {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		cerr := c.Check(req, resp.StatusCode, resp.Header, body)
		unknownRoute := resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed
		if cerr != nil && !(errors.Is(cerr, ErrNoRoute) && unknownRoute) {
			t.Errorf("OpenAPI mismatch: %v", cerr)
		}
		return resp, nil
	})
}

func isAPI(u *url.URL) bool { return strings.HasPrefix(u.Path, "/api/") }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
