package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Writing sharing tasks. Qlik has no PUT for them: what its PATCH path
// enum covers is patched, the rest (type, app, state, trigger, message,
// e-mail content) recreates the task. The app and report templates are
// found by name in the tenant as it is at that moment; recipients that do
// not resolve are left out and listed.

// sharingPatchable are the spec fields PATCH writes, by path.
var sharingPatchable = []string{"/name", "/description", "/enabled", "/tags", "/scheduleOptions", "/templates", "/recipients", "/transportChannels", "/sharePointFolder"}

// sharingWrite is a task's body fields resolved in the target tenant.
type sharingWrite struct {
	appID      string
	fields     map[string]any // by patch path without the slash, plus create-only fields
	recipients map[string]any
	unresolved []string
}

func (k sharingTasksKind) resolve(ctx context.Context, t *Tenant, d resource.Document) (sharingTaskSpec, sharingWrite, error) {
	var w sharingWrite
	s, err := specOf[sharingTaskSpec](d)
	if err != nil {
		return s, w, err
	}
	if s.App == nil {
		return s, w, fmt.Errorf("%s: the task names no app", d.Key().Display())
	}
	id, ok, err := resolveApp(ctx, t, s.App.Space, s.App.Name)
	if err != nil {
		return s, w, err
	}
	if !ok {
		return s, w, fmt.Errorf("%s: app %s/%s is not in the tenant", d.Key().Display(), s.App.Space, s.App.Name)
	}
	w.appID = id
	templates := make([]map[string]any, 0, len(s.Templates))
	for _, tp := range s.Templates {
		m := map[string]any{"type": tp.Type}
		for key, v := range map[string]string{"subType": tp.SubType, "fileName": tp.FileName, "fileAlias": tp.FileAlias, "fileTimeStamp": tp.FileTimeStamp} {
			if v != "" {
				m[key] = v
			}
		}
		if tp.ReportTemplate != "" {
			tid, ok, err := resolveReportTemplate(ctx, t, tp.ReportTemplate)
			if err != nil {
				return s, w, err
			}
			if !ok {
				return s, w, fmt.Errorf("%s: report template %q is not in the tenant", d.Key().Display(), tp.ReportTemplate)
			}
			m["templateId"] = tid
		}
		for key, data := range map[string]map[string]any{"chartData": tp.ChartData, "sheetData": tp.SheetData, "storyData": tp.StoryData} {
			if data != nil {
				m[key] = withAppID(data, id)
			}
		}
		if tp.MultiSheetData != nil {
			var l []map[string]any
			for _, data := range tp.MultiSheetData {
				l = append(l, withAppID(data, id))
			}
			m["multiSheetData"] = l
		}
		templates = append(templates, m)
	}
	userIDs, groupIDs := []map[string]any{}, []map[string]any{}
	for _, u := range s.Recipients.Users {
		uid, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: u})
		if err != nil {
			return s, w, err
		}
		if !ok {
			w.unresolved = append(w.unresolved, "user:"+u+" (recipient)")
			continue
		}
		userIDs = append(userIDs, map[string]any{"value": uid})
	}
	for _, g := range s.Recipients.Groups {
		gid, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Group", Name: g})
		if err != nil {
			return s, w, err
		}
		if !ok {
			w.unresolved = append(w.unresolved, "group:"+g+" (recipient)")
			continue
		}
		groupIDs = append(groupIDs, map[string]any{"value": gid})
	}
	emails := append([]string{}, s.Recipients.Emails...)
	w.recipients = map[string]any{"userIds": userIDs, "groupIds": groupIDs, "emailAddresses": emails}
	sched := map[string]any{}
	if s.Schedule != nil {
		sched = map[string]any{"recurrence": s.Schedule.Recurrence, "timezone": s.Schedule.TimeZone,
			"startDateTime": s.Schedule.StartDateTime, "endDateTime": s.Schedule.EndDateTime}
	}
	w.fields = map[string]any{"name": d.Metadata.Name, "description": s.Description, "enabled": s.Enabled,
		"tags": nonNil(s.Tags), "scheduleOptions": sched, "templates": templates, "recipients": w.recipients,
		"transportChannels": nonNil(s.TransportChannels), "sharePointFolder": s.SharePointFolder}
	return s, w, nil
}

func withAppID(m map[string]any, appID string) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out["appId"] = appID
	return out
}

func (k sharingTasksKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, w, err := k.resolve(ctx, t, want)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{"type": s.Type, "appId": w.appID, "executeOnCreation": false,
		"state": s.State, "trigger": s.Trigger, "message": s.Message, "emailContent": s.EmailContent}
	if body["state"] == nil {
		body["state"] = map[string]any{}
	}
	for _, p := range sharingPatchable {
		body[p[1:]] = w.fields[p[1:]]
	}
	for _, key := range []string{"trigger", "emailContent", "message", "sharePointFolder", "description"} {
		if isZero(body[key]) {
			delete(body, key)
		}
	}
	// The create body's recipients have no groupIds (the spec's
	// SharingTaskRecurringRecipients): groups are patched in after.
	groups := w.recipients["groupIds"].([]map[string]any)
	body["recipients"] = map[string]any{"userIds": w.recipients["userIds"], "emailAddresses": w.recipients["emailAddresses"]}
	var created struct {
		ID string `json:"id"`
	}
	if err := t.API.Do(ctx, http.MethodPost, k.ListPath, body, &created); err != nil {
		return Result{}, err
	}
	res := Result{ID: created.ID, Unresolved: w.unresolved}
	if len(groups) > 0 {
		ops := []patchOp{{Op: "replace", Path: "/recipients", Value: w.recipients}}
		if err := t.API.Do(ctx, http.MethodPatch, k.itemPath(created.ID), ops, nil); err != nil {
			return res, fmt.Errorf("add the group recipients: %w", err)
		}
	}
	return res, nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case *emailContent:
		return x == nil
	}
	return false
}

func (k sharingTasksKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, w, err := k.resolve(ctx, t, want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[sharingTaskSpec](have)
	if err != nil {
		return Result{}, err
	}
	if ws.Type != hs.Type || !equalJSON(ws.App, hs.App) || !equalJSON(ws.State, hs.State) || !equalJSON(ws.Trigger, hs.Trigger) ||
		ws.Message != hs.Message || !equalJSON(ws.EmailContent, hs.EmailContent) {
		// What Qlik's PATCH cannot change: the task is made again.
		if _, err := k.Delete(ctx, t, have); err != nil {
			return Result{}, err
		}
		res, err := k.Create(ctx, t, want)
		res.Notes = append(res.Notes, "recreated: Qlik cannot patch a sharing task's type, app, state, trigger, message or e-mail content")
		return res, err
	}
	hv := map[string]any{"name": have.Metadata.Name, "description": hs.Description, "enabled": hs.Enabled, "tags": nonNil(hs.Tags),
		"scheduleOptions": hs.Schedule, "templates": hs.Templates, "recipients": hs.Recipients,
		"transportChannels": nonNil(hs.TransportChannels), "sharePointFolder": hs.SharePointFolder}
	wv := map[string]any{"name": want.Metadata.Name, "description": ws.Description, "enabled": ws.Enabled, "tags": nonNil(ws.Tags),
		"scheduleOptions": ws.Schedule, "templates": ws.Templates, "recipients": ws.Recipients,
		"transportChannels": nonNil(ws.TransportChannels), "sharePointFolder": ws.SharePointFolder}
	var ops []patchOp
	for _, p := range sharingPatchable {
		if !equalJSON(hv[p[1:]], wv[p[1:]]) {
			ops = append(ops, patchOp{Op: "replace", Path: p, Value: w.fields[p[1:]]})
		}
	}
	res := Result{Unresolved: w.unresolved}
	if len(ops) == 0 {
		return res, nil
	}
	return res, t.API.Do(ctx, http.MethodPatch, k.itemPath(have.Metadata.ID), ops, nil)
}

func (k sharingTasksKind) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, k.itemPath(have.Metadata.ID), nil, nil)
}

func (k sharingTasksKind) itemPath(id string) string { return k.ListPath + "/" + url.PathEscape(id) }

// CannotRecreate tells plan and restore-report about tasks exported
// without their app (one in a personal space, or deleted) or, for template
// sharing, without its report template: Qlik needs both to create one.
func (sharingTasksKind) CannotRecreate(d resource.Document) string {
	s, err := specOf[sharingTaskSpec](d)
	if err != nil {
		return ""
	}
	if s.App == nil {
		return "its app was not exported (a personal space, or deleted), so it cannot be recreated"
	}
	if s.Type == "template-sharing" {
		for _, tp := range s.Templates {
			if tp.ReportTemplate == "" {
				return "its report template was not in the tenant when it was exported, so it cannot be recreated"
			}
		}
	}
	return ""
}

// resolveReportTemplate finds a report template by name in the tenant as it
// is now, through its list (a template this apply recreated has a new id).
// Names are not unique in Qlik: the oldest-listed one wins, as in Read.
func resolveReportTemplate(ctx context.Context, t *Tenant, name string) (string, bool, error) {
	var id string
	q := url.Values{"name": {name}, "limit": {"100"}}
	err := t.API.ListPages(ctx, ReportTemplates.ListPath, qlik.ListOptions{Query: q}, func(raw json.RawMessage) error {
		var it apiReportTemplate
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("unexpected item in list: %w", err)
		}
		if it.Name == name && id == "" {
			id = it.ID
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("find report template %q: %w", name, err)
	}
	return id, id != "", nil
}
