package sharingtasks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
	"github.com/qlikops/qlikops/pkg/sim/services/reporttemplates"
)

// task is one stored sharing task (SharingTaskRecurringPersist), as the
// client wrote it, with recipients kept in their persisted form.
//
// Choices where Qlik does not say:
//   - appId names the task's app and must be a live app (400); the create
//     schema has no appId (the persisted task has), so qliksim takes it
//     from the body; spaceId follows the app;
//   - templates[].templateId (read-only in the spec) names the report
//     template of a template-sharing task and must exist when given (400);
//   - recipients may be written in the create form (emailAddresses as
//     strings) or the persisted one ({value}); userIds and groupIds must
//     name users and groups (400); the create schema has no groupIds, so
//     group recipients also arrive through PATCH /recipients;
//   - a task whose app or template is deleted stays, as in Qlik, with
//     statusCode APP_NOT_FOUND or TEMPLATE_NOT_FOUND;
//   - emailContent, state and templates are also answered encrypted
//     ({cipher, value}), as Qlik stores them.
type task struct {
	core.Row
	Name              string          `json:"name"`
	Type              string          `json:"type"`
	Description       string          `json:"description,omitempty"`
	Tags              []string        `json:"tags,omitempty"`
	Enabled           *bool           `json:"enabled,omitempty"`
	Message           string          `json:"message,omitempty"`
	AppID             string          `json:"appId,omitempty"`
	SpaceID           string          `json:"spaceId,omitempty"`
	OwnerID           string          `json:"ownerId,omitempty"`
	State             json.RawMessage `json:"state,omitempty"`
	Templates         []template      `json:"templates"`
	Recipients        *recipients     `json:"recipients,omitempty"`
	Recipient         json.RawMessage `json:"recipient,omitempty"`
	ScheduleOptions   json.RawMessage `json:"scheduleOptions,omitempty"`
	Trigger           json.RawMessage `json:"trigger,omitempty"`
	EmailContent      json.RawMessage `json:"emailContent,omitempty"`
	TransportChannels []string        `json:"transportChannels,omitempty"`
	SharePointFolder  string          `json:"sharePointFolder,omitempty"`
	DataConnectionID  string          `json:"dataConnectionID,omitempty"`
	BookmarkID        string          `json:"bookmarkId,omitempty"`
	Expiration        string          `json:"expiration,omitempty"`
	RetentionPolicy   json.RawMessage `json:"retentionPolicy,omitempty"`
}

// template is TemplatePersist.
type template struct {
	Type           string          `json:"type"`
	SubType        string          `json:"subType,omitempty"`
	FileName       string          `json:"fileName,omitempty"`
	FileAlias      string          `json:"fileAlias,omitempty"`
	FileTimeStamp  string          `json:"fileTimeStamp,omitempty"`
	TemplateID     string          `json:"templateId,omitempty"`
	ChartData      json.RawMessage `json:"chartData,omitempty"`
	SheetData      json.RawMessage `json:"sheetData,omitempty"`
	StoryData      json.RawMessage `json:"storyData,omitempty"`
	MultiSheetData json.RawMessage `json:"multiSheetData,omitempty"`
}

// recipients is RecipientsPersist; emailAddresses decode from strings too.
type recipients struct {
	UserIDs        []idRecipient    `json:"userIds,omitempty"`
	GroupIDs       []idRecipient    `json:"groupIds,omitempty"`
	EmailAddresses []emailRecipient `json:"emailAddresses,omitempty"`
}

type idRecipient struct {
	Value   string   `json:"value"`
	Groups  []string `json:"groups,omitempty"`
	Enabled *bool    `json:"enabledByUser,omitempty"`
}

type emailRecipient struct {
	Value   string `json:"value"`
	Enabled *bool  `json:"enabled,omitempty"`
}

func (e *emailRecipient) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		e.Value = s
		return nil
	}
	type plain emailRecipient
	return json.Unmarshal(b, (*plain)(e))
}

// Tasks is the sharing-tasks table.
var Tasks = core.NewTable[task]("sharingTasks")

const base = "/api/v1/sharing-tasks"

var taskTypes = []string{"chart-monitoring", "chart-sharing", "sheet-sharing", "template-sharing"}

var templateTypes = []string{"file", "chart", "story", "sheet", "multi-sheet", "excel", "pixel-perfect", "html", "powerpoint", "word"}

var taskResource = &core.Resource[task]{
	Table: Tasks, Path: base, Label: "sharing task",
	Verbs: core.VerbCreate | core.VerbGet | core.VerbPatch | core.VerbDelete,
	Row:   func(t *task) *core.Row { return &t.Row },
	ReadOnly: []string{"owner", "ownerName", "tenant", "dateCreated", "lastUpdated", "lastRun", "nextScheduledRun",
		"statusCode", "statusLabel", "taskErrors", "links", "encryptedEmailContent", "encryptedState",
		"encryptedTemplates", "templateId", "appName"},
	Patchable: []string{"/name", "/tags", "/ownerId", "/enabled", "/description", "/scheduleOptions", "/templates",
		"/recipients", "/recipient", "/sharePointFolder", "/dataConnectionID", "/transportChannels", "/bookmarkId"},
	PatchOps: []string{"replace", "remove"},
	Prepare:  prepare,
	Render:   render,
}

func prepare(s *core.Server, st *core.State, t, old *task) *core.Invalid {
	switch {
	case strings.TrimSpace(t.Name) == "":
		return &core.Invalid{Pointer: "/name", Detail: "name is required", Missing: true}
	case !slices.Contains(taskTypes, t.Type):
		return &core.Invalid{Pointer: "/type", Detail: fmt.Sprintf("type %q is not one of %s", t.Type, strings.Join(taskTypes, ", "))}
	case len(t.Templates) == 0:
		return &core.Invalid{Pointer: "/templates", Detail: "templates is required", Missing: true}
	case old == nil && len(t.State) == 0:
		return &core.Invalid{Pointer: "/state", Detail: "state is required", Missing: true}
	case len(t.Message) > 280:
		return &core.Invalid{Pointer: "/message", Detail: "message is at most 280 characters"}
	}
	if old != nil {
		t.AppID, t.SpaceID = old.AppID, old.SpaceID
		if t.OwnerID == "" {
			t.OwnerID = old.OwnerID
		}
	} else {
		if t.OwnerID == "" {
			t.OwnerID = core.CallerOf(st).ID
		}
		a := apps.Apps.Get(st, t.AppID)
		if a == nil || a.Deleted {
			return &core.Invalid{Pointer: "/appId", Detail: fmt.Sprintf("app %q not found", t.AppID)}
		}
		t.SpaceID = a.SpaceID
	}
	if core.Users.Get(st, t.OwnerID) == nil {
		return &core.Invalid{Pointer: "/ownerId", Detail: fmt.Sprintf("user %q not found", t.OwnerID)}
	}
	if t.Enabled == nil {
		yes := true
		t.Enabled = &yes
	}
	for i, tp := range t.Templates {
		at := fmt.Sprintf("/templates/%d", i)
		if !slices.Contains(templateTypes, tp.Type) {
			return &core.Invalid{Pointer: at + "/type", Detail: fmt.Sprintf("template type %q is not one of %s", tp.Type, strings.Join(templateTypes, ", "))}
		}
		changed := old == nil || i >= len(old.Templates) || old.Templates[i].TemplateID != tp.TemplateID
		if tp.TemplateID != "" && changed && reporttemplates.Templates.Get(st, tp.TemplateID) == nil {
			return &core.Invalid{Pointer: at + "/templateId", Detail: fmt.Sprintf("report template %q not found", tp.TemplateID)}
		}
	}
	return checkRecipients(st, t.Recipients)
}

func checkRecipients(st *core.State, r *recipients) *core.Invalid {
	if r == nil {
		return nil
	}
	for i, u := range r.UserIDs {
		if core.Users.Get(st, u.Value) == nil {
			return &core.Invalid{Pointer: fmt.Sprintf("/recipients/userIds/%d/value", i), Detail: fmt.Sprintf("user %q not found", u.Value)}
		}
	}
	for i, g := range r.GroupIDs {
		if core.Groups.Get(st, g.Value) == nil {
			return &core.Invalid{Pointer: fmt.Sprintf("/recipients/groupIds/%d/value", i), Detail: fmt.Sprintf("group %q not found", g.Value)}
		}
	}
	for i, e := range r.EmailAddresses {
		if !strings.Contains(e.Value, "@") {
			return &core.Invalid{Pointer: fmt.Sprintf("/recipients/emailAddresses/%d", i), Detail: fmt.Sprintf("%q is not an email address", e.Value)}
		}
	}
	return nil
}

// render is SharingTaskRecurringResponse.
func render(r *http.Request, st *core.State, t *task) any {
	out := map[string]any{"id": t.ID, "name": t.Name, "type": t.Type, "owner": t.OwnerID, "tenant": st.TenantID,
		"appId": t.AppID, "spaceId": t.SpaceID, "enabled": *t.Enabled, "enabledByUser": *t.Enabled, "enabledBySystem": true,
		"dateCreated": core.FmtTime(t.CreatedAt), "lastUpdated": core.FmtTime(t.UpdatedAt),
		"createdBy": t.CreatedBy, "updatedBy": t.UpdatedBy, "templates": renderTemplates(t.Templates),
		"links": map[string]any{"self": map[string]any{"href": core.BaseURL(r) + base + "/" + t.ID}}}
	if u := core.Users.Get(st, t.OwnerID); u != nil {
		out["ownerName"] = u.Name
	}
	status := "VALID"
	if a := apps.Apps.Get(st, t.AppID); a != nil && !a.Deleted {
		out["appName"] = a.Name
	} else {
		status = "APP_NOT_FOUND"
	}
	for _, tp := range t.Templates {
		if tp.TemplateID != "" && reporttemplates.Templates.Get(st, tp.TemplateID) == nil && status == "VALID" {
			status = "TEMPLATE_NOT_FOUND"
		}
	}
	out["statusCode"], out["statusLabel"] = status, status
	for k, v := range map[string]string{"description": t.Description, "message": t.Message,
		"sharePointFolder": t.SharePointFolder, "dataConnectionID": t.DataConnectionID, "expiration": t.Expiration} {
		if v != "" {
			out[k] = v
		}
	}
	for k, v := range map[string]json.RawMessage{"state": t.State, "scheduleOptions": t.ScheduleOptions,
		"trigger": t.Trigger, "emailContent": t.EmailContent, "retentionPolicy": t.RetentionPolicy} {
		if len(v) > 0 {
			out[k] = v
		}
	}
	if t.Tags != nil {
		out["tags"] = t.Tags
	}
	if t.TransportChannels != nil {
		out["transportChannels"] = t.TransportChannels
	}
	if t.Recipients != nil {
		out["recipients"] = renderRecipients(t.Recipients)
	}
	out["encryptedState"] = encrypted(t.State)
	out["encryptedTemplates"] = encrypted(out["templates"])
	out["encryptedEmailContent"] = map[string]any{"subject": encrypted(t.EmailContent), "body": encrypted(t.EmailContent)}
	return out
}

func renderTemplates(ts []template) []any {
	out := make([]any, 0, len(ts))
	for _, tp := range ts {
		out = append(out, tp)
	}
	return out
}

func renderRecipients(r *recipients) map[string]any {
	users := make([]any, 0, len(r.UserIDs))
	for _, u := range r.UserIDs {
		groups := u.Groups
		if len(groups) == 0 {
			groups = []string{"addedIndividually"}
		}
		users = append(users, map[string]any{"value": u.Value, "groups": groups, "subscribed": true,
			"enabledByUser": u.Enabled == nil || *u.Enabled, "enabledBySystem": true})
	}
	groups := make([]any, 0, len(r.GroupIDs))
	for _, g := range r.GroupIDs {
		groups = append(groups, map[string]any{"value": g.Value, "enabledByUser": g.Enabled == nil || *g.Enabled, "enabledBySystem": true})
	}
	emails := make([]any, 0, len(r.EmailAddresses))
	for _, e := range r.EmailAddresses {
		emails = append(emails, map[string]any{"value": e.Value, "enabled": e.Enabled == nil || *e.Enabled})
	}
	return map[string]any{"userIds": users, "groupIds": groups, "emailAddresses": emails,
		"netRecipientCount": len(users) + len(emails)}
}

// encrypted stands in for Qlik's stored cipher text: a digest of the
// plain value, so that it changes with it and reveals nothing.
func encrypted(v any) map[string]any {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(append([]byte("qliksim-sharing-tasks\x00"), b...))
	return map[string]any{"cipher": "AES-256-GCM", "value": base64.StdEncoding.EncodeToString(sum[:])}
}
