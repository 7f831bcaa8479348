package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Writing reload schedules: the app is found by space and name in the
// tenant as it is at that moment, so a task whose app was imported under a
// new id earlier in the same apply points at the new app.

func (k reloadTasksKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, appID, err := k.prepare(ctx, t, want)
	if err != nil || appID == "" {
		return Result{}, err
	}
	_, task := splitTaskName(want.Metadata.Name)
	var created struct {
		ID string `json:"id"`
	}
	if s.Schedule.legacy() {
		if err := t.API.Do(ctx, http.MethodPost, legacyTasksPath, legacyBody(appID, s, false), &created); err != nil {
			return Result{}, err
		}
		if !s.Enabled {
			if err := t.API.Do(ctx, http.MethodPut, legacyTaskPath(created.ID), legacyBody(appID, s, true), nil); err != nil {
				return Result{ID: created.ID}, fmt.Errorf("disable the new reload task: %w", err)
			}
		}
		return Result{ID: created.ID}, nil
	}
	if err := t.API.Do(ctx, http.MethodPost, k.ListPath, taskBody(task, appID, s), &created); err != nil {
		return Result{}, err
	}
	return Result{ID: created.ID}, nil
}

// prepare reads the spec and finds the app; appID is "" when the tenant
// has no such app (an error: the task cannot exist without it).
func (reloadTasksKind) prepare(ctx context.Context, t *Tenant, want resource.Document) (reloadTaskSpec, string, error) {
	s, err := specOf[reloadTaskSpec](want)
	if err != nil {
		return s, "", err
	}
	app, _ := splitTaskName(want.Metadata.Name)
	id, ok, err := resolveApp(ctx, t, want.Metadata.Space, app)
	if err != nil {
		return s, "", err
	}
	if !ok {
		return s, "", fmt.Errorf("%s: app %s/%s is not in the tenant", want.Key().Display(), want.Metadata.Space, app)
	}
	return s, id, nil
}

func (k reloadTasksKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	hs, err := specOf[reloadTaskSpec](have)
	if err != nil {
		return Result{}, err
	}
	s, appID, err := k.prepare(ctx, t, want)
	if err != nil {
		return Result{}, err
	}
	if s.Schedule.legacy() != hs.Schedule.legacy() {
		// The schedule moves between the two APIs: the task is recreated.
		if _, err := k.Delete(ctx, t, have); err != nil {
			return Result{}, err
		}
		res, err := k.Create(ctx, t, want)
		res.Notes = append(res.Notes, "recreated in the "+map[bool]string{true: "reload-tasks", false: "tasks"}[s.Schedule.legacy()]+" API, which its schedule needs")
		return res, err
	}
	if s.Schedule.legacy() {
		return Result{}, t.API.Do(ctx, http.MethodPut, legacyTaskPath(have.Metadata.ID), legacyBody(appID, s, true), nil)
	}
	_, task := splitTaskName(want.Metadata.Name)
	return Result{}, t.API.Do(ctx, http.MethodPut, k.ListPath+"/"+url.PathEscape(have.Metadata.ID), taskBody(task, appID, s), nil)
}

func (k reloadTasksKind) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	hs, err := specOf[reloadTaskSpec](have)
	if err != nil {
		return Result{}, err
	}
	path := k.ListPath + "/" + url.PathEscape(have.Metadata.ID)
	if hs.Schedule.legacy() {
		path = legacyTaskPath(have.Metadata.ID)
	}
	return Result{}, t.API.Do(ctx, http.MethodDelete, path, nil, nil)
}

func legacyTaskPath(id string) string { return legacyTasksPath + "/" + url.PathEscape(id) }

// legacyBody is PostTaskBody, or with state PutTaskBody.
func legacyBody(appID string, s reloadTaskSpec, withState bool) map[string]any {
	b := map[string]any{"appId": appID, "partial": s.Partial, "timeZone": s.Schedule.TimeZone,
		"recurrence": s.Schedule.Recurrence, "startDateTime": s.Schedule.StartDateTime, "endDateTime": s.Schedule.EndDateTime}
	if withState {
		b["state"] = map[bool]string{true: "Enabled", false: "Disabled"}[s.Enabled]
	}
	return b
}

// taskBody is a tasks-API task that reloads the app on the schedule: one
// EVENT state whose action is app.reload.
func taskBody(name, appID string, s reloadTaskSpec) map[string]any {
	sched := map[string]any{}
	for k, v := range map[string]string{"cron": s.Schedule.Cron, "interval": s.Schedule.Interval,
		"recurrence": strings.Join(s.Schedule.Recurrence, "\n"), "timezone": s.Schedule.TimeZone,
		"startDateTime": s.Schedule.StartDateTime, "endDateTime": s.Schedule.EndDateTime} {
		if v != "" {
			sched[k] = v
		}
	}
	b := map[string]any{"name": name, "specVersion": "0.8", "version": "1.0.0", "enabled": s.Enabled,
		"start": map[string]any{"schedule": sched},
		"states": []any{map[string]any{"name": "reload", "type": "EVENT", "end": true,
			"onEvents": []any{map[string]any{"eventRefs": []string{"schedule"}, "actions": []any{map[string]any{
				"name": "reload-app", "functionRef": map[string]any{"refName": "app.reload",
					"arguments": map[string]any{"appId": appID, "partial": s.Partial}}}}}}}}}
	if s.Description != "" {
		b["description"] = s.Description
	}
	return b
}
