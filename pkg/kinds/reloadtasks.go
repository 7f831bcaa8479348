package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// ReloadTasks handles apps' reload schedules. Qlik keeps them in two
// places: the tasks API (/api/v1/tasks: a named task whose state runs
// app.reload, scheduled by a cron expression or an ISO 8601 interval) and
// the deprecated reload-tasks API (/api/v1/reload-tasks: unnamed, RFC 5545
// RRULE lines), which tenants still have for older schedules. Both read
// into one document, reload-tasks/<space>/<app>/<task>: metadata.space is
// the app's space and metadata.name "<app name>/<task name>" (an old
// reload task has no name and is called scheduled-reload), so identity is
// the app plus the task's name; duplicates become "(2)", ... as elsewhere.
//
// A schedule of RRULE lines alone is written through the reload-tasks API
// (the tasks API's schema needs a cron or an interval), any other through
// the tasks API; a schedule that moves between them is recreated. Tasks of
// apps in personal spaces are left out with their apps. The owner is not
// kept: Qlik gives a task to whoever writes it last.
var ReloadTasks = reloadTasksKind{Desc{
	KindName: "ReloadTask", FolderName: "reload-tasks",
	ListPath: "/api/v1/tasks", Query: limit100(),
	// A task lives in its app's space: metadata.spaceId in the tasks API,
	// spaceId in the reload-tasks API.
	SpaceField: "spaceId",
	WritePaths: []string{legacyTasksPath},
	DependsOn:  []string{"Space", "App"},
	Coverage: Coverage{
		Exported: "an app's reload schedule, `reload-tasks/<space>/<app>/<task>.yaml`: the app (by space and name), the task's name, description, enabled, partial, and the schedule (cron expression or ISO 8601 interval from the tasks API `/api/v1/tasks`; RFC 5545 RRULE lines from the deprecated `/api/v1/reload-tasks`, whose schedules have no name and are called `scheduled-reload`), time zone, start and end",
		Restored: "created, updated (PUT) and pruned through the API its schedule needs (RRULE lines alone: reload-tasks; otherwise tasks); the app is found by space and name when the task is written, so the task of an app imported under a new id points at the new app",
		Reentry:  "-",
		LeftOut:  "the owner (Qlik gives a task to whoever writes it); tasks of apps in personal spaces; reload tasks already migrated to the tasks API (read there); run history, last and next run times",
	},
}}

type reloadTasksKind struct{ Desc }

const (
	legacyTasksPath = "/api/v1/reload-tasks"
	// legacyTaskName names the schedules of the reload-tasks API, which
	// have no name of their own.
	legacyTaskName = "scheduled-reload"
)

type reloadTaskSpec struct {
	Description string       `json:"description,omitempty"`
	Enabled     bool         `json:"enabled"`
	Partial     bool         `json:"partial,omitempty"`
	Schedule    taskSchedule `json:"schedule"`
}

// taskSchedule is when the app reloads: a cron expression, an ISO 8601
// interval or RRULE lines, in a time zone, between two times.
type taskSchedule struct {
	Cron          string   `json:"cron,omitempty"`
	Interval      string   `json:"interval,omitempty"`
	Recurrence    []string `json:"recurrence,omitempty"`
	TimeZone      string   `json:"timeZone,omitempty"`
	StartDateTime string   `json:"startDateTime,omitempty"`
	EndDateTime   string   `json:"endDateTime,omitempty"`
}

// legacy is whether the schedule can only be written through the
// reload-tasks API.
func (s taskSchedule) legacy() bool { return len(s.Recurrence) > 0 && s.Cron == "" && s.Interval == "" }

// apiTask is a task of /api/v1/tasks as far as a reload schedule goes.
type apiTask struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Enabled     bool   `json:"enabled"`
	Start       *struct {
		Schedule json.RawMessage `json:"schedule"`
	} `json:"start"`
	States []struct {
		OnEvents []struct {
			Actions []struct {
				FunctionRef json.RawMessage `json:"functionRef"`
			} `json:"actions"`
		} `json:"onEvents"`
	} `json:"states"`
}

// apiReloadTask is a task of the deprecated reload-tasks API.
type apiReloadTask struct {
	ID            string   `json:"id"`
	AppID         string   `json:"appId"`
	Partial       bool     `json:"partial"`
	TimeZone      string   `json:"timeZone"`
	Recurrence    []string `json:"recurrence"`
	StartDateTime string   `json:"startDateTime"`
	EndDateTime   string   `json:"endDateTime"`
	State         string   `json:"state"`
	Migrated      bool     `json:"migrated"`
}

// reload is the app a task reloads: the first app.reload action.
func (a apiTask) reload() (appID string, partial, ok bool) {
	for _, s := range a.States {
		for _, on := range s.OnEvents {
			for _, act := range on.Actions {
				var ref struct {
					RefName   string `json:"refName"`
					Arguments struct {
						AppID   string `json:"appId"`
						Partial bool   `json:"partial"`
					} `json:"arguments"`
				}
				if json.Unmarshal(act.FunctionRef, &ref) == nil && ref.RefName == "app.reload" {
					return ref.Arguments.AppID, ref.Arguments.Partial, true
				}
			}
		}
	}
	return "", false, false
}

func (a apiTask) schedule() (taskSchedule, error) {
	var out taskSchedule
	if a.Start == nil || len(a.Start.Schedule) == 0 {
		return out, nil
	}
	var iso string
	if json.Unmarshal(a.Start.Schedule, &iso) == nil {
		return taskSchedule{Interval: iso}, nil
	}
	var s struct {
		Cron          json.RawMessage `json:"cron"`
		Interval      string          `json:"interval"`
		Recurrence    string          `json:"recurrence"`
		Timezone      string          `json:"timezone"`
		StartDateTime string          `json:"startDateTime"`
		EndDateTime   string          `json:"endDateTime"`
	}
	if err := json.Unmarshal(a.Start.Schedule, &s); err != nil {
		return out, fmt.Errorf("task %q: unexpected schedule: %w", a.Name, err)
	}
	out = taskSchedule{Interval: s.Interval, TimeZone: s.Timezone, StartDateTime: s.StartDateTime, EndDateTime: s.EndDateTime}
	if s.Recurrence != "" {
		out.Recurrence = strings.Split(s.Recurrence, "\n")
	}
	if len(s.Cron) > 0 && json.Unmarshal(s.Cron, &out.Cron) != nil {
		var c struct {
			Expression string `json:"expression"`
		}
		if err := json.Unmarshal(s.Cron, &c); err != nil {
			return out, fmt.Errorf("task %q: unexpected cron: %w", a.Name, err)
		}
		out.Cron = c.Expression
	}
	return out, nil
}

// Refs: the app, by its space and name.
func (reloadTasksKind) Refs(d resource.Document) []resource.Ref {
	app, _ := splitTaskName(d.Metadata.Name)
	return []resource.Ref{
		{Key: resource.Key{Kind: "Space", Name: d.Metadata.Space}, Field: "metadata.space"},
		{Key: resource.Key{Kind: "App", Space: d.Metadata.Space, Name: app}, Field: "metadata.name"},
	}
}

// splitTaskName cuts "<app>/<task>" at the last slash (task names have
// none) and drops the " (N)" a duplicate was given.
func splitTaskName(name string) (app, task string) {
	i := strings.LastIndex(name, "/")
	if i < 0 {
		return "", name
	}
	return name[:i], dupSuffix.ReplaceAllString(name[i+1:], "")
}

var dupSuffix = regexp.MustCompile(` \([0-9]+\)$`)

// Decode implements Decoder.
func (reloadTasksKind) Decode(raw json.RawMessage) error { return decodeOne[apiTask](raw) }

func (k reloadTasksKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	apps, err := appKeys(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("read reload tasks: %w", err)
	}
	tasks, err := listed[apiTask](ctx, t, k.KindName)
	if err != nil {
		return nil, err
	}
	var docs []resource.Document
	for _, a := range tasks {
		appID, partial, ok := a.reload()
		if !ok {
			continue // a task of another kind (an automation's, a pipeline's)
		}
		app, ok := apps[appID]
		if !ok {
			continue // an app in a personal space, left out with it
		}
		sched, err := a.schedule()
		if err != nil {
			return nil, err
		}
		d, err := taskDoc(app, a.Name, a.ID, reloadTaskSpec{Description: a.Description, Enabled: a.Enabled, Partial: partial, Schedule: sched})
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	err = t.API.ListPages(ctx, legacyTasksPath, k.ListOptions(), func(raw json.RawMessage) error {
		var r apiReloadTask
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("unexpected item in list: %w", err)
		}
		app, ok := apps[r.AppID]
		if r.Migrated || !ok {
			return nil // migrated: the tasks API has it
		}
		s := reloadTaskSpec{Enabled: r.State == "Enabled", Partial: r.Partial, Schedule: taskSchedule{Recurrence: r.Recurrence,
			TimeZone: r.TimeZone, StartDateTime: r.StartDateTime, EndDateTime: r.EndDateTime}}
		d, err := taskDoc(app, legacyTaskName, r.ID, s)
		docs = append(docs, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", legacyTasksPath, err)
	}
	return sorted(docs)
}

func taskDoc(app resource.Key, name, id string, s reloadTaskSpec) (resource.Document, error) {
	d, err := toDoc("ReloadTask", app.Name+"/"+name, id, s)
	d.Metadata.Space = app.Space
	return d, err
}

// appKeys names every listed app of a shared or managed space as App
// documents do: space and name, "(2)", ... for apps sharing a name.
func appKeys(ctx context.Context, t *Tenant) (map[string]resource.Key, error) {
	items, err := listed[apiAppItem](ctx, t, "App")
	if err != nil {
		return nil, err
	}
	var docs []resource.Document
	for _, it := range items {
		if it.SpaceID == "" {
			continue
		}
		space, ok, err := t.Names.KeyOf(ctx, "Space", it.SpaceID)
		if err != nil {
			return nil, err
		}
		if ok {
			d := resource.New("App", it.Name, it.ResourceID, nil)
			d.Metadata.Space = space
			docs = append(docs, d)
		}
	}
	docs, _ = resource.Disambiguate(docs)
	out := make(map[string]resource.Key, len(docs))
	for _, d := range docs {
		out[d.Metadata.ID] = d.Key()
	}
	return out, nil
}

// resolveApp finds the app of a space and name in the tenant as it is now,
// through the items list (an app this apply imported has a new id). ok is
// false when there is none.
func resolveApp(ctx context.Context, t *Tenant, space, name string) (string, bool, error) {
	spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: space})
	if err != nil || !ok {
		return "", false, err
	}
	base, nth := name, 1
	if m := dupIndex.FindStringSubmatch(name); m != nil {
		base, nth = m[1], atoiOr(m[2], 1)
	}
	for _, try := range []struct {
		name string
		nth  int
	}{{name, 1}, {base, nth}} {
		var ids []string
		q := url.Values{"resourceType": {"app"}, "spaceId": {spaceID}, "name": {try.name}, "noActions": {"true"}, "limit": {"100"}}
		err := t.API.ListPages(ctx, "/api/v1/items", qlik.ListOptions{Query: q}, func(raw json.RawMessage) error {
			var it apiAppItem
			if err := json.Unmarshal(raw, &it); err != nil {
				return fmt.Errorf("unexpected item in list: %w", err)
			}
			if it.Name == try.name && it.SpaceID == spaceID {
				ids = append(ids, it.ResourceID)
			}
			return nil
		})
		if err != nil {
			return "", false, fmt.Errorf("find app %s/%s: %w", space, name, err)
		}
		sort.Strings(ids)
		if try.nth <= len(ids) {
			return ids[try.nth-1], true, nil
		}
	}
	return "", false, nil
}

var dupIndex = regexp.MustCompile(`^(.*) \(([0-9]+)\)$`)

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}
