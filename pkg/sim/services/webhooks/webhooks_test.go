package webhooks_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const (
	seedSecret      = "seed-webhook-secret-7f3a-not-a-real-hmac-key"
	seedHeaderValue = "Bearer seed-webhook-header-token-3c9d"
)

func byName(t *testing.T, e *simtest.Env, name string) map[string]any {
	t.Helper()
	for _, d := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/webhooks?limit=100", nil)), "data") {
		if m := d.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no webhook %q", name)
	return nil
}

func TestSeededWebhooks(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := e.Do("GET", "/api/v1/webhooks", nil)
	simtest.NoSecrets(t, "webhook list", l.Raw, seedSecret, seedHeaderValue)
	if n := len(simtest.List(e.Must(200, l), "data")); n != 2 {
		t.Fatalf("seeded webhooks = %d, want 2", n)
	}
	admin := core.UserByEmail(e.S.St, "admin@example.com")
	jane := core.UserByEmail(e.S.St, "jane.doe@example.com")
	ops := byName(t, e, "Reload failures to Ops")
	if ops["secretKeyAdded"] != true || fmt.Sprint(ops["encryptedHeaders"]) != "[Authorization]" ||
		ops["ownerId"] != admin.ID || ops["createdByUserId"] != admin.ID || ops["enabled"] != true ||
		ops["headers"].(map[string]any)["X-Team"] != "data-ops" || ops["secret"] != nil {
		t.Errorf("Ops webhook = %v", ops)
	}
	g := e.Must(200, e.Do("GET", "/api/v1/webhooks/"+simtest.Str(ops["id"]), nil))
	simtest.NoSecrets(t, "webhook get", e.Do("GET", "/api/v1/webhooks/"+simtest.Str(ops["id"]), nil).Raw, seedSecret, seedHeaderValue)
	if g["filter"] != `data.status eq "error"` {
		t.Errorf("filter = %v", g["filter"])
	}
	off := byName(t, e, "App changes to Teams")
	if off["enabled"] != false || off["disabledReasonCode"] != "WEBHOOK_DELIVERY_FAILED" || off["ownerId"] != jane.ID ||
		!strings.Contains(simtest.Str(off["disabledReason"]), "failed deliveries") || off["level"] != "user" {
		t.Errorf("disabled webhook = %v", off)
	}
	// The stored values are there, for the secrets view only.
	sec := e.Must(200, e.Do("GET", e.Ts.URL+"/_sim/webhooks/"+simtest.Str(ops["id"])+"/secrets", nil))
	if sec["secret"] != seedSecret || sec["encryptedHeaders"].(map[string]any)["Authorization"] != seedHeaderValue {
		t.Errorf("secrets view = %v", sec)
	}
}

func TestWebhookCreateUpdateDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	secret := strings.Repeat("k", 40)
	body := map[string]any{"name": "Deploys", "url": "https://hooks.example.org/deploy", "eventTypes": []string{"com.qlik.v1.app.created"},
		"headers": map[string]string{"X-A": "1"}, "encryptedHeaders": map[string]string{"X-Token": "tok-123456"}, "secret": secret,
		"enabled": true, "disabledReason": "client may not set this", "createdByUserId": "someone"}
	c := e.Do("POST", "/api/v1/webhooks", body)
	simtest.NoSecrets(t, "create answer", c.Raw, secret, "tok-123456")
	w := e.Must(201, c)
	id := simtest.Str(w["id"])
	me := core.CallerOf(e.S.St).ID
	if !core.IsUUID(id) || w["level"] != "tenant" || w["origin"] != "api" || w["ownerId"] != me || w["createdByUserId"] != me ||
		w["enableCloudEventDelivery"] != true || w["disabledReason"] != nil || fmt.Sprint(w["encryptedHeaders"]) != "[X-Token]" {
		t.Errorf("created = %v", w)
	}

	// 400 on a missing required field and on values outside the spec's bounds.
	for _, bad := range []map[string]any{
		{"url": "https://x.example"}, {"name": "n"}, {"name": "n", "url": "not a url"},
		{"name": "n", "url": "https://x.example", "secret": "short"},
		{"name": "n", "url": "https://x.example", "level": "space"},
		{"name": "n", "url": "https://x.example", "filter": "id eq"},
		{"name": "n", "url": "https://x.example", "ownerId": "nobody"},
		{"name": "n", "url": "https://x.example", "headers": map[string]string{"X-A": "1"}, "encryptedHeaders": map[string]string{"x-a": "2"}},
		{"name": "n", "url": "https://x.example", "enabled": "yes"},
	} {
		simtest.FirstError(t, e.Must(400, e.Do("POST", "/api/v1/webhooks", bad)))
	}

	// PATCH → 204; the secret and encrypted headers can be replaced, never read.
	e.Must(204, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{
		{"op": "replace", "path": "/description", "value": "patched"},
		{"op": "replace", "path": "/secret", "value": strings.Repeat("n", 32)},
		{"op": "add", "path": "/encryptedHeaders", "value": map[string]string{"X-New": "v2"}},
		{"op": "replace", "path": "/enabled", "value": false}}))
	g := e.Must(200, e.Do("GET", "/api/v1/webhooks/"+id, nil))
	if g["description"] != "patched" || g["enabled"] != false || fmt.Sprint(g["encryptedHeaders"]) != "[X-New]" || g["secretKeyAdded"] != true {
		t.Errorf("after PATCH = %v", g)
	}
	simtest.FirstError(t, e.Must(400, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{{"op": "replace", "path": "/ownerId", "value": "x"}})))
	simtest.FirstError(t, e.Must(400, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{{"op": "replace", "path": "/enableCloudEventDelivery", "value": false}})))

	// PUT replaces: omitted fields are cleared, the secret with them.
	p := e.Must(200, e.Do("PUT", "/api/v1/webhooks/"+id, map[string]any{"name": "Deploys 2", "url": "https://hooks.example.org/v2"}))
	if p["name"] != "Deploys 2" || p["description"] != "" || p["secretKeyAdded"] != false || len(simtest.List(p, "encryptedHeaders")) != 0 ||
		len(simtest.List(p, "eventTypes")) != 0 || p["createdAt"] != w["createdAt"] || p["origin"] != "api" {
		t.Errorf("after PUT = %v", p)
	}
	simtest.FirstError(t, e.Must(400, e.Do("PUT", "/api/v1/webhooks/"+id, map[string]any{"name": "no url"})))

	e.Must(204, e.Do("DELETE", "/api/v1/webhooks/"+id, nil))
	for _, m := range []string{"GET", "DELETE"} {
		if code := simtest.FirstError(t, e.Must(404, e.Do(m, "/api/v1/webhooks/"+id, nil)))["code"]; code != "WEBHOOKS-404" {
			t.Errorf("%s 404 code = %v", m, code)
		}
	}
	e.Must(404, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{}))
	e.Must(404, e.Do("PUT", "/api/v1/webhooks/"+id, map[string]any{"name": "n", "url": "https://x.example"}))
}

func TestWebhookDisabledByQlikAndReEnabled(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	w := e.Must(201, e.Do("POST", "/api/v1/webhooks", map[string]any{"name": "Flaky", "url": "https://flaky.example", "enabled": true}))
	id := simtest.Str(w["id"])
	e.Must(204, e.Do("POST", e.Ts.URL+"/_sim/webhooks/"+id+"/disable", map[string]any{"reason": "endpoint kept answering 500", "code": "WH-5"}))
	g := e.Must(200, e.Do("GET", "/api/v1/webhooks/"+id, nil))
	if g["enabled"] != false || g["disabledReason"] != "endpoint kept answering 500" || g["disabledReasonCode"] != "WH-5" {
		t.Errorf("disabled = %v", g)
	}
	// An edit keeps the reason; enabling clears it.
	e.Must(204, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{{"op": "replace", "path": "/description", "value": "x"}}))
	if g := e.Must(200, e.Do("GET", "/api/v1/webhooks/"+id, nil)); g["disabledReason"] != "endpoint kept answering 500" {
		t.Errorf("an edit dropped the reason: %v", g)
	}
	e.Must(204, e.Do("PATCH", "/api/v1/webhooks/"+id, []map[string]any{{"op": "replace", "path": "/enabled", "value": true}}))
	if g := e.Must(200, e.Do("GET", "/api/v1/webhooks/"+id, nil)); g["disabledReason"] != nil || g["enabled"] != true {
		t.Errorf("enabling kept the reason: %v", g)
	}
	e.Must(400, e.Do("POST", e.Ts.URL+"/_sim/webhooks/"+id+"/disable", map[string]any{}))
	e.Must(404, e.Do("POST", e.Ts.URL+"/_sim/webhooks/nope/disable", map[string]any{"reason": "r"}))
}

func TestWebhookListPagingSortFilters(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{Now: clock.Now})
	for i := range 5 {
		clock.Add(1e9)
		e.Must(201, e.Do("POST", "/api/v1/webhooks", map[string]any{"name": fmt.Sprintf("Hook %d", i),
			"url": fmt.Sprintf("https://h%d.example/in", i), "enabled": i%2 == 0, "eventTypes": []string{fmt.Sprint("ev.", i%2)}}))
	}
	// Default order -createdAt; 3 pages of 3 for 7 webhooks, absolute links both ways.
	var got []string
	href := "/api/v1/webhooks?limit=3"
	var last map[string]any
	for pages := 0; href != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		last = e.Must(200, e.Do("GET", href, nil))
		for _, d := range simtest.List(last, "data") {
			got = append(got, simtest.Str(d.(map[string]any)["name"]))
		}
		links := last["links"].(map[string]any)
		if !strings.HasPrefix(simtest.Str(links["self"].(map[string]any)["href"]), e.Ts.URL+"/api/v1/webhooks?") {
			t.Errorf("self = %v", links["self"])
		}
		href = ""
		if n, ok := links["next"].(map[string]any); ok {
			href = simtest.Str(n["href"])
		}
	}
	if len(got) != 7 || !slices.Equal(got[:5], []string{"Hook 4", "Hook 3", "Hook 2", "Hook 1", "Hook 0"}) {
		t.Errorf("by -createdAt = %v", got)
	}
	prev := simtest.Str(last["links"].(map[string]any)["prev"].(map[string]any)["href"])
	if p := e.Must(200, e.Do("GET", prev, nil)); len(simtest.List(p, "data")) != 3 {
		t.Errorf("prev page = %v", p)
	}
	count := func(q string) int {
		return len(simtest.List(e.Must(200, e.Do("GET", "/api/v1/webhooks?limit=100&"+q, nil)), "data"))
	}
	for q, want := range map[string]int{"enabled=true": 4, "enabled=false": 3, "name=hook*": 5, "name=teams": 1,
		"url=*h1.example*": 1, "eventTypes=ev.1": 2, "eventTypes=ev.0,ev.1": 5, "level=user": 1, "origins=api": 7,
		"sort=name": 7, "sort=-url": 7, "sort=%2BupdatedAt": 7} {
		if n := count(q); n != want {
			t.Errorf("%s: %d webhooks, want %d", q, n, want)
		}
	}
	names := simtest.List(e.Must(200, e.Do("GET", "/api/v1/webhooks?sort=name&limit=2", nil)), "data")
	if names[0].(map[string]any)["name"] != "App changes to Teams" {
		t.Errorf("sort=name first = %v", names[0])
	}
	for _, q := range []string{"limit=0", "limit=101", "sort=id", "enabled=maybe", "next=bogus"} {
		simtest.FirstError(t, e.Must(400, e.Do("GET", "/api/v1/webhooks?"+q, nil)))
	}
}

func TestWebhookEventTypes(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", "/api/v1/webhooks/event-types", nil)), "data")
	found := false
	for _, d := range l {
		m := d.(map[string]any)
		if m["name"] == "com.qlik.v1.app.reload.finished" {
			found = len(simtest.List(m, "levels")) > 0
		}
	}
	if !found {
		t.Errorf("event types = %v", l)
	}
}
