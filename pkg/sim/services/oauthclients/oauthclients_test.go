package oauthclients_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/oauthclients"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const seedSecret = "seed-oauth-secret-91c2"

func seededEnv(t *testing.T) *simtest.Env {
	t.Helper()
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	return e
}

func errBody(t *testing.T, r simtest.Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	m := r.Obj()
	e := simtest.FirstError(t, m)
	if e["code"] == nil || e["title"] == nil || m["traceId"] != nil {
		t.Errorf("oauth-clients error body = %s", r.Raw)
	}
}

func clientByName(t *testing.T, e *simtest.Env, name string) map[string]any {
	t.Helper()
	for _, d := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/oauth-clients?limit=100", nil)), "data") {
		if m := d.(map[string]any); m["clientName"] == name {
			return m
		}
	}
	t.Fatalf("no client %q", name)
	return nil
}

// simSecrets reads the test-only view of a client's stored secrets.
func simSecrets(t *testing.T, e *simtest.Env, id string) (n int, values []string) {
	t.Helper()
	res, err := http.Get(e.Ts.URL + "/_sim/oauth-clients/" + id + "/secrets")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		Count   int `json:"count"`
		Secrets []struct {
			Secret string `json:"secret"`
		} `json:"secrets"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, s := range v.Secrets {
		values = append(values, s.Secret)
	}
	return v.Count, values
}

func TestSeededClientsNeverShowTheirSecret(t *testing.T) {
	e := seededEnv(t)
	list := e.Do("GET", "/api/v1/oauth-clients", nil)
	simtest.NoSecrets(t, "list", list.Raw, seedSecret)
	bot, spa := clientByName(t, e, "Nightly Export Bot"), clientByName(t, e, "Sales Portal")
	if bot["appType"] != "web" || simtest.List(bot, "allowedGrantTypes")[0] != "client_credentials" {
		t.Errorf("bot = %v", bot)
	}
	hints := simtest.List(bot, "clientSecrets")
	if len(hints) != 1 || hints[0].(map[string]any)["hint"] != "91c2" {
		t.Errorf("bot secret hints = %v", hints)
	}
	if spa["appType"] != "spa" || len(simtest.List(spa, "redirectUris")) != 2 ||
		simtest.List(spa, "allowedOrigins")[0] != "https://portal.example.com" || len(simtest.List(spa, "clientSecrets")) != 0 {
		t.Errorf("spa = %v", spa)
	}
	if cc, _ := spa["connectionConfig"].(map[string]any); cc["consentMethod"] != "trusted" {
		t.Errorf("spa connectionConfig = %v", spa["connectionConfig"])
	}
	get := e.Do("GET", "/api/v1/oauth-clients/"+simtest.Str(bot["clientId"]), nil)
	simtest.NoSecrets(t, "get", get.Raw, seedSecret)
	if n, v := simSecrets(t, e, simtest.Str(bot["clientId"])); n != 1 || v[0] != seedSecret {
		t.Errorf("/_sim secrets = %d %v", n, v)
	}
}

func TestClientSecretIsReturnedOnce(t *testing.T) {
	e := seededEnv(t)
	c := e.Must(201, e.Do("POST", "/api/v1/oauth-clients", map[string]any{
		"appType": "web", "clientName": "Reporting", "allowedGrantTypes": []string{"client_credentials"},
		"allowedScopes": []string{"user_default"}}))
	id, secret := simtest.Str(c["clientId"]), simtest.Str(c["clientSecret"])
	if len(secret) != 64 || len(id) != 32 || simtest.List(c, "allowedAuthMethods")[0] != "client_secret" {
		t.Fatalf("created = %v", c)
	}
	hints := simtest.List(c, "clientSecrets")
	if len(hints) != 1 || hints[0].(map[string]any)["hint"] != secret[60:] {
		t.Errorf("hints = %v", hints)
	}
	for _, path := range []string{"/api/v1/oauth-clients/" + id, "/api/v1/oauth-clients"} {
		r := e.Do("GET", path, nil)
		simtest.NoSecrets(t, path, r.Raw, secret)
		if strings.Contains(string(r.Raw), `"clientSecret"`) {
			t.Errorf("%s carries a clientSecret field: %s", path, r.Raw)
		}
	}

	// More secrets: up to 5, then 409; delete one by hint.
	var last map[string]any
	for i := 0; i < 4; i++ {
		last = e.Must(201, e.Do("POST", "/api/v1/oauth-clients/"+id+"/client-secrets", nil))
		if last["clientId"] != id || len(simtest.Str(last["clientSecret"])) != 64 || last["hint"] == "" {
			t.Fatalf("secret = %v", last)
		}
	}
	errBody(t, e.Do("POST", "/api/v1/oauth-clients/"+id+"/client-secrets", nil), 409)
	if n, _ := simSecrets(t, e, id); n != 5 {
		t.Errorf("%d secrets, want 5", n)
	}
	e.Must(204, e.Do("DELETE", "/api/v1/oauth-clients/"+id+"/client-secrets/"+simtest.Str(last["hint"]), nil))
	errBody(t, e.Do("DELETE", "/api/v1/oauth-clients/"+id+"/client-secrets/"+simtest.Str(last["hint"]), nil), 404)
	if n, v := simSecrets(t, e, id); n != 4 || strings.Contains(strings.Join(v, ","), simtest.Str(last["clientSecret"])) {
		t.Errorf("after delete: %d secrets", n)
	}

	// A public client has no secret and may not get one.
	spa := e.Must(201, e.Do("POST", "/api/v1/oauth-clients", map[string]any{
		"appType": "spa", "clientName": "Widget", "redirectUris": []string{"https://w.example.com/cb"},
		"allowedOrigins": []string{"https://w.example.com"}}))
	if spa["clientSecret"] != "" || len(simtest.List(spa, "allowedAuthMethods")) != 0 {
		t.Errorf("spa = %v", spa)
	}
	errBody(t, e.Do("POST", "/api/v1/oauth-clients/"+simtest.Str(spa["clientId"])+"/client-secrets", nil), 400)
}

func TestClientPatchAndDelete(t *testing.T) {
	e := seededEnv(t)
	c := e.Must(201, e.Do("POST", "/api/v1/oauth-clients", map[string]any{
		"appType": "web", "clientName": "Keys", "allowedAuthMethods": []string{"private_key_jwt"},
		"jwksUri": "https://keys.example.com/.well-known/jwks.json"}))
	id := simtest.Str(c["clientId"])
	if c["clientSecret"] != "" || len(simtest.List(c, "clientSecrets")) != 0 {
		t.Errorf("a private_key_jwt client got a secret: %v", c)
	}
	base := "/api/v1/oauth-clients/" + id
	e.Must(204, e.Do("PATCH", base, []map[string]any{
		{"op": "replace", "path": "/clientName", "value": "Keys 2"},
		{"op": "add", "path": "/allowedScopes", "value": "user_default"},
		{"op": "replace", "path": "/redirectUris", "value": []string{"https://keys.example.com/cb"}}}))
	g := e.Must(200, e.Do("GET", base, nil))
	if g["clientName"] != "Keys 2" || simtest.List(g, "allowedScopes")[0] != "user_default" || len(simtest.List(g, "redirectUris")) != 1 {
		t.Errorf("after patch = %v", g)
	}
	// Turning on client_secret generates one, answered once with 202.
	p := e.Must(202, e.Do("PATCH", base, []map[string]any{{"op": "add", "path": "/allowedAuthMethods", "value": "client_secret"}}))
	secret := simtest.Str(p["clientSecret"])
	if len(secret) != 64 {
		t.Fatalf("202 body = %v", p)
	}
	simtest.NoSecrets(t, "get after 202", e.Do("GET", base, nil).Raw, secret)
	// Bad patches change nothing.
	errBody(t, e.Do("PATCH", base, []map[string]any{{"op": "replace", "path": "/appType", "value": "spa"}}), 400)
	errBody(t, e.Do("PATCH", base, []map[string]any{{"op": "add", "path": "/allowedOrigins", "value": []string{"https://x.example.com"}}}), 400)
	errBody(t, e.Do("PATCH", base, []map[string]any{{"op": "replace", "path": "/clientName", "value": "ok"}, {"op": "remove", "path": "/clientName"}}), 400)
	if g := e.Must(200, e.Do("GET", base, nil)); g["clientName"] != "Keys 2" {
		t.Errorf("a refused patch changed the client: %v", g)
	}

	// Publish, connection config.
	if pub := e.Must(201, e.Do("POST", base+"/actions/publish", nil)); pub["publishedAt"] == "" {
		t.Errorf("publish = %v", pub)
	}
	if cc := e.Must(200, e.Do("GET", base+"/connection-configs/me", nil)); cc["consentMethod"] != "required" {
		t.Errorf("connection config = %v", cc)
	}
	e.Must(204, e.Do("PATCH", base+"/connection-configs/me", []map[string]any{{"op": "replace", "path": "/consentMethod", "value": "trusted"}}))
	if g := e.Must(200, e.Do("GET", base, nil)); g["connectionConfig"].(map[string]any)["consentMethod"] != "trusted" || g["publishedAt"] == nil {
		t.Errorf("after consent patch = %v", g)
	}
	errBody(t, e.Do("PATCH", base+"/connection-configs/me", []map[string]any{{"op": "replace", "path": "/consentMethod", "value": "never"}}), 400)
	e.Must(204, e.Do("DELETE", base+"/connection-configs/me", nil))
	errBody(t, e.Do("GET", base+"/connection-configs/me", nil), 404)

	// DELETE needs qlik-confirm-delete: the client id.
	errBody(t, e.Do("DELETE", base, nil), 400)
	req, _ := http.NewRequest("DELETE", e.Ts.URL+base, nil)
	req.Header.Set("Authorization", "Bearer "+e.Key)
	req.Header.Set("qlik-confirm-delete", id)
	if r := simtest.SendRequest(e, req); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	errBody(t, e.Do("GET", base, nil), 404)
}

func TestClientCreateValidation(t *testing.T) {
	e := seededEnv(t)
	for name, body := range map[string]map[string]any{
		"no appType":          {"clientName": "x"},
		"bad appType":         {"appType": "confidential", "clientName": "x"},
		"no name":             {"appType": "web"},
		"origins on web":      {"appType": "web", "clientName": "x", "allowedOrigins": []string{"https://a.example.com"}},
		"grants on spa":       {"appType": "spa", "clientName": "x", "allowedGrantTypes": []string{"client_credentials"}},
		"bad grant":           {"appType": "web", "clientName": "x", "allowedGrantTypes": []string{"password"}},
		"origin with a path":  {"appType": "spa", "clientName": "x", "allowedOrigins": []string{"https://a.example.com/app"}},
		"six redirect URIs":   {"appType": "native", "clientName": "x", "redirectUris": []string{"a://1", "a://2", "a://3", "a://4", "a://5", "a://6"}},
		"duplicate redirect":  {"appType": "native", "clientName": "x", "redirectUris": []string{"a://1", "a://1"}},
		"consent required":    {"appType": "web", "clientName": "x", "connectionConfig": map[string]any{"consentMethod": "required"}},
		"jwt without keys":    {"appType": "web", "clientName": "x", "allowedAuthMethods": []string{"private_key_jwt"}},
		"auth methods on spa": {"appType": "spa", "clientName": "x", "allowedAuthMethods": []string{"client_secret"}},
	} {
		t.Run(name, func(t *testing.T) { errBody(t, e.Do("POST", "/api/v1/oauth-clients", body), 400) })
	}
	if n := len(simtest.List(e.Must(200, e.Do("GET", "/api/v1/oauth-clients", nil)), "data")); n != 2 {
		t.Errorf("refused creates changed the list: %d clients", n)
	}
	errBody(t, e.Do("GET", "/api/v1/oauth-clients/nope", nil), 404)
}

func TestClientListQuery(t *testing.T) {
	e := seededEnv(t)
	for i := 0; i < 3; i++ {
		e.Must(201, e.Do("POST", "/api/v1/oauth-clients", map[string]any{"appType": "native", "clientName": "Native " + string(rune('A'+i)),
			"redirectUris": []string{"com.example.app:/cb"}}))
	}
	page := e.Must(200, e.Do("GET", "/api/v1/oauth-clients?limit=2&totalResults=true&sort=-clientName", nil))
	d := simtest.List(page, "data")
	if len(d) != 2 || d[0].(map[string]any)["clientName"] != "Sales Portal" || page["totalResults"] != float64(5) {
		t.Errorf("page = %v", page)
	}
	next := simtest.Str(page["links"].(map[string]any)["next"].(map[string]any)["href"])
	if d := simtest.List(e.Must(200, e.Do("GET", next, nil)), "data"); len(d) != 2 || d[0].(map[string]any)["clientName"] != "Native C" {
		t.Errorf("second page = %v", d)
	}
	f := e.Must(200, e.Do("GET", `/api/v1/oauth-clients?filter=appType+eq+"native"`, nil))
	if len(simtest.List(f, "data")) != 3 || f["totalResults"] != nil {
		t.Errorf("filter = %v", f)
	}
	errBody(t, e.Do("GET", `/api/v1/oauth-clients?filter=secret+eq+"x"`, nil), 400)
	errBody(t, e.Do("GET", "/api/v1/oauth-clients?sort=-secret", nil), 400)
	errBody(t, e.Do("GET", "/api/v1/oauth-clients?limit=101", nil), 400)
}

func TestClientWritesNeedTenantAdmin(t *testing.T) {
	e := seededEnv(t)
	id := simtest.Str(clientByName(t, e, "Nightly Export Bot")["clientId"])
	e.S.Mu.Lock()
	e.S.St.CallerID = core.UserByEmail(e.S.St, "jane.doe@example.com").ID
	e.S.Mu.Unlock()
	errBody(t, e.Do("POST", "/api/v1/oauth-clients", map[string]any{"appType": "web", "clientName": "x"}), 403)
	errBody(t, e.Do("POST", "/api/v1/oauth-clients/"+id+"/client-secrets", nil), 403)
	// A plain reader sees OAuthClientReadResponse: no hints, no URIs.
	g := e.Must(200, e.Do("GET", "/api/v1/oauth-clients/"+id, nil))
	if g["clientSecrets"] != nil || g["allowedAuthMethods"] != nil || g["clientName"] != "Nightly Export Bot" {
		t.Errorf("non-admin view = %v", g)
	}
}

func TestClientSeedErrors(t *testing.T) {
	users := "- subject: a\n  name: A\n  email: a@example.com\n  roles: [TenantAdmin]\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"secret on spa":  {"- clientName: S\n  appType: spa\n  secrets: [seed-secret-abcd]\n", "does not allow the client_secret"},
		"short secret":   {"- clientName: W\n  appType: web\n  secrets: [short]\n", "secrets[0]: a secret has 8 to 64"},
		"same hint":      {"- clientName: W\n  appType: web\n  secrets: [seed-secret-abcd, other-secret-abcd]\n", "secrets[1]: its hint"},
		"unknown owner":  {"- clientName: W\n  appType: web\n  owner: nobody@example.com\n", `owner "nobody@example.com"`},
		"bad field":      {"- clientName: W\n  appType: web\n  clientSecret: x\n", `unknown field "clientSecret"`},
		"invalid client": {"- clientName: W\n  appType: web\n  allowedOrigins: [https://a.example.com]\n", "oauth-clients[0] (\"W\"): allowedOrigins:"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "users.yaml"), []byte(users), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "oauth-clients.yaml"), []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			s := sim.New(core.Options{})
			err := s.LoadSeed(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "oauth-clients.yaml") {
				t.Fatalf("seed error = %v, want %q", err, tc.want)
			}
			s.Mu.Lock()
			defer s.Mu.Unlock()
			if n := oauthclients.OAuthClients.Len(s.St); n != 0 {
				t.Errorf("a failed seed left %d clients", n)
			}
		})
	}
}

// The checker reads the list and get answers' oneOf as anyOf (the admin
// schema overlaps the plain one); it must still refuse a body that matches
// neither.
func TestCheckerStillRefusesABadClientBody(t *testing.T) {
	chk := simtest.NewChecker(t, "")
	req, _ := http.NewRequest("GET", "http://127.0.0.1/api/v1/oauth-clients/abc", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	if err := chk.Check(req, 200, h, []byte(`{"clientId":"abc","clientName":"x"}`)); err == nil {
		t.Error("a client without appType, createdAt and ownerId passed the check")
	}
	ok := `{"clientId":"abc","clientName":"x","appType":"web","createdAt":"2026-01-01T00:00:00.000Z","ownerId":"u"}`
	if err := chk.Check(req, 200, h, []byte(ok)); err != nil {
		t.Errorf("a valid client failed the check: %v", err)
	}
}
