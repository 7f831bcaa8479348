package tasks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// tasksErrors is the tasks ErrorResponse_2: errors[HttpResult{code (the
// status, a number), title, context}] and traceId.
var tasksErrors = &core.ErrorStyle{Code: "TASKS", Body: func(f core.ErrorFields) any {
	e := map[string]any{"code": f.Status, "title": f.Title}
	if f.Detail != "" {
		e["context"] = f.Detail
	}
	return map[string]any{"errors": []any{e}, "traceId": core.NewTraceID()}
}}

// reloadTasksErrors is the reload-tasks Errors: errors[{code,title,detail}]
// and traceId.
var reloadTasksErrors = &core.ErrorStyle{Code: "TASKS", Body: func(f core.ErrorFields) any {
	return core.ErrorsBody(f.Entry())
}}

// Service serves the tasks and reload-tasks APIs.
var Service = core.Service{
	Name: "tasks",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/tasks"}, Errors: tasksErrors},
		{Prefixes: []string{"/api/v1/reload-tasks"}, Errors: reloadTasksErrors},
	},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		taskResource.Route(s, mux)
		reloadTaskResource.Route(s, mux)
	},
	Seed: seed,
	// An app's schedules go with it: before each request, tasks whose app
	// is no longer live are dropped (a deleted app is gone from the
	// service's view at once, as in Qlik).
	Admit: func(s *core.Server, w http.ResponseWriter, r *http.Request) bool {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		dropOrphans(s.St)
		return true
	},
	Specs: []string{"qliksense-task-api-openapi.yml", "qliksense-reload-tasks-api-openapi.yml"},
}

func dropOrphans(st *core.State) {
	for id, t := range Tasks.In(st) {
		if liveApp(st, t.ResourceID) == nil {
			Tasks.Delete(st, id)
		}
	}
	for id, t := range ReloadTasks.In(st) {
		if liveApp(st, t.AppID) == nil {
			ReloadTasks.Delete(st, id)
		}
	}
}

// seedTasks is tasks.yaml: reload schedules in the tasks API (tasks) and
// in the deprecated reload-tasks API (reloadTasks). space and app name the
// app; owner is a user email ("" the API-key caller).
type seedTasks struct {
	Tasks []struct {
		Name        string          `json:"name"`
		Space       string          `json:"space"`
		App         string          `json:"app"`
		Owner       string          `json:"owner,omitempty"`
		Description string          `json:"description,omitempty"`
		Enabled     bool            `json:"enabled"`
		Partial     bool            `json:"partial,omitempty"`
		Schedule    json.RawMessage `json:"schedule"`
	} `json:"tasks"`
	ReloadTasks []struct {
		Space         string   `json:"space"`
		App           string   `json:"app"`
		Owner         string   `json:"owner,omitempty"`
		Partial       bool     `json:"partial,omitempty"`
		TimeZone      string   `json:"timeZone"`
		Recurrence    []string `json:"recurrence"`
		StartDateTime string   `json:"startDateTime,omitempty"`
		EndDateTime   string   `json:"endDateTime,omitempty"`
		State         string   `json:"state,omitempty"`
	} `json:"reloadTasks"`
}

func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "tasks.yaml")
	var f seedTasks
	if err := core.ReadSeedFile(path, &f); err != nil {
		return err
	}
	for i, e := range f.Tasks {
		appID, owner, err := seedRefs(s, st, e.Space, e.App, e.Owner)
		if err == nil {
			t := &task{Name: e.Name, Description: e.Description, Enabled: e.Enabled, Version: "1.0.0", SpecVersion: "0.8",
				Start: json.RawMessage(fmt.Sprintf(`{"schedule":%s}`, e.Schedule)), States: ReloadStates(appID, e.Partial)}
			err = taskResource.Insert(s, st, t, owner)
			t.OwnerID = owner
		}
		if err != nil {
			return fmt.Errorf("%s: tasks[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	for i, e := range f.ReloadTasks {
		appID, owner, err := seedRefs(s, st, e.Space, e.App, e.Owner)
		if err == nil {
			t := &reloadTask{AppID: appID, Partial: e.Partial, TimeZone: e.TimeZone, Recurrence: e.Recurrence,
				StartDateTime: e.StartDateTime, EndDateTime: e.EndDateTime}
			err = reloadTaskResource.Insert(s, st, t, owner)
			t.UserID = owner
			if e.State != "" {
				t.State = e.State
			}
		}
		if err != nil {
			return fmt.Errorf("%s: reloadTasks[%d] (%s/%s): %w", path, i, e.Space, e.App, err)
		}
	}
	return nil
}

// seedRefs finds the seeded app by space and name, and the owner.
func seedRefs(s *core.Server, st *core.State, space, app, owner string) (string, string, error) {
	spaceID, err := core.SeedSpaceID(st, space)
	if err != nil {
		return "", "", fmt.Errorf("space: %w", err)
	}
	var appID string
	for _, a := range apps.Apps.In(st) {
		if !a.Deleted && a.Name == app && a.SpaceID == spaceID {
			appID = a.ID
		}
	}
	if appID == "" {
		return "", "", fmt.Errorf("app: %q is not an app of space %q in apps.yaml", app, space)
	}
	u, err := s.SeedOwner(st, owner)
	if err != nil {
		return "", "", err
	}
	return appID, u.ID, nil
}

// ReloadStates is the states of a task that reloads the app: one EVENT
// state whose action is app.reload (the shape Qlik's own schedules have).
func ReloadStates(appID string, partial bool) json.RawMessage {
	b, _ := json.Marshal([]any{map[string]any{"name": "reload", "type": "EVENT", "end": true,
		"onEvents": []any{map[string]any{"eventRefs": []string{"schedule"}, "actions": []any{map[string]any{
			"name": "reload-app", "functionRef": map[string]any{"refName": "app.reload",
				"arguments": map[string]any{"appId": appID, "partial": partial}}}}}}}})
	return b
}
