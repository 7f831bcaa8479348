package tasks_test

import (
	"encoding/json"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/services/tasks"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// appID finds a seeded app by name through the items list.
func appID(t *testing.T, e *simtest.Env, name string) string {
	t.Helper()
	for _, it := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/items?resourceType=app&limit=100", nil)), "data") {
		m := it.(map[string]any)
		if m["name"] == name {
			return simtest.Str(m["resourceId"])
		}
	}
	t.Fatalf("no app %q", name)
	return ""
}

func reloadBody(name, appID, cron string) map[string]any {
	var states any
	_ = json.Unmarshal(tasks.ReloadStates(appID, false), &states)
	return map[string]any{"name": name, "specVersion": "0.8", "version": "1.0.0", "enabled": true,
		"start": map[string]any{"schedule": map[string]any{"cron": cron, "timezone": "UTC"}}, "states": states,
		"resourceId": "ignored", "metadata": map[string]any{"ownerId": "ignored"}}
}

func TestSeededTasks(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", "/api/v1/tasks", nil)), "data")
	if len(l) != 1 {
		t.Fatalf("tasks = %v", l)
	}
	task := l[0].(map[string]any)
	pnl := appID(t, e, "Profit and Loss")
	if task["name"] != "nightly-reload" || task["resourceId"] != pnl || task["enabled"] != true {
		t.Errorf("task = %v", task)
	}
	sched := task["start"].(map[string]any)["schedule"].(map[string]any)
	if sched["cron"] != "0 2 * * 1-5" || sched["timezone"] != "Europe/London" {
		t.Errorf("schedule = %v", sched)
	}
	rl := simtest.List(e.Must(200, e.Do("GET", "/api/v1/reload-tasks", nil)), "data")
	if len(rl) != 1 {
		t.Fatalf("reload tasks = %v", rl)
	}
	rt := rl[0].(map[string]any)
	if rt["appId"] != appID(t, e, "Pipeline Review") || rt["state"] != "Enabled" || rt["timeZone"] != "America/New_York" {
		t.Errorf("reload task = %v", rt)
	}
}

func TestTaskCreateGetPutDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	c := e.Must(201, e.Do("POST", "/api/v1/tasks", reloadBody("cash-weekly", cash, "0 6 * * 1")))
	id := simtest.Str(c["id"])
	if c["resourceId"] != cash || c["metadata"].(map[string]any)["ownerId"] == "ignored" {
		t.Errorf("created = %v", c)
	}
	g := e.Must(200, e.Do("GET", "/api/v1/tasks/"+id, nil))
	if g["name"] != "cash-weekly" {
		t.Errorf("get = %v", g)
	}
	byApp := simtest.List(e.Must(200, e.Do("GET", "/api/v1/tasks?resourceId="+cash, nil)), "data")
	if len(byApp) != 1 {
		t.Errorf("resourceId filter = %v", byApp)
	}
	b := reloadBody("cash-weekly", cash, "0 7 * * 1")
	b["enabled"] = false
	u := e.Must(200, e.Do("PUT", "/api/v1/tasks/"+id, b))
	if u["enabled"] != false || u["start"].(map[string]any)["schedule"].(map[string]any)["cron"] != "0 7 * * 1" {
		t.Errorf("put = %v", u)
	}
	for _, bad := range []map[string]any{reloadBody("Not Kebab", cash, "0 1 * * *"), reloadBody("x", "no-such-app", "0 1 * * *")} {
		if r := e.Do("POST", "/api/v1/tasks", bad); r.Status != 400 {
			t.Errorf("bad create = %d %s", r.Status, r.Raw)
		}
	}
	if r := e.Do("DELETE", "/api/v1/tasks/"+id, nil); r.Status != 204 {
		t.Errorf("delete = %d", r.Status)
	}
	if r := e.Do("GET", "/api/v1/tasks/"+id, nil); r.Status != 404 {
		t.Errorf("get deleted = %d", r.Status)
	}
}

func TestReloadTaskCreatePutDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	body := map[string]any{"appId": cash, "timeZone": "UTC", "recurrence": []string{"RRULE:FREQ=DAILY;BYHOUR=5"}, "startDateTime": "2026-02-01T05:00:00"}
	c := e.Must(201, e.Do("POST", "/api/v1/reload-tasks", body))
	id := simtest.Str(c["id"])
	if c["state"] != "Enabled" || c["spaceId"] != e.SpaceID("Finance") {
		t.Errorf("created = %v", c)
	}
	e.Must(200, e.Do("GET", "/api/v1/reload-tasks/"+id, nil))
	body["state"] = "Disabled"
	if u := e.Must(200, e.Do("PUT", "/api/v1/reload-tasks/"+id, body)); u["state"] != "Disabled" || u["disabledCode"] != "MANUALLY" {
		t.Errorf("put = %v", u)
	}
	for _, bad := range []map[string]any{{"appId": cash}, {"appId": cash, "timeZone": "UTC", "recurrence": []string{"DTSTART:2026"}}} {
		if r := e.Do("POST", "/api/v1/reload-tasks", bad); r.Status != 400 {
			t.Errorf("bad create = %d %s", r.Status, r.Raw)
		}
	}
	if r := e.Do("POST", "/api/v1/reload-tasks", map[string]any{"appId": "nope", "timeZone": "UTC"}); r.Status != 404 {
		t.Errorf("unknown app = %d", r.Status)
	}
	if r := e.Do("DELETE", "/api/v1/reload-tasks/"+id, nil); r.Status != 204 {
		t.Errorf("delete = %d", r.Status)
	}
}

// A deleted app takes its schedules with it.
func TestTasksGoWithTheirApp(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	pnl := appID(t, e, "Profit and Loss")
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+pnl, nil))
	if l := simtest.List(e.Must(200, e.Do("GET", "/api/v1/tasks", nil)), "data"); len(l) != 0 {
		t.Errorf("tasks after the app's delete = %v", l)
	}
}
