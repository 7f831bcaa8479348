package simtest

import (
	"errors"
	"net/http"
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
		"group without status": {req("GET", "/api/v1/groups/62716f4b39b865ece543cd45"), 200,
			`{"id":"a","tenantId":"t","name":"G","createdAt":"2024-01-01T00:00:00Z","lastUpdatedAt":"2024-01-01T00:00:00Z","links":{"self":{"href":"http://x/y"}}}`},
	} {
		if err := c.Check(tc.r, tc.status, h, []byte(tc.body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := c.Check(req("GET", "/api/v1/nothing"), 200, h, []byte(`{}`)); !errors.Is(err, ErrNoRoute) {
		t.Errorf("unknown path: %v", err)
	}
}
