package sim

import (
	"net/url"
	"strings"
	"testing"
)

func automationByName(t *testing.T, e *env, name string) map[string]any {
	t.Helper()
	l := e.must(200, e.do("GET", "/api/v1/automations?filter="+url.QueryEscape(`name eq "`+name+`"`), nil))
	if len(list(l, "data")) != 1 {
		t.Fatalf("automation %q: %v", name, l)
	}
	return list(l, "data")[0].(map[string]any)
}

func TestAutomationsCRUD(t *testing.T) {
	e := seededConnEnv(t)
	me := e.must(200, e.do("GET", "/api/v1/users/me", nil))
	fin := e.spaceID("Finance")
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		ws := map[string]any{"blocks": []any{map[string]any{"id": "b1", "type": "StartBlock", "connectorId": "c-1"}}}
		r := e.do("POST", base, map[string]any{"name": "A1", "description": "d", "spaceId": fin, "workspace": ws,
			"schedules": []any{map[string]any{"interval": 100, "timezone": "Europe/Stockholm"}}, "maxConcurrentRuns": 2})
		a := e.must(201, r)
		id := str(a["id"])
		if !isUUID(id) || a["ownerId"] != me["id"] || a["runMode"] != "scheduled" || a["state"] != "available" ||
			len(str(a["executionToken"])) < 32 || a["spaceId"] != fin || a["maxConcurrentRuns"] != 2.0 {
			t.Fatalf("create = %s", r.raw)
		}
		sch := list(a, "schedules")[0].(map[string]any)
		if sch["interval"] != 120.0 || !isUUID(str(sch["id"])) {
			t.Errorf("schedule = %v", sch)
		}
		if c := list(a, "connectorIds"); len(c) != 1 || c[0] != "c-1" {
			t.Errorf("connectorIds = %v", a["connectorIds"])
		}
		g := e.must(200, e.do("GET", base+"/"+id, nil))
		gw := g["workspace"].(map[string]any)
		if len(list(gw, "blocks")) != 1 || g["executionToken"] != a["executionToken"] {
			t.Errorf("get = %v", g)
		}
		// The list does not carry the definition or the token.
		r = e.do("GET", base+"?limit=200", nil)
		noSecrets(t, "automation list", r.raw, str(a["executionToken"]), `"workspace"`)
		// PUT: 200 + detail; no schedules -> manual.
		u := e.must(200, e.do("PUT", base+"/"+id, map[string]any{"name": "A1b", "schedules": []any{},
			"workspace": map[string]any{"blocks": []any{}}}))
		if u["name"] != "A1b" || u["runMode"] != "manual" || u["description"] != "d" || len(list(u["workspace"].(map[string]any), "blocks")) != 0 {
			t.Errorf("put = %v", u)
		}
		e.must(400, e.do("PUT", base+"/"+id, map[string]any{"workspace": []any{1}}))
		e.must(400, e.do("PUT", base+"/"+id, map[string]any{"maxConcurrentRuns": 0}))
		// enable / disable.
		e.must(204, e.do("POST", base+"/"+id+"/actions/disable", nil))
		if g := e.must(200, e.do("GET", base+"/"+id, nil)); g["state"] != "disabled" {
			t.Errorf("state after disable = %v", g["state"])
		}
		e.must(204, e.do("POST", base+"/"+id+"/actions/enable", nil))
		// copy, change-space.
		cp := e.must(201, e.do("POST", base+"/"+id+"/actions/copy", map[string]any{"name": "A1 copy"}))
		e.must(204, e.do("POST", base+"/"+str(cp["id"])+"/actions/change-space", map[string]any{"spaceId": e.spaceID("Executive Dashboards")}))
		e.must(400, e.do("POST", base+"/"+str(cp["id"])+"/actions/change-space", map[string]any{"spaceId": "nope"}))
		if g := e.must(200, e.do("GET", base+"/"+str(cp["id"]), nil)); g["name"] != "A1 copy" || g["executionToken"] == a["executionToken"] {
			t.Errorf("copy = %v", g)
		}
		// change-owner: afterwards the admin may not read it, but still lists it.
		bob := list(e.must(200, e.do("GET", `/api/v1/users?filter=email%20eq%20%22bob.smith@example.com%22`, nil)), "data")[0].(map[string]any)
		e.must(204, e.do("POST", base+"/"+str(cp["id"])+"/actions/change-owner", map[string]any{"userId": bob["id"]}))
		e.must(400, e.do("POST", base+"/"+str(cp["id"])+"/actions/change-owner", map[string]any{"userId": "nobody"}))
		fb := e.must(403, e.do("GET", base+"/"+str(cp["id"]), nil))
		if fb["traceId"] == nil || firstError(t, fb)["code"] == nil {
			t.Errorf("403 body = %v", fb)
		}
		e.must(403, e.do("PUT", base+"/"+str(cp["id"]), map[string]any{"name": "x"}))
		e.must(204, e.do("DELETE", base+"/"+str(cp["id"]), nil)) // admins may delete
		e.must(204, e.do("DELETE", base+"/"+id, nil))
		e.must(404, e.do("GET", base+"/"+id, nil))
		e.must(404, e.do("POST", base+"/"+id+"/actions/enable", nil))
	}
	e.must(400, e.do("POST", "/api/v1/automations", map[string]any{"name": "x", "spaceId": "nope"}))
	e.must(400, e.do("POST", "/api/v1/automations", map[string]any{"name": "x", "workspace": "str"}))
	e.must(400, e.do("POST", "/api/v1/automations", map[string]any{"name": "x", "schedules": []any{map[string]any{"timezone": "UTC"}}}))
	e.must(400, e.do("POST", "/api/v1/automations", "{"))

	// 412 on a space holding an automation.
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Auto Space", "type": "shared"}))
	a := e.must(201, e.do("POST", "/api/v1/automations", map[string]any{"name": "in space", "spaceId": sp["id"]}))
	e.must(412, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/automations/"+str(a["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
}

func TestAutomationsSeedAndOwnership(t *testing.T) {
	e := seededConnEnv(t)
	digest := automationByName(t, e, "Sales Weekly Digest")
	me := e.must(200, e.do("GET", "/api/v1/users/me", nil))
	if digest["ownerId"] == me["id"] || digest["runMode"] != "scheduled" {
		t.Errorf("digest = %v", digest)
	}
	e.must(403, e.do("GET", "/api/v1/automations/"+str(digest["id"]), nil))
	legacy := automationByName(t, e, "Legacy Export (disabled)")
	if legacy["state"] != "disabled" || legacy["runMode"] != "manual" || legacy["spaceId"] != nil {
		t.Errorf("legacy = %v", legacy)
	}
	nightly := e.must(200, e.do("GET", "/api/v1/automations/"+str(automationByName(t, e, "Nightly Finance Reload")["id"]), nil))
	if len(list(nightly["workspace"].(map[string]any), "blocks")) != 3 || len(list(nightly, "connectorIds")) != 2 ||
		nightly["lastRunStatus"] != "finished" {
		t.Errorf("nightly = %v", nightly)
	}
	// filters on spaceId, ownerId, runMode; listAll=false shows only the caller's.
	l := e.must(200, e.do("GET", "/api/v1/automations?filter="+url.QueryEscape(`ownerId eq "`+str(me["id"])+`" and runMode eq "manual"`), nil))
	if len(list(l, "data")) != 1 {
		t.Errorf("owner+runMode filter = %v", l)
	}
	l = e.must(200, e.do("GET", "/api/v1/automations?filter="+url.QueryEscape(`spaceId eq "`+e.spaceID("Finance")+`"`), nil))
	if len(list(l, "data")) != 1 {
		t.Errorf("spaceId filter = %v", l)
	}
	l = e.must(200, e.do("GET", "/api/v1/automations?listAll=false", nil))
	if len(list(l, "data")) != 2 {
		t.Errorf("listAll=false = %v", l)
	}
	e.must(400, e.do("GET", "/api/v1/automations?filter="+url.QueryEscape(`state eq "x"`), nil))
	e.must(400, e.do("GET", "/api/v1/automations?limit=201", nil))
	e.must(400, e.do("GET", "/api/v1/automations?sort=color", nil))
}

func TestAutomationsPaging(t *testing.T) {
	e := newEnv(t, Options{})
	for i := 0; i < 5; i++ {
		e.must(201, e.do("POST", "/api/workflows/automations", map[string]any{"name": "auto-" + string(rune('a'+i))}))
	}
	var names []string
	l := e.must(200, e.do("GET", "/api/v1/automations?limit=2&sort=-name", nil))
	if p := l["links"].(map[string]any)["prev"].(map[string]any); p["href"] != nil {
		t.Errorf("first page prev = %v", p)
	}
	for pages := 1; ; pages++ {
		for _, d := range list(l, "data") {
			names = append(names, str(d.(map[string]any)["name"]))
		}
		next := l["links"].(map[string]any)["next"].(map[string]any)
		if next["href"] == nil {
			if pages != 3 {
				t.Errorf("pages = %d", pages)
			}
			break
		}
		u, _ := url.Parse(str(next["href"]))
		if u.Query().Get("cursor") == "" {
			t.Fatalf("next href %v", next["href"])
		}
		l = e.must(200, e.do("GET", str(next["href"]), nil))
	}
	if strings.Join(names, ",") != "auto-e,auto-d,auto-c,auto-b,auto-a" {
		t.Errorf("names = %v", names)
	}
	e.must(400, e.do("GET", "/api/v1/automations?cursor=bogus", nil))
}
