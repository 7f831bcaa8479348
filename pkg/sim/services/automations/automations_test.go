package automations_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// automationByName finds one automation by its name.
func automationByName(t *testing.T, e *simtest.Env, name string) map[string]any {
	t.Helper()
	l := e.Must(200, e.Do("GET", "/api/v1/automations?filter="+url.QueryEscape(`name eq "`+name+`"`), nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Fatalf("automation %q: %v", name, l)
	}
	return simtest.List(l, "data")[0].(map[string]any)
}

func TestAutomationsCRUD(t *testing.T) {
	e := seededConnEnv(t)
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	fin := e.SpaceID("Finance")
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		ws := map[string]any{"blocks": []any{map[string]any{"id": "b1", "type": "StartBlock", "connectorId": "c-1"}}}
		r := e.Do("POST", base, map[string]any{"name": "A1", "description": "d", "spaceId": fin, "workspace": ws,
			"schedules": []any{map[string]any{"interval": 100, "timezone": "Europe/Stockholm"}}, "maxConcurrentRuns": 2})
		a := e.Must(201, r)
		id := simtest.Str(a["id"])
		if !core.IsUUID(id) || a["ownerId"] != me["id"] || a["runMode"] != "scheduled" || a["state"] != "available" ||
			len(simtest.Str(a["executionToken"])) < 32 || a["spaceId"] != fin || a["maxConcurrentRuns"] != 2.0 {
			t.Fatalf("create = %s", r.Raw)
		}
		sch := simtest.List(a, "schedules")[0].(map[string]any)
		if sch["interval"] != 120.0 || !core.IsUUID(simtest.Str(sch["id"])) {
			t.Errorf("schedule = %v", sch)
		}
		if c := simtest.List(a, "connectorIds"); len(c) != 1 || c[0] != "c-1" {
			t.Errorf("connectorIds = %v", a["connectorIds"])
		}
		g := e.Must(200, e.Do("GET", base+"/"+id, nil))
		gw := g["workspace"].(map[string]any)
		if len(simtest.List(gw, "blocks")) != 1 || g["executionToken"] != a["executionToken"] {
			t.Errorf("get = %v", g)
		}
		// The list does not carry the definition or the token.
		r = e.Do("GET", base+"?limit=200", nil)
		simtest.NoSecrets(t, "automation list", r.Raw, simtest.Str(a["executionToken"]), `"workspace"`)
		// PUT: 200 + detail; no schedules -> manual.
		u := e.Must(200, e.Do("PUT", base+"/"+id, map[string]any{"name": "A1b", "schedules": []any{},
			"workspace": map[string]any{"blocks": []any{}}}))
		if u["name"] != "A1b" || u["runMode"] != "manual" || u["description"] != "d" || len(simtest.List(u["workspace"].(map[string]any), "blocks")) != 0 {
			t.Errorf("put = %v", u)
		}
		e.Must(400, e.Do("PUT", base+"/"+id, map[string]any{"workspace": []any{1}}))
		e.Must(400, e.Do("PUT", base+"/"+id, map[string]any{"maxConcurrentRuns": 0}))
		// enable / disable.
		e.Must(204, e.Do("POST", base+"/"+id+"/actions/disable", nil))
		if g := e.Must(200, e.Do("GET", base+"/"+id, nil)); g["state"] != "disabled" {
			t.Errorf("state after disable = %v", g["state"])
		}
		e.Must(204, e.Do("POST", base+"/"+id+"/actions/enable", nil))
		// copy, change-space.
		cp := e.Must(201, e.Do("POST", base+"/"+id+"/actions/copy", map[string]any{"name": "A1 copy"}))
		e.Must(204, e.Do("POST", base+"/"+simtest.Str(cp["id"])+"/actions/change-space", map[string]any{"spaceId": e.SpaceID("Executive Dashboards")}))
		e.Must(400, e.Do("POST", base+"/"+simtest.Str(cp["id"])+"/actions/change-space", map[string]any{"spaceId": "nope"}))
		if g := e.Must(200, e.Do("GET", base+"/"+simtest.Str(cp["id"]), nil)); g["name"] != "A1 copy" || g["executionToken"] == a["executionToken"] {
			t.Errorf("copy = %v", g)
		}
		// change-owner: afterwards the admin may not read it, but still lists it.
		bob := simtest.List(e.Must(200, e.Do("GET", `/api/v1/users?filter=email%20eq%20%22bob.smith@example.com%22`, nil)), "data")[0].(map[string]any)
		e.Must(204, e.Do("POST", base+"/"+simtest.Str(cp["id"])+"/actions/change-owner", map[string]any{"userId": bob["id"]}))
		e.Must(400, e.Do("POST", base+"/"+simtest.Str(cp["id"])+"/actions/change-owner", map[string]any{"userId": "nobody"}))
		fb := e.Must(403, e.Do("GET", base+"/"+simtest.Str(cp["id"]), nil))
		if fb["traceId"] == nil || simtest.FirstError(t, fb)["code"] == nil {
			t.Errorf("403 body = %v", fb)
		}
		e.Must(403, e.Do("PUT", base+"/"+simtest.Str(cp["id"]), map[string]any{"name": "x"}))
		e.Must(204, e.Do("DELETE", base+"/"+simtest.Str(cp["id"]), nil)) // admins may delete
		e.Must(204, e.Do("DELETE", base+"/"+id, nil))
		e.Must(404, e.Do("GET", base+"/"+id, nil))
		e.Must(404, e.Do("POST", base+"/"+id+"/actions/enable", nil))
	}
	e.Must(400, e.Do("POST", "/api/v1/automations", map[string]any{"name": "x", "spaceId": "nope"}))
	e.Must(400, e.Do("POST", "/api/v1/automations", map[string]any{"name": "x", "workspace": "str"}))
	e.Must(400, e.Do("POST", "/api/v1/automations", map[string]any{"name": "x", "schedules": []any{map[string]any{"timezone": "UTC"}}}))
	e.Must(400, e.Do("POST", "/api/v1/automations", "{"))

	// 412 on a space holding an automation.
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Auto Space", "type": "shared"}))
	a := e.Must(201, e.Do("POST", "/api/v1/automations", map[string]any{"name": "in space", "spaceId": sp["id"]}))
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/automations/"+simtest.Str(a["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
}

func TestAutomationsSeedAndOwnership(t *testing.T) {
	e := seededConnEnv(t)
	digest := automationByName(t, e, "Sales Weekly Digest")
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	if digest["ownerId"] == me["id"] || digest["runMode"] != "scheduled" {
		t.Errorf("digest = %v", digest)
	}
	e.Must(403, e.Do("GET", "/api/v1/automations/"+simtest.Str(digest["id"]), nil))
	legacy := automationByName(t, e, "Legacy Export (disabled)")
	if legacy["state"] != "disabled" || legacy["runMode"] != "manual" || legacy["spaceId"] != nil {
		t.Errorf("legacy = %v", legacy)
	}
	nightly := e.Must(200, e.Do("GET", "/api/v1/automations/"+simtest.Str(automationByName(t, e, "Nightly Finance Reload")["id"]), nil))
	if len(simtest.List(nightly["workspace"].(map[string]any), "blocks")) != 3 || len(simtest.List(nightly, "connectorIds")) != 2 ||
		nightly["lastRunStatus"] != "finished" {
		t.Errorf("nightly = %v", nightly)
	}
	// filters on spaceId, ownerId, runMode; listAll=false shows only the caller's.
	l := e.Must(200, e.Do("GET", "/api/v1/automations?filter="+url.QueryEscape(`ownerId eq "`+simtest.Str(me["id"])+`" and runMode eq "manual"`), nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Errorf("owner+runMode filter = %v", l)
	}
	l = e.Must(200, e.Do("GET", "/api/v1/automations?filter="+url.QueryEscape(`spaceId eq "`+e.SpaceID("Finance")+`"`), nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Errorf("spaceId filter = %v", l)
	}
	l = e.Must(200, e.Do("GET", "/api/v1/automations?listAll=false", nil))
	if len(simtest.List(l, "data")) != 2 {
		t.Errorf("listAll=false = %v", l)
	}
	e.Must(400, e.Do("GET", "/api/v1/automations?filter="+url.QueryEscape(`state eq "x"`), nil))
	e.Must(400, e.Do("GET", "/api/v1/automations?limit=201", nil))
	e.Must(400, e.Do("GET", "/api/v1/automations?sort=color", nil))
}

func TestAutomationsPaging(t *testing.T) {
	e := newEnv(t, core.Options{})
	for i := 0; i < 5; i++ {
		e.Must(201, e.Do("POST", "/api/workflows/automations", map[string]any{"name": "auto-" + string(rune('a'+i))}))
	}
	var names []string
	l := e.Must(200, e.Do("GET", "/api/v1/automations?limit=2&sort=-name", nil))
	if p := l["links"].(map[string]any)["prev"].(map[string]any); p["href"] != nil {
		t.Errorf("first page prev = %v", p)
	}
	for pages := 1; ; pages++ {
		for _, d := range simtest.List(l, "data") {
			names = append(names, simtest.Str(d.(map[string]any)["name"]))
		}
		next := l["links"].(map[string]any)["next"].(map[string]any)
		if next["href"] == nil {
			if pages != 3 {
				t.Errorf("pages = %d", pages)
			}
			break
		}
		u, _ := url.Parse(simtest.Str(next["href"]))
		if u.Query().Get("cursor") == "" {
			t.Fatalf("next href %v", next["href"])
		}
		l = e.Must(200, e.Do("GET", simtest.Str(next["href"]), nil))
	}
	if strings.Join(names, ",") != "auto-e,auto-d,auto-c,auto-b,auto-a" {
		t.Errorf("names = %v", names)
	}
	e.Must(400, e.Do("GET", "/api/v1/automations?cursor=bogus", nil))
}
