package sim

import (
	"net/url"
	"testing"
)

func TestAutomationConnectionsCRUD(t *testing.T) {
	e := seededConnEnv(t)
	fin := e.spaceID("Finance")
	for _, base := range []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"} {
		r := e.do("POST", base, map[string]any{"connectorId": "conn-x", "name": "AC1", "spaceId": fin,
			"params": []any{map[string]any{"name": "host", "value": "h.example.com"}, map[string]any{"name": "apiKey", "value": "ac-secret-1"}}})
		c := e.must(201, r)
		noSecrets(t, "create", r.raw, "ac-secret-1")
		id := str(c["id"])
		params := list(c, "params")
		if len(params) != 2 || c["isConnected"] != true || c["spaceId"] != fin {
			t.Fatalf("create = %s", r.raw)
		}
		host, key := params[0].(map[string]any), params[1].(map[string]any)
		if host["value"] != "h.example.com" || key["fieldType"] != "password" || key["value"] != nil {
			t.Errorf("params = %v", params)
		}
		r = e.do("GET", base+"/"+id, nil)
		e.must(200, r)
		noSecrets(t, "get", r.raw, "ac-secret-1")
		r = e.do("GET", base+"?listAll=true", nil)
		noSecrets(t, "list", r.raw, "ac-secret-1", "h.example.com")
		sec := e.must(200, e.do("GET", "/_sim/automation-connections/"+id+"/secrets", nil))
		if sec["params"].(map[string]any)["apiKey"] != "ac-secret-1" {
			t.Errorf("secrets = %v", sec)
		}
		// PUT by param id; other params keep their values.
		u := e.must(200, e.do("PUT", base+"/"+id, map[string]any{"name": "AC1b",
			"params": []any{map[string]any{"id": key["id"], "value": "ac-secret-2"}}}))
		if u["name"] != "AC1b" {
			t.Errorf("put = %v", u)
		}
		sec = e.must(200, e.do("GET", "/_sim/automation-connections/"+id+"/secrets", nil))
		if p := sec["params"].(map[string]any); p["apiKey"] != "ac-secret-2" || p["host"] != "h.example.com" {
			t.Errorf("secrets after PUT = %v", sec)
		}
		e.must(400, e.do("PUT", base+"/"+id, map[string]any{"params": []any{map[string]any{"id": "nope", "value": "x"}}}))
		chk := e.must(200, e.do("POST", base+"/"+id+"/actions/check", nil))
		if chk["connected"] != true || chk["is_connected"] != true {
			t.Errorf("check = %v", chk)
		}
		me := e.must(200, e.do("GET", "/api/v1/users/me", nil))
		e.must(204, e.do("POST", base+"/"+id+"/actions/change-owner", map[string]any{"userId": me["id"]}))
		e.must(400, e.do("POST", base+"/"+id+"/actions/change-owner", map[string]any{"userId": "nobody"}))
		e.must(204, e.do("POST", base+"/"+id+"/actions/change-space", map[string]any{"spaceId": ""}))
		e.must(400, e.do("POST", base+"/"+id+"/actions/change-space", map[string]any{"spaceId": "nope"}))
		// Used by an automation: delete needs forced=true.
		a := e.must(201, e.do("POST", "/api/v1/automations", map[string]any{"name": "uses " + id,
			"workspace": map[string]any{"blocks": []any{map[string]any{"connectionId": id}}}}))
		e.must(400, e.do("DELETE", base+"/"+id, nil))
		e.must(204, e.do("DELETE", base+"/"+id+"?forced=true", nil))
		e.must(404, e.do("GET", base+"/"+id, nil))
		e.must(404, e.do("DELETE", base+"/"+id, nil))
		e.must(204, e.do("DELETE", "/api/v1/automations/"+str(a["id"]), nil))
	}
	e.must(400, e.do("POST", "/api/v1/automation-connections", map[string]any{"name": "no connector"}))
	e.must(400, e.do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "spaceId": "nope"}))
	e.must(400, e.do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c",
		"params": []any{map[string]any{"name": "a"}, map[string]any{"name": "a"}}}))

	// 412 on a space holding an automation connection.
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "AC Space", "type": "shared"}))
	c := e.must(201, e.do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "spaceId": sp["id"]}))
	e.must(412, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/automation-connections/"+str(c["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
}

func TestAutomationConnectionsListAndSeed(t *testing.T) {
	e := seededConnEnv(t)
	r := e.do("GET", "/api/v1/automation-connections?listAll=true", nil)
	l := e.must(200, r)
	noSecrets(t, "seeded list", r.raw, "FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123")
	if len(list(l, "data")) != 2 {
		t.Fatalf("seeded = %s", r.raw)
	}
	for _, d := range list(l, "data") {
		m := d.(map[string]any)
		r := e.do("GET", "/api/v1/automation-connections/"+str(m["id"]), nil)
		e.must(200, r)
		noSecrets(t, "seeded get", r.raw, "FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123")
	}
	for i := 0; i < 3; i++ {
		e.must(201, e.do("POST", "/api/v1/automation-connections", map[string]any{"connectorId": "c", "name": "p" + string(rune('a'+i))}))
	}
	f := e.must(200, e.do("GET", "/api/v1/automation-connections?filter="+url.QueryEscape(`name sw "p" and connectorId eq "c"`), nil))
	if len(list(f, "data")) != 3 {
		t.Errorf("filter = %v", f)
	}
	// Paging over all 5 with limit 2 and listAll.
	seen := map[string]bool{}
	l = e.must(200, e.do("GET", "/api/v1/automation-connections?listAll=true&limit=2&sort=-name", nil))
	for {
		for _, d := range list(l, "data") {
			seen[str(d.(map[string]any)["id"])] = true
		}
		href := l["links"].(map[string]any)["next"].(map[string]any)["href"]
		if href == nil {
			break
		}
		l = e.must(200, e.do("GET", str(href), nil))
	}
	if len(seen) != 5 {
		t.Errorf("paged %d connections, want 5", len(seen))
	}
	e.must(400, e.do("GET", "/api/v1/automation-connections?limit=0", nil))
	e.must(400, e.do("GET", "/api/v1/automation-connections?filter="+url.QueryEscape(`color eq "x"`), nil))
	if r := e.do("GET", "/_sim/automation-connections/00000000-0000-4000-8000-000000000000/secrets", nil); r.status != 404 {
		t.Errorf("secrets of unknown: %d", r.status)
	}
}
