package sharingtasks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/sharing-tasks"

func appID(t *testing.T, e *simtest.Env, name string) string {
	t.Helper()
	for _, it := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/items?resourceType=app&limit=100", nil)), "data") {
		if m := it.(map[string]any); m["name"] == name {
			return simtest.Str(m["resourceId"])
		}
	}
	t.Fatalf("no app %q", name)
	return ""
}

func idOf(t *testing.T, e *simtest.Env, path, key, name string) string {
	t.Helper()
	for _, it := range simtest.List(e.Must(200, e.Do("GET", path, nil)), key) {
		if m := it.(map[string]any); m["name"] == name {
			return simtest.Str(m["id"])
		}
	}
	t.Fatalf("no %s named %q", path, name)
	return ""
}

func TestSeededSubscription(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := e.Must(200, e.Do("GET", base, nil))
	tasks := simtest.List(l, "sharingTasks")
	if len(tasks) != 1 || l["totalCount"] != float64(1) || l["currentPageCount"] != float64(1) {
		t.Fatalf("list = %v", l)
	}
	st := tasks[0].(map[string]any)
	if st["name"] != "Monthly P&L to the board" || st["type"] != "template-sharing" || st["appId"] != appID(t, e, "Profit and Loss") || st["statusCode"] != "VALID" {
		t.Errorf("task = %v", st)
	}
	tpl := st["templates"].([]any)[0].(map[string]any)
	if tpl["templateId"] != idOf(t, e, "/api/v1/report-templates", "data", "Monthly P&L pack") || tpl["type"] != "excel" {
		t.Errorf("template = %v", tpl)
	}
	rec := st["recipients"].(map[string]any)
	users, groups := rec["userIds"].([]any), rec["groupIds"].([]any)
	if len(users) != 1 || len(groups) != 1 || groups[0].(map[string]any)["value"] != idOf(t, e, "/api/v1/groups?limit=100", "data", "Finance Analysts") {
		t.Errorf("recipients = %v", rec)
	}
	for _, k := range []string{"encryptedState", "encryptedTemplates", "encryptedEmailContent"} {
		if st[k] == nil {
			t.Errorf("no %s", k)
		}
	}
}

func TestCreateGetPatchDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	bob := idOf(t, e, "/api/v1/users?limit=100", "data", "Bob Smith")
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "Cash weekly", "type": "sheet-sharing", "appId": cash,
		"state": map[string]any{"selections": []any{}}, "templates": []any{map[string]any{"type": "sheet", "sheetData": map[string]any{"appId": cash, "sheetId": "s1"}}},
		"recipients":      map[string]any{"userIds": []any{map[string]any{"value": bob}}, "emailAddresses": []string{"cfo@example.com"}},
		"scheduleOptions": map[string]any{"recurrence": []string{"RRULE:FREQ=WEEKLY"}, "timezone": "UTC"}}))
	id := simtest.Str(c["id"])
	if c["spaceId"] != e.SpaceID("Finance") || c["enabled"] != true {
		t.Errorf("created = %v", c)
	}
	ana := idOf(t, e, "/api/v1/groups?limit=100", "data", "Finance Analysts")
	e.Must(204, e.Do("PATCH", base+"/"+id, []any{
		map[string]any{"op": "replace", "path": "/name", "value": "Cash weekly 2"},
		map[string]any{"op": "replace", "path": "/enabled", "value": false},
		map[string]any{"op": "replace", "path": "/recipients", "value": map[string]any{"groupIds": []any{map[string]any{"value": ana}}}}}))
	g := e.Must(200, e.Do("GET", base+"/"+id, nil))
	rec := g["recipients"].(map[string]any)
	if g["name"] != "Cash weekly 2" || g["enabled"] != false || len(rec["userIds"].([]any)) != 0 || len(rec["groupIds"].([]any)) != 1 {
		t.Errorf("patched = %v", g)
	}
	// Only the spec's paths and ops; no PUT.
	e.Must(400, e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "replace", "path": "/appId", "value": "x"}}))
	e.Must(400, e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "add", "path": "/name", "value": "x"}}))
	if r := e.Do("PUT", base+"/"+id, map[string]any{"name": "x"}); r.Status != 405 {
		t.Errorf("PUT = %d", r.Status)
	}
	e.Must(204, e.Do("DELETE", base+"/"+id, nil))
	simtest.FirstError(t, e.Must(404, e.Do("GET", base+"/"+id, nil)))
}

func TestCreateRefusesBadReferences(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	good := func() map[string]any {
		return map[string]any{"name": "x", "type": "template-sharing", "appId": cash, "state": map[string]any{},
			"templates": []any{map[string]any{"type": "excel"}}}
	}
	for detail, bad := range map[string]func(m map[string]any){
		`app "nope" not found`:  func(m map[string]any) { m["appId"] = "nope" },
		`type "weekly"`:         func(m map[string]any) { m["type"] = "weekly" },
		"templates is required": func(m map[string]any) { delete(m, "templates") },
		"state is required":     func(m map[string]any) { delete(m, "state") },
		`report template "nope"`: func(m map[string]any) {
			m["templates"] = []any{map[string]any{"type": "excel", "templateId": "nope"}}
		},
		`user "nope"`: func(m map[string]any) {
			m["recipients"] = map[string]any{"userIds": []any{map[string]any{"value": "nope"}}}
		},
	} {
		m := good()
		bad(m)
		r := e.Do("POST", base, m)
		if r.Status != 400 || !strings.Contains(string(r.Raw), strings.ReplaceAll(detail, `"`, `\"`)) {
			t.Errorf("%s: %d %s", detail, r.Status, r.Raw)
		}
	}
}

func TestListPagesByOffset(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	for i := range 4 {
		e.Must(201, e.Do("POST", base, map[string]any{"name": fmt.Sprintf("t%d", i), "type": "chart-sharing", "appId": cash,
			"state": map[string]any{}, "templates": []any{map[string]any{"type": "chart"}}}))
	}
	var names []string
	path := base + "?limit=2&sort=name"
	for range 5 {
		l := e.Must(200, e.Do("GET", path, nil))
		if l["totalCount"] != float64(5) {
			t.Fatalf("totalCount = %v", l["totalCount"])
		}
		for _, it := range simtest.List(l, "sharingTasks") {
			names = append(names, simtest.Str(it.(map[string]any)["name"]))
		}
		next, _ := l["links"].(map[string]any)["next"].(map[string]any)
		if next == nil {
			break
		}
		path = strings.TrimPrefix(simtest.Str(next["href"]), e.Ts.URL)
	}
	if strings.Join(names, ",") != "Monthly P&L to the board,t0,t1,t2,t3" {
		t.Errorf("paged = %v", names)
	}
	if n := len(simtest.List(e.Must(200, e.Do("GET", base+"?appid="+cash, nil)), "sharingTasks")); n != 4 {
		t.Errorf("appid filter = %d tasks", n)
	}
}

// A task outlives its app, as in Qlik: it says APP_NOT_FOUND.
func TestTaskOfDeletedApp(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+appID(t, e, "Profit and Loss"), nil))
	st := simtest.List(e.Must(200, e.Do("GET", base, nil)), "sharingTasks")[0].(map[string]any)
	if st["statusCode"] != "APP_NOT_FOUND" {
		t.Errorf("status = %v", st["statusCode"])
	}
}
