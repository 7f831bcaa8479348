package audits_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const carolKey = "carol-key"

func patchDescription(e *simtest.Env, auth, spaceID, text string) simtest.Resp {
	ops := []map[string]any{{"op": "replace", "path": "/description", "value": text}}
	return e.DoWith("PATCH", "/api/v1/spaces/"+spaceID, ops, "application/json", auth)
}

func events(t *testing.T, e *simtest.Env, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, v := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/audits?"+query, nil)), "data") {
		out = append(out, v.(map[string]any))
	}
	return out
}

// A write with a user's key is recorded as that user's, in Qlik's shape;
// the admin key stays the admin's; a refused write records nothing.
func TestEventPerWriteNamesTheCaller(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{APIKey: "admin-key", Now: clock.Now,
		UserKeys: []core.UserKey{{Email: "carol.white@example.com", Key: carolKey}}})
	finance := e.SpaceID("Finance")
	e.Must(200, patchDescription(e, "Bearer "+carolKey, finance, "by carol"))
	clock.Add(time.Second)
	e.Must(200, patchDescription(e, "Bearer admin-key", finance, "by admin"))
	clock.Add(time.Second)
	created := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Audited", "type": "shared"}))
	e.Must(409, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Audited", "type": "shared"}))

	me := e.Must(200, e.DoWith("GET", "/api/v1/users/me", nil, "", "Bearer "+carolKey))
	if me["email"] != "carol.white@example.com" {
		t.Fatalf("carol's key acts as %v", me["email"])
	}
	admin := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))

	got := events(t, e, "limit=100")
	if len(got) != 3 {
		t.Fatalf("%d events, want 3: %v", len(got), got)
	}
	// newest first
	if got[0]["eventType"] != "com.qlik.v1.space.created" || got[0]["data"].(map[string]any)["id"] != created["id"] {
		t.Errorf("create event = %v", got[0])
	}
	if got[1]["userId"] != admin["id"] || got[2]["userId"] != me["id"] {
		t.Errorf("users: %v then %v, want admin %v then carol %v", got[1]["userId"], got[2]["userId"], admin["id"], me["id"])
	}
	ev := got[2]
	if ev["eventType"] != "com.qlik.v1.space.updated" || ev["source"] != "com.qlik/spaces" ||
		ev["tenantId"] != me["tenantId"] || ev["data"].(map[string]any)["id"] != finance || ev["contentType"] != "application/json" {
		t.Errorf("carol's event = %v", ev)
	}
	one := e.Must(200, e.Do("GET", "/api/v1/audits/"+simtest.Str(ev["id"]), nil))
	if one["eventTime"] != ev["eventTime"] {
		t.Errorf("get = %v", one)
	}
	if got := events(t, e, "userId="+url.QueryEscape(simtest.Str(me["id"]))); len(got) != 1 {
		t.Errorf("userId filter: %d events", len(got))
	}
	types := e.Must(200, e.Do("GET", "/api/v1/audits/types", nil))
	if fmt.Sprint(types["data"]) != "[com.qlik.v1.space.created com.qlik.v1.space.updated]" {
		t.Errorf("types = %v", types["data"])
	}
	e.Must(200, e.Do("GET", "/api/v1/audits/sources", nil))
	settings := e.Must(200, e.Do("GET", "/api/v1/audits/settings", nil))
	if settings["data"].(map[string]any)["EventTTL"] != float64(90*24*3600) {
		t.Errorf("settings = %v", settings)
	}
}

// A sub-resource names its top-level resource; the eventTime range and
// sort select, and pages follow links.next.
func TestSubResourceRangeSortAndPaging(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{APIKey: "admin-key", Now: clock.Now})
	finance := e.SpaceID("Finance")
	start := clock.Now()
	for i := range 5 {
		clock.Add(time.Minute)
		e.Must(200, patchDescription(e, "Bearer admin-key", finance, fmt.Sprint("v", i)))
	}
	users := simtest.List(e.Must(200, e.Do("GET", "/api/v1/users?limit=100", nil)), "data")
	var carolID string
	for _, u := range users {
		if u.(map[string]any)["email"] == "carol.white@example.com" {
			carolID = simtest.Str(u.(map[string]any)["id"])
		}
	}
	clock.Add(time.Minute)
	a := e.Must(201, e.Do("POST", "/api/v1/spaces/"+finance+"/assignments", map[string]any{"type": "user", "assigneeId": carolID, "roles": []string{"consumer"}}))
	all := events(t, e, "limit=100&sort=%2BeventTime")
	last := all[len(all)-1]
	if last["eventType"] != "com.qlik.v1.space.assignment.created" ||
		last["extensions"].(map[string]any)["topLevelResourceId"] != finance || last["data"].(map[string]any)["id"] != a["id"] {
		t.Errorf("assignment event = %v", last)
	}
	if all[0]["data"].(map[string]any)["id"] != finance || simtest.Str(all[0]["eventTime"]) > simtest.Str(all[1]["eventTime"]) {
		t.Errorf("+eventTime is not oldest first: %v", all[:2])
	}
	window := core.FmtTime(start.Add(90*time.Second)) + "/" + core.FmtTime(start.Add(210*time.Second))
	if got := events(t, e, "eventTime="+url.QueryEscape(window)); len(got) != 2 {
		t.Errorf("eventTime %s: %d events, want 2", window, len(got))
	}
	e.Must(400, e.Do("GET", "/api/v1/audits?eventTime=yesterday", nil))
	page := e.Must(200, e.Do("GET", "/api/v1/audits?limit=4", nil))
	seen := len(simtest.List(page, "data"))
	for range 10 {
		links, _ := page["links"].(map[string]any)
		next, _ := links["next"].(map[string]any)
		if next == nil {
			break
		}
		u, err := url.Parse(simtest.Str(next["href"]))
		if err != nil {
			t.Fatal(err)
		}
		page = e.Must(200, e.Do("GET", u.RequestURI(), nil))
		seen += len(simtest.List(page, "data"))
	}
	if seen != 6 {
		t.Errorf("paged through %d events, want 6", seen)
	}
}

// Events past the retention are gone, whether the clock moved or the
// /_sim/ control aged them.
func TestRetention(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{APIKey: "admin-key", Now: clock.Now})
	finance := e.SpaceID("Finance")
	e.Must(200, patchDescription(e, "Bearer admin-key", finance, "old"))
	id := simtest.Str(events(t, e, "")[0]["id"])
	clock.Add(89 * 24 * time.Hour)
	if len(events(t, e, "")) != 1 {
		t.Fatal("an 89-day-old event is gone")
	}
	clock.Add(2 * 24 * time.Hour)
	if len(events(t, e, "")) != 0 {
		t.Error("a 91-day-old event is still listed")
	}
	e.Must(404, e.Do("GET", "/api/v1/audits/"+id, nil))

	e.Must(200, patchDescription(e, "Bearer admin-key", finance, "new"))
	e.Must(400, e.Do("POST", "/_sim/audits/age?by=soon", nil))
	e.Must(204, e.Do("POST", "/_sim/audits/age?by=91d", nil))
	if got := events(t, e, ""); len(got) != 0 {
		t.Errorf("aged by 91 days, still listed: %v", got)
	}
}

// A key for a user the tenant lacks is refused at start; a user deleted
// since is refused like a bad key.
func TestUserKeysNeedTheirUser(t *testing.T) {
	s := sim.New(sim.Options{APIKey: "admin-key", UserKeys: []core.UserKey{{Email: "nobody@example.com", Key: "k"}}})
	if err := s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckUserKeys(); err == nil {
		t.Error("a key for a user not in the seed was accepted")
	}
	e := seededEnv(t, sim.Options{APIKey: "admin-key", UserKeys: []core.UserKey{{Email: "dave.brown@example.com", Key: "dave-key"}}})
	me := e.Must(200, e.DoWith("GET", "/api/v1/users/me", nil, "", "Bearer dave-key"))
	e.Must(204, e.Do("DELETE", "/api/v1/users/"+simtest.Str(me["id"]), nil))
	e.Must(401, e.DoWith("GET", "/api/v1/users/me", nil, "", "Bearer dave-key"))
}
