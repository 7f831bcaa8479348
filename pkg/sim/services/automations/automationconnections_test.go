package automations_test

import (
	"net/url"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestAutomationConnectionsCRUD(t *testing.T) {
	e := seededConnEnv(t)
	fin := e.SpaceID("Finance")
	for _, base := range []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"} {
		r := e.Do("POST", base, map[string]any{"connectorId": "conn-x", "name": "AC1", "spaceId": fin,
			"params": []any{map[string]any{"name": "host", "value": "h.example.com"}, map[string]any{"name": "apiKey", "value": "ac-secret-1"}}})
		c := e.Must(201, r)
		simtest.NoSecrets(t, "create", r.Raw, "ac-secret-1")
		id := simtest.Str(c["id"])
		params := simtest.List(c, "params")
		if len(params) != 2 || c["isConnected"] != true || c["spaceId"] != fin {
			t.Fatalf("create = %s", r.Raw)
		}
		host, key := params[0].(map[string]any), params[1].(map[string]any)
		if host["value"] != "h.example.com" || key["fieldType"] != "password" || key["value"] != nil {
			t.Errorf("params = %v", params)
		}
		r = e.Do("GET", base+"/"+id, nil)
		e.Must(200, r)
		simtest.NoSecrets(t, "get", r.Raw, "ac-secret-1")
		r = e.Do("GET", base+"?listAll=true", nil)
		simtest.NoSecrets(t, "list", r.Raw, "ac-secret-1", "h.example.com")
		sec := e.Must(200, e.Do("GET", "/_sim/automation-connections/"+id+"/secrets", nil))
		if sec["params"].(map[string]any)["apiKey"] != "ac-secret-1" {
			t.Errorf("secrets = %v", sec)
		}
		// PUT by param id; other params keep their values.
		u := e.Must(200, e.Do("PUT", base+"/"+id, map[string]any{"name": "AC1b",
			"params": []any{map[string]any{"id": key["id"], "value": "ac-secret-2"}}}))
		if u["name"] != "AC1b" {
			t.Errorf("put = %v", u)
		}
		sec = e.Must(200, e.Do("GET", "/_sim/automation-connections/"+id+"/secrets", nil))
		if p := sec["params"].(map[string]any); p["apiKey"] != "ac-secret-2" || p["host"] != "h.example.com" {
			t.Errorf("secrets after PUT = %v", sec)
		}
		e.Must(400, e.Do("PUT", base+"/"+id, map[string]any{"params": []any{map[string]any{"id": "nope", "value": "x"}}}))
		chk := e.Must(200, e.Do("POST", base+"/"+id+"/actions/check", nil))
		if chk["connected"] != true || chk["is_connected"] != true {
			t.Errorf("check = %v", chk)
		}
		me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
		e.Must(204, e.Do("POST", base+"/"+id+"/actions/change-owner", map[string]any{"userId": me["id"]}))
		e.Must(400, e.Do("POST", base+"/"+id+"/actions/change-owner", map[string]any{"userId": "nobody"}))
		e.Must(204, e.Do("POST", base+"/"+id+"/actions/change-space", map[string]any{"spaceId": ""}))
		e.Must(400, e.Do("POST", base+"/"+id+"/actions/change-space", map[string]any{"spaceId": "nope"}))
		// Used by an automation: delete needs forced=true.
		a := e.Must(201, e.Do("POST", "/api/v1/automations", map[string]any{"name": "uses " + id,
			"workspace": map[string]any{"blocks": []any{map[string]any{"connectionId": id}}}}))
		e.Must(400, e.Do("DELETE", base+"/"+id, nil))
		e.Must(204, e.Do("DELETE", base+"/"+id+"?forced=true", nil))
		e.Must(404, e.Do("GET", base+"/"+id, nil))
		e.Must(404, e.Do("DELETE", base+"/"+id, nil))
		e.Must(204, e.Do("DELETE", "/api/v1/automations/"+simtest.Str(a["id"]), nil))
	}
	e.Must(400, e.Do("POST", "/api/v1/automation-connections", map[string]any{"name": "no connector"}))
	e.Must(400, e.Do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "spaceId": "nope"}))
	e.Must(400, e.Do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c",
		"params": []any{map[string]any{"name": "a"}, map[string]any{"name": "a"}}}))

	// 412 on a space holding an automation connection.
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "AC Space", "type": "shared"}))
	c := e.Must(201, e.Do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "spaceId": sp["id"]}))
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/automation-connections/"+simtest.Str(c["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
}

func TestAutomationConnectionsListAndSeed(t *testing.T) {
	e := seededConnEnv(t)
	r := e.Do("GET", "/api/v1/automation-connections?listAll=true", nil)
	l := e.Must(200, r)
	simtest.NoSecrets(t, "seeded list", r.Raw, "FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123")
	if len(simtest.List(l, "data")) != 2 {
		t.Fatalf("seeded = %s", r.Raw)
	}
	for _, d := range simtest.List(l, "data") {
		m := d.(map[string]any)
		r := e.Do("GET", "/api/v1/automation-connections/"+simtest.Str(m["id"]), nil)
		e.Must(200, r)
		simtest.NoSecrets(t, "seeded get", r.Raw, "FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123")
	}
	for i := 0; i < 3; i++ {
		e.Must(201, e.Do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "name": "p" + string(rune('a'+i))}))
	}
	f := e.Must(200, e.Do("GET", "/api/v1/automation-connections?filter="+url.QueryEscape(`name sw "p" and connectorId eq "c"`), nil))
	if len(simtest.List(f, "data")) != 3 {
		t.Errorf("filter = %v", f)
	}
	// Paging over all 5 with limit 2 and listAll.
	seen := map[string]bool{}
	l = e.Must(200, e.Do("GET", "/api/v1/automation-connections?listAll=true&limit=2&sort=-name", nil))
	for {
		for _, d := range simtest.List(l, "data") {
			seen[simtest.Str(d.(map[string]any)["id"])] = true
		}
		href := l["links"].(map[string]any)["next"].(map[string]any)["href"]
		if href == nil {
			break
		}
		l = e.Must(200, e.Do("GET", simtest.Str(href), nil))
	}
	if len(seen) != 5 {
		t.Errorf("paged %d connections, want 5", len(seen))
	}
	e.Must(400, e.Do("GET", "/api/v1/automation-connections?limit=0", nil))
	e.Must(400, e.Do("GET", "/api/v1/automation-connections?filter="+url.QueryEscape(`color eq "x"`), nil))
	if r := e.Do("GET", "/_sim/automation-connections/00000000-0000-4000-8000-000000000000/secrets", nil); r.Status != 404 {
		t.Errorf("secrets of unknown: %d", r.Status)
	}
}
