package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// SharingTasks handles the sharing tasks of the reporting service: report
// subscriptions, template sharing, chart and sheet sharing, chart
// monitoring. Each is sharing-tasks/<name>.yaml: its type, the app by
// space and name, its templates (a template-sharing task's report template
// by name; a chart's or sheet's data without its app id, which is the
// task's app), recipients (users by email, groups by name, plain
// addresses), the schedule and trigger, the selection state, the e-mail's
// subject and body. The app and template are found by name in the target
// tenant when the task is written, so a task whose app was imported under
// a new id earlier in the same apply points at the new app.
//
// The list is {sharingTasks: [...]}, paged by offset. Qlik also stores
// encryptedEmailContent, encryptedState and encryptedTemplates (the same
// content, encrypted with the tenant's key): they are never exported, and
// the plain fields the API answers beside them are what a restore writes.
// The owner is not kept (as for reload tasks and report templates: the task
// belongs to whoever applies it).
var SharingTasks = sharingTasksKind{Desc{
	KindName: "SharingTask", FolderName: "sharing-tasks",
	ListPath: "/api/v1/sharing-tasks", Query: limit100(), ItemsKey: "sharingTasks", Pager: qlik.PageOffset,
	DependsOn: []string{"App", "ReportTemplate", "User", "Group"},
	Coverage: Coverage{
		Exported: "report subscriptions and other sharing tasks, `sharing-tasks/<name>.yaml`: type, the app (by space and name), templates (a report template by name; chart, sheet and story data without the app id), recipients (users by email, groups by name, addresses), schedule (RRULE lines, time zone, start and end), trigger, selection state, e-mail subject and body, message, tags, enabled, transport channels, SharePoint folder",
		Restored: "created (POST, then PATCH /recipients for group recipients, which the create body cannot carry); name, description, enabled, tags, schedule, templates, recipients, channels patched over Qlik's path enum (there is no PUT); a changed type, app, state, trigger, message or e-mail content recreates the task; the app and report template are found by name when the task is written, so a task of an app imported under a new id points at the new app; pruned",
		Reentry:  "-",
		LeftOut:  "`encryptedEmailContent`, `encryptedState`, `encryptedTemplates` (cipher text under the tenant's key; the plain fields are exported instead); the owner (a restored task belongs to whoever applies it); the SharePoint data connection id and distribution list id; recipients added through a group (the group is kept); status, errors, run and execution history",
	},
}}

type sharingTasksKind struct{ Desc }

type sharingTaskSpec struct {
	Type              string            `json:"type"`
	App               *appRef           `json:"app,omitempty"`
	Description       string            `json:"description,omitempty"`
	Enabled           bool              `json:"enabled"`
	Tags              []string          `json:"tags,omitempty"`
	Message           string            `json:"message,omitempty"`
	Templates         []sharingTemplate `json:"templates"`
	Recipients        sharingRecipients `json:"recipients"`
	Schedule          *sharingSchedule  `json:"schedule,omitempty"`
	Trigger           map[string]any    `json:"trigger,omitempty"`
	State             map[string]any    `json:"state,omitempty"`
	EmailContent      *emailContent     `json:"emailContent,omitempty"`
	TransportChannels []string          `json:"transportChannels,omitempty"`
	SharePointFolder  string            `json:"sharePointFolder,omitempty"`
}

// sharingTemplate is a TemplatePersist: reportTemplate names the report
// template (its templateId); the data objects lose their appId.
type sharingTemplate struct {
	Type           string           `json:"type"`
	SubType        string           `json:"subType,omitempty"`
	FileName       string           `json:"fileName,omitempty"`
	FileAlias      string           `json:"fileAlias,omitempty"`
	FileTimeStamp  string           `json:"fileTimeStamp,omitempty"`
	ReportTemplate string           `json:"reportTemplate,omitempty"`
	ChartData      map[string]any   `json:"chartData,omitempty"`
	SheetData      map[string]any   `json:"sheetData,omitempty"`
	StoryData      map[string]any   `json:"storyData,omitempty"`
	MultiSheetData []map[string]any `json:"multiSheetData,omitempty"`
}

type sharingRecipients struct {
	Users  []string `json:"users,omitempty"`
	Groups []string `json:"groups,omitempty"`
	Emails []string `json:"emails,omitempty"`
}

type sharingSchedule struct {
	Recurrence    []string `json:"recurrence,omitempty"`
	TimeZone      string   `json:"timeZone,omitempty"`
	StartDateTime string   `json:"startDateTime,omitempty"`
	EndDateTime   string   `json:"endDateTime,omitempty"`
}

type emailContent struct {
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
}

// apiSharingTask is SharingTaskRecurringResponse as far as qlikops reads it.
type apiSharingTask struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	AppID           string         `json:"appId"`
	Description     string         `json:"description"`
	Enabled         *bool          `json:"enabled"`
	Tags            []string       `json:"tags"`
	Message         string         `json:"message"`
	Templates       []apiTemplate  `json:"templates"`
	Recipients      *apiRecipients `json:"recipients"`
	ScheduleOptions *struct {
		Recurrence    []string `json:"recurrence"`
		Timezone      *string  `json:"timezone"`
		StartDateTime *string  `json:"startDateTime"`
		EndDateTime   *string  `json:"endDateTime"`
	} `json:"scheduleOptions"`
	Trigger           map[string]any `json:"trigger"`
	State             map[string]any `json:"state"`
	EmailContent      *emailContent  `json:"emailContent"`
	TransportChannels []string       `json:"transportChannels"`
	SharePointFolder  string         `json:"sharePointFolder"`
}

type apiTemplate struct {
	Type           string           `json:"type"`
	SubType        string           `json:"subType"`
	FileName       string           `json:"fileName"`
	FileAlias      string           `json:"fileAlias"`
	FileTimeStamp  string           `json:"fileTimeStamp"`
	TemplateID     string           `json:"templateId"`
	ChartData      map[string]any   `json:"chartData"`
	SheetData      map[string]any   `json:"sheetData"`
	StoryData      map[string]any   `json:"storyData"`
	MultiSheetData []map[string]any `json:"multiSheetData"`
}

type apiRecipients struct {
	UserIDs []struct {
		Value  string   `json:"value"`
		Groups []string `json:"groups"`
	} `json:"userIds"`
	GroupIDs []struct {
		Value string `json:"value"`
	} `json:"groupIds"`
	EmailAddresses []struct {
		Value string `json:"value"`
	} `json:"emailAddresses"`
}

// Decode implements Decoder.
func (sharingTasksKind) Decode(raw json.RawMessage) error { return decodeOne[apiSharingTask](raw) }

// Refs: the app, the report templates, the recipients.
func (sharingTasksKind) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[sharingTaskSpec](d)
	if err != nil {
		return nil
	}
	var refs []resource.Ref
	if s.App != nil {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "App", Space: s.App.Space, Name: s.App.Name}, Field: "spec.app"})
	}
	for i, tp := range s.Templates {
		if tp.ReportTemplate != "" {
			refs = append(refs, resource.Ref{Key: resource.Key{Kind: "ReportTemplate", Name: tp.ReportTemplate}, Field: fmt.Sprintf("spec.templates[%d].reportTemplate", i)})
		}
	}
	for i, u := range s.Recipients.Users {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: u}, Field: fmt.Sprintf("spec.recipients.users[%d]", i)})
	}
	for i, g := range s.Recipients.Groups {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Group", Name: g}, Field: fmt.Sprintf("spec.recipients.groups[%d]", i)})
	}
	return refs
}

func (k sharingTasksKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	items, err := listed[apiSharingTask](ctx, t, k.KindName)
	if err != nil {
		return nil, err
	}
	apps, err := appKeys(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("read sharing tasks: %w", err)
	}
	docs := make([]resource.Document, 0, len(items))
	for _, it := range items {
		s, err := k.specFrom(ctx, t, it, apps)
		if err != nil {
			return nil, fmt.Errorf("sharing task %q: %w", it.Name, err)
		}
		d, err := toDoc(k.KindName, it.Name, it.ID, s)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	docs, _ = resource.Disambiguate(docs)
	return sorted(docs)
}

func (sharingTasksKind) specFrom(ctx context.Context, t *Tenant, it apiSharingTask, apps map[string]resource.Key) (sharingTaskSpec, error) {
	s := sharingTaskSpec{Type: it.Type, Description: it.Description, Enabled: it.Enabled == nil || *it.Enabled,
		Tags: it.Tags, Message: it.Message, Trigger: withoutKey(it.Trigger, "chronosJobID"), State: it.State, TransportChannels: it.TransportChannels,
		SharePointFolder: it.SharePointFolder, Templates: []sharingTemplate{}}
	if app, ok := apps[it.AppID]; ok {
		s.App = &appRef{Space: app.Space, Name: app.Name}
	} else {
		t.Warnf("sharing task %q: its app %s is not an app qlikops exports (a personal space, or deleted); exported without it", it.Name, it.AppID)
	}
	if e := it.EmailContent; e != nil && (e.Subject != "" || e.Body != "") {
		s.EmailContent = e
	}
	if o := it.ScheduleOptions; o != nil && (len(o.Recurrence) > 0 || deref(o.Timezone) != "" || deref(o.StartDateTime) != "" || deref(o.EndDateTime) != "") {
		s.Schedule = &sharingSchedule{Recurrence: o.Recurrence, TimeZone: deref(o.Timezone), StartDateTime: deref(o.StartDateTime), EndDateTime: deref(o.EndDateTime)}
	}
	for _, tp := range it.Templates {
		st := sharingTemplate{Type: tp.Type, SubType: tp.SubType, FileName: tp.FileName, FileAlias: tp.FileAlias, FileTimeStamp: tp.FileTimeStamp,
			ChartData: withoutAppID(tp.ChartData), SheetData: withoutAppID(tp.SheetData), StoryData: withoutAppID(tp.StoryData)}
		for _, m := range tp.MultiSheetData {
			st.MultiSheetData = append(st.MultiSheetData, withoutAppID(m))
		}
		if tp.TemplateID != "" {
			name, ok, err := t.Names.KeyOf(ctx, "ReportTemplate", tp.TemplateID)
			if err != nil {
				return s, err
			}
			if ok {
				st.ReportTemplate = name
			} else {
				t.Warnf("sharing task %q: its report template %s is not in the tenant; exported without it", it.Name, tp.TemplateID)
			}
		}
		s.Templates = append(s.Templates, st)
	}
	if r := it.Recipients; r != nil {
		for _, u := range r.UserIDs {
			if len(u.Groups) > 0 && !containsString(u.Groups, "addedIndividually") {
				continue // a member of a group recipient: the group is kept
			}
			if name, ok, err := t.Names.KeyOf(ctx, "User", u.Value); err != nil {
				return s, err
			} else if ok {
				s.Recipients.Users = append(s.Recipients.Users, name)
			}
		}
		for _, g := range r.GroupIDs {
			if name, ok, err := t.Names.KeyOf(ctx, "Group", g.Value); err != nil {
				return s, err
			} else if ok {
				s.Recipients.Groups = append(s.Recipients.Groups, name)
			}
		}
		for _, e := range r.EmailAddresses {
			s.Recipients.Emails = append(s.Recipients.Emails, e.Value)
		}
		sort.Strings(s.Recipients.Users)
		sort.Strings(s.Recipients.Groups)
		sort.Strings(s.Recipients.Emails)
	}
	return s, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func containsString(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// withoutKey copies m without a server-managed key.
func withoutKey(m map[string]any, key string) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// withoutAppID copies a template's data without its app id: the app is
// the task's, by reference, and its id differs in another tenant.
func withoutAppID(m map[string]any) map[string]any { return withoutKey(m, "appId") }
