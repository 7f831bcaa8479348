package ippolicies_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/ippolicies"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestIPPoliciesCRUD(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := e.Must(200, e.Do("GET", "/api/core/ip-policies?totalResults=true", nil))
	if l["totalResults"] != 1.0 || simtest.List(l, "data")[0].(map[string]any)["name"] != "Office network" {
		t.Fatalf("seeded list = %v", l)
	}
	p := e.Must(201, e.Do("POST", "/api/core/ip-policies", map[string]any{"name": "VPN", "allowedIps": []string{"10.0.0.0/8"}}))
	id := simtest.Str(p["id"])
	if p["enabled"] != false || p["tenantId"] == "" {
		t.Errorf("created = %v", p)
	}
	e.Must(400, e.Do("POST", "/api/core/ip-policies", map[string]any{"name": "bad", "allowedIps": []string{"not-an-ip"}}))
	e.Must(400, e.Do("POST", "/api/core/ip-policies", map[string]any{"name": "v6", "allowedIps": []string{"::1"}}))
	e.Must(400, e.Do("POST", "/api/core/ip-policies", map[string]any{"name": "none"}))
	e.Must(204, e.Do("PATCH", "/api/core/ip-policies/"+id, []map[string]any{{"op": "replace", "path": "/allowedIps", "value": []string{"10.1.0.0/16", "127.0.0.1"}}}))
	e.Must(400, e.Do("PATCH", "/api/core/ip-policies/"+id, []map[string]any{{"op": "add", "path": "/name", "value": "x"}}))
	got := e.Must(200, e.Do("GET", "/api/core/ip-policies/"+id, nil))
	if len(simtest.List(got, "allowedIps")) != 2 {
		t.Errorf("after patch = %v", got)
	}
	page := e.Must(200, e.Do("GET", "/api/core/ip-policies?limit=1", nil))
	next, _ := page["links"].(map[string]any)["next"].(map[string]any)
	u, _ := url.Parse(simtest.Str(next["href"]))
	if u == nil || u.Query().Get("page") == "" {
		t.Fatalf("first page's next link = %v", page["links"])
	}
	second := e.Must(200, e.Do("GET", "/api/core/ip-policies?"+u.RawQuery, nil))
	if simtest.List(second, "data")[0].(map[string]any)["id"] != id {
		t.Errorf("second page = %v", second)
	}
	f := e.Must(200, e.Do("GET", "/api/core/ip-policies?filter="+url.QueryEscape(`name eq "VPN"`), nil))
	if len(simtest.List(f, "data")) != 1 {
		t.Errorf("filter = %v", f)
	}
	e.Must(204, e.Do("DELETE", "/api/core/ip-policies/"+id, nil))
	e.Must(404, e.Do("GET", "/api/core/ip-policies/"+id, nil))
}

// An enabled policy lets in only its addresses: one that includes
// 127.0.0.1 changes nothing, one that does not locks every /api request
// out (403), and the answer always names the address the simulator sees.
func TestEnabledPolicyIsEnforced(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	r := e.Do("GET", "/api/v1/users/me", nil)
	if got := r.Header.Get(ippolicies.ClientAddressHeader); got != "127.0.0.1" {
		t.Fatalf("%s = %q, want 127.0.0.1", ippolicies.ClientAddressHeader, got)
	}
	loop := e.Must(201, e.Do("POST", "/api/core/ip-policies", map[string]any{"name": "loopback", "enabled": true, "allowedIps": []string{"127.0.0.0/8"}}))
	e.Must(200, e.Do("GET", "/api/v1/spaces", nil))
	e.Must(204, e.Do("PATCH", "/api/core/ip-policies/"+simtest.Str(loop["id"]), []map[string]any{{"op": "replace", "path": "/allowedIps", "value": []string{"203.0.113.0/24"}}}))
	r = e.Do("GET", "/api/v1/spaces", nil)
	if r.Status != http.StatusForbidden || simtest.FirstError(t, r.Obj())["code"] != "IP-POLICY-403" {
		t.Errorf("locked out request = %d %s", r.Status, r.Raw)
	}
	e.Must(403, e.Do("GET", "/api/core/ip-policies", nil))
	// Outside /api (the simulator's own views) is not the tenant's API.
	if r := e.Do("GET", "/_sim/stats", nil); r.Status != http.StatusOK {
		t.Errorf("/_sim/stats = %d", r.Status)
	}
}
