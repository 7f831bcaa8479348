package identityproviders_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/identityproviders"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/identity-providers"

// byDescription lists the providers and finds one.
func byDescription(t *testing.T, e *simtest.Env, desc string) map[string]any {
	t.Helper()
	for _, it := range simtest.List(e.Must(200, e.Do("GET", base+"?limit=100", nil)), "data") {
		if m := it.(map[string]any); m["description"] == desc {
			return m
		}
	}
	t.Fatalf("no provider %q", desc)
	return nil
}

// The demo tenant's providers are listed with the built-in ones; a client
// secret is never returned in clear, in the list or a GET, in options or
// pendingOptions; the certificate and the public key come back as seeded.
func TestListMasksClientSecrets(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	r := e.Do("GET", base+"?limit=100", nil)
	if r.Status != 200 || strings.Contains(string(r.Raw), "seed-idp-") {
		t.Fatalf("list = %d %s", r.Status, r.Raw)
	}
	if n := len(simtest.List(r.Obj(), "data")); n != 5 {
		t.Errorf("%d providers, want 3 seeded + 2 built in", n)
	}
	okta := byDescription(t, e, "Okta")
	got := e.Do("GET", base+"/"+simtest.Str(okta["id"]), nil)
	if got.Status != 200 || strings.Contains(string(got.Raw), "seed-idp-") || got.Header.Get("QLIK-IDP-POPTS") == "" {
		t.Fatalf("get = %d %s (popts %q)", got.Status, got.Raw, got.Header.Get("QLIK-IDP-POPTS"))
	}
	opts := got.Obj()["options"].(map[string]any)
	pend := got.Obj()["pendingOptions"].(map[string]any)
	if opts["clientSecret"] != "********" || pend["clientSecret"] != "********" {
		t.Errorf("masks: options %v, pendingOptions %v", opts["clientSecret"], pend["clientSecret"])
	}
	saml := byDescription(t, e, "Entra ID (SAML)")
	cert := simtest.Str(saml["options"].(map[string]any)["certificates"].([]any)[0].(map[string]any)["certificate"])
	if !strings.HasPrefix(cert, "-----BEGIN CERTIFICATE-----\n") || !strings.HasSuffix(cert, "-----END CERTIFICATE-----\n") {
		t.Errorf("certificate = %q", cert)
	}
	active := simtest.List(e.Must(200, e.Do("GET", base+"?active=false", nil)), "data")
	if len(active) != 2 { // the SAML provider and Qlik Account, while Okta is active
		t.Errorf("inactive = %v", active)
	}
	st := e.Must(200, e.Do("GET", base+"/status", nil))
	if st["active_interactive_idps_count"] != 1.0 {
		t.Errorf("status = %v", st)
	}
	e.Must(200, e.Do("GET", base+"/me/meta", nil))
	e.Must(200, e.Do("GET", base+"/.well-known/metadata.json", nil))
}

// Create, patch and delete, per protocol; one interactive provider is
// active at a time; the active interactive provider and the built-in ones
// cannot be deleted; deactivating the last one reverts to Qlik Account.
func TestWritesAndRefusals(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	okta := simtest.Str(byDescription(t, e, "Okta")["id"])
	claims := map[string]any{"sub": []string{"/sub"}, "name": []string{"/name"}}
	oidc := map[string]any{"protocol": "OIDC", "provider": "auth0", "interactive": true, "skipVerify": true,
		"description": "Auth0", "options": map[string]any{"clientId": "c", "clientSecret": "s3cr3t-new", "claimsMapping": claims}}
	r := e.Do("POST", base, oidc)
	if r.Status != 400 || !strings.Contains(string(r.Raw), "only one interactive") {
		t.Fatalf("second active interactive = %d %s", r.Status, r.Raw)
	}
	oidc["active"] = false
	created := e.Must(201, e.Do("POST", base, oidc))
	id := simtest.Str(created["id"])
	if created["active"] != false || strings.Contains(simtest.Str(created["options"].(map[string]any)["clientSecret"]), "s3cr3t") {
		t.Errorf("created = %v", created)
	}
	sec := e.Must(200, e.Do("GET", "/_sim/identity-providers/"+id+"/secrets", nil))
	if sec["options"] != "s3cr3t-new" {
		t.Errorf("stored secret = %v", sec)
	}
	e.Must(204, e.Do("PATCH", base+"/"+id, []map[string]any{{"op": "replace", "path": "/options/claimsMapping", "value": map[string]any{"sub": []string{"/uid"}}}}))
	got := e.Must(200, e.Do("GET", base+"/"+id, nil))
	if sub := got["options"].(map[string]any)["claimsMapping"].(map[string]any)["sub"].([]any); sub[0] != "/uid" {
		t.Errorf("claims after patch = %v", got["options"])
	}
	e.Must(400, e.Do("PATCH", base+"/"+id, []map[string]any{{"op": "replace", "path": "/interactive", "value": false}}))
	jwt := simtest.Str(byDescription(t, e, "Sales Portal JWT")["id"])
	e.Must(400, e.Do("PATCH", base+"/"+jwt, []map[string]any{{"op": "replace", "path": "/active", "value": false}}))
	e.Must(204, e.Do("PATCH", base+"/"+jwt, []map[string]any{{"op": "replace", "path": "/description", "value": "Portal"}}))

	// The active interactive provider: refused, in the idp style.
	r = e.Do("DELETE", base+"/"+okta, nil)
	if r.Status != 400 || !strings.Contains(string(r.Raw), "can't be deleted") || r.Obj()["traceId"] != nil ||
		simtest.FirstError(t, r.Obj())["status"] != 400.0 {
		t.Fatalf("delete of the active interactive provider = %d %s", r.Status, r.Raw)
	}
	for _, p := range simtest.List(e.Must(200, e.Do("GET", base, nil)), "data") {
		if m := p.(map[string]any); m["provider"] == "qlik" {
			e.Must(400, e.Do("DELETE", base+"/"+simtest.Str(m["id"]), nil))
			e.Must(400, e.Do("PATCH", base+"/"+simtest.Str(m["id"]), []map[string]any{{"op": "replace", "path": "/description", "value": "x"}}))
		}
	}
	e.Must(204, e.Do("PATCH", base+"/"+okta, []map[string]any{{"op": "replace", "path": "/active", "value": false}}))
	if qa := byDescription(t, e, "Qlik Account"); qa["active"] != true {
		t.Errorf("Qlik Account after the deactivation = %v", qa)
	}
	e.Must(204, e.Do("DELETE", base+"/"+okta, nil))
	e.Must(204, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("GET", base+"/"+id, nil))
}

// promote-options needs the hash the GET returns.
func TestPromoteOptions(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	okta := simtest.Str(byDescription(t, e, "Okta")["id"])
	promote := []map[string]any{{"op": "promote-options"}}
	e.Must(412, e.Do("PATCH", base+"/"+okta, promote))
	popts := e.Do("GET", base+"/"+okta, nil).Header.Get("QLIK-IDP-POPTS")
	req, err := http.NewRequest("PATCH", e.Ts.URL+base+"/"+okta, strings.NewReader(`[{"op":"promote-options"}]`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Key)
	req.Header.Set("QLIK-IDP-POPTS-MATCH", popts)
	res, err := e.C.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 204 {
		t.Fatalf("promote = %d", res.StatusCode)
	}
	sec := e.Must(200, e.Do("GET", "/_sim/identity-providers/"+okta+"/secrets", nil))
	if sec["options"] != "seed-idp-pending-secret-9d21" || sec["pendingOptions"] != "" {
		t.Errorf("after promote = %v", sec)
	}
}

// Every answer names the provider the caller signs in through.
func TestSignInHeader(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	okta := simtest.Str(byDescription(t, e, "Okta")["id"])
	if got := e.Do("GET", "/api/v1/users/me", nil).Header.Get(identityproviders.SignInHeader); got != okta {
		t.Errorf("%s = %q, want Okta's id %q", identityproviders.SignInHeader, got, okta)
	}
}
