package simtest

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The checker must reject bodies and statuses that the specs do not allow,
// or the simulator's spec tests would prove nothing.
func TestCheckerRejectsMismatches(t *testing.T) {
	const base = "http://127.0.0.1:1234"
	c := NewChecker(t, base)
	h := http.Header{"Content-Type": {"application/json"}}
	req := func(method, path string) *http.Request {
		r, _ := http.NewRequest(method, base+path, nil)
		return r
	}
	good := `{"id":"62716f4b39b865ece543cd45","name":"A","tenantId":"t","type":"shared",
		"links":{"self":{"href":"x"},"assignments":{"href":"y"}},
		"meta":{"actions":["read"],"roles":[],"assignableRoles":["consumer"]}}`
	if err := c.Check(req("GET", "/api/v1/spaces/62716f4b39b865ece543cd45"), 200, h, []byte(good)); err != nil {
		t.Fatalf("valid space rejected: %v", err)
	}
	for name, tc := range map[string]struct {
		r      *http.Request
		status int
		body   string
	}{
		"space without links": {req("GET", "/api/v1/spaces/62716f4b39b865ece543cd45"), 200,
			`{"id":"62716f4b39b865ece543cd45","name":"A","tenantId":"t"}`},
		"bad space type": {req("GET", "/api/v1/spaces/62716f4b39b865ece543cd45"), 200,
			strings.Replace(good, `"shared"`, `"personal"`, 1)},
		"undocumented 200 on delete": {req("DELETE", "/api/v1/spaces/62716f4b39b865ece543cd45"), 200, `{}`},
		"users error status as string": {req("GET", "/api/v1/users/62716f4b39b865ece543cd45"), 404,
			`{"errors":[{"code":"USERS-7","title":"Not found","status":"404"}]}`},
		"themes error as an errors array": {req("POST", "/api/v1/themes"), 409,
			`{"errors":[{"code":"THEMES-409","title":"Conflict"}],"traceId":"t"}`},
		"data-connections error status as string": {req("GET", "/api/v1/data-connections/x"), 404,
			`{"errors":[{"code":"DCERROR-0004","title":"Not found","status":"404"}]}`},
		"users 429 retry-after not an integer": {req("GET", "/api/v1/users"), 429, ""},
		"group without status": {req("GET", "/api/v1/groups/62716f4b39b865ece543cd45"), 200,
			`{"id":"a","tenantId":"t","name":"G","createdAt":"2024-01-01T00:00:00Z","lastUpdatedAt":"2024-01-01T00:00:00Z","links":{"self":{"href":"http://x/y"}}}`},
	} {
		hh := h
		if tc.status == 429 {
			hh = http.Header{"Content-Type": {"application/json"}, "Retry-After": {"soon"}}
			tc.body = `{"errors":[{"code":"HTTP-429","title":"API rate limit reached."}]}`
		}
		if err := c.Check(tc.r, tc.status, hh, []byte(tc.body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := c.Check(req("GET", "/api/v1/nothing"), 200, h, []byte(`{}`)); !errors.Is(err, ErrNoRoute) {
		t.Errorf("unknown path: %v", err)
	}
}

// The checker names the operation of a concrete path and records what it
// validated (route coverage in pkg/sim relies on both).
func TestCheckerOperationsAndRecord(t *testing.T) {
	c := NewChecker(t, "")
	for path, want := range map[string]string{
		"GET /api/v1/spaces/types":                         "/api/v1/spaces/types",
		"GET /api/v1/spaces/abc":                           "/api/v1/spaces/{spaceId}",
		"GET /api/v1/themes/abc/file/x.js":                 "/api/v1/themes/{id}/file/{filepath}",
		"POST /api/workflows/automations/abc/actions/move": "/api/workflows/automations/{id}/actions/move",
		"GET /api/v1/glossaries/g/terms/t/links":           "/api/v1/glossaries/{id}/terms/{termId}/links",
	} {
		method, p, _ := strings.Cut(path, " ")
		if got, ok := c.Operation(method, p); !ok || got != want {
			t.Errorf("Operation(%s) = %q, %v; want %q", path, got, ok, want)
		}
	}
	for _, path := range []string{"PUT /api/v1/themes/abc", "GET /api/v1/nothing", "GET /_sim/stats"} {
		method, p, _ := strings.Cut(path, " ")
		if got, ok := c.Operation(method, p); ok {
			t.Errorf("Operation(%s) = %q, want none", path, got)
		}
	}
	r, _ := http.NewRequest("GET", "http://any.host:1/api/v1/roles/r1", nil)
	body := `{"errors":[{"code":"IDENTITIES-10402","title":"Not Found"}],"traceId":"x"}`
	if err := c.Check(r, 404, http.Header{"Content-Type": {"application/json"}}, []byte(body)); err != nil {
		t.Fatal(err)
	}
	want := Validation{Method: "GET", Path: "/api/v1/roles/{id}", Status: 404, Documented: true}
	if got := c.Validated(); len(got) != 1 || got[0] != want {
		t.Errorf("checker recorded %v, want [%v]", got, want)
	}
	if !slices.Contains(Validated(), want) {
		t.Errorf("process record lacks %v", want)
	}
}
