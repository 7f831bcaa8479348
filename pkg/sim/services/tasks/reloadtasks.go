package tasks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// reloadTask is one stored task of the deprecated /api/v1/reload-tasks
// (spec Task): an app, a time zone and RRULE lines. State is Enabled on
// create (PostTaskBody has no state) and set by PUT.
//
// Choices where Qlik does not say: appId must name a live app (404
// otherwise, as the spec's create lists); a recurrence line must start
// with RRULE: and carry no DTSTART/DTEND, as the spec describes.
type reloadTask struct {
	core.Row
	AppID             string   `json:"appId"`
	Partial           bool     `json:"partial"`
	AutoReload        bool     `json:"autoReload"`
	AutoReloadPartial bool     `json:"autoReloadPartial"`
	TimeZone          string   `json:"timeZone"`
	Recurrence        []string `json:"recurrence"`
	StartDateTime     string   `json:"startDateTime,omitempty"`
	EndDateTime       string   `json:"endDateTime,omitempty"`
	State             string   `json:"state,omitempty"`

	UserID   string `json:"simUserId"`
	SpaceID  string `json:"simSpaceId"`
	Migrated bool   `json:"simMigrated,omitempty"`
}

// ReloadTasks is the table of /api/v1/reload-tasks.
var ReloadTasks = core.NewTable[reloadTask]("reloadTasks")

var reloadTaskResource = &core.Resource[reloadTask]{
	Table: ReloadTasks, Path: "/api/v1/reload-tasks", Label: "reload task",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbDelete,
	Row:   func(t *reloadTask) *core.Row { return &t.Row },

	DefaultLimit: 20,
	Filters: map[string]core.Filter[reloadTask]{
		"appId":   core.EqualFilter(func(t *reloadTask) string { return t.AppID }),
		"partial": core.BoolFilter(func(t *reloadTask) bool { return t.Partial }),
	},
	ReadOnly: []string{"type", "userId", "tenantId", "spaceId", "links", "migrated", "disabledCode", "jobId",
		"fortressId", "log", "lastExecutionTime", "nextExecutionTime", "simUserId", "simSpaceId", "simMigrated"},
	Prepare: prepareReloadTask,
	Render:  renderReloadTask,
}

var states = []string{"Enabled", "Disabled", "Completed"}

func prepareReloadTask(s *core.Server, st *core.State, t, old *reloadTask) *core.Invalid {
	switch {
	case t.AppID == "":
		return &core.Invalid{Pointer: "/appId", Detail: "appId is required", Missing: true}
	case t.TimeZone == "":
		return &core.Invalid{Pointer: "/timeZone", Detail: "timeZone is required", Missing: true}
	case old == nil && t.State != "":
		return &core.Invalid{Pointer: "/state", Detail: "state is set with PUT, not on create"}
	case t.State != "" && !slices.Contains(states, t.State):
		return &core.Invalid{Pointer: "/state", Detail: fmt.Sprintf("state %q is not one of %s", t.State, strings.Join(states, ", "))}
	}
	for i, line := range t.Recurrence {
		if !strings.HasPrefix(line, "RRULE:") || strings.Contains(line, "DTSTART") || strings.Contains(line, "DTEND") {
			return &core.Invalid{Pointer: fmt.Sprintf("/recurrence/%d", i), Detail: fmt.Sprintf("%q is not an RRULE line (DTSTART and DTEND go in startDateTime and endDateTime)", line)}
		}
	}
	a := liveApp(st, t.AppID)
	if a == nil {
		return &core.Invalid{Status: http.StatusNotFound, Pointer: "/appId", Detail: fmt.Sprintf("app %q not found", t.AppID)}
	}
	t.SpaceID = a.SpaceID
	if t.Recurrence == nil {
		t.Recurrence = []string{}
	}
	switch {
	case old == nil:
		t.State, t.UserID = "Enabled", core.CallerOf(st).ID
	default:
		t.UserID, t.Migrated = old.UserID, old.Migrated
		if t.State == "" {
			t.State = old.State
		}
	}
	return nil
}

// renderReloadTask is the spec's Task.
func renderReloadTask(r *http.Request, st *core.State, t *reloadTask) any {
	out := map[string]any{"id": t.ID, "appId": t.AppID, "partial": t.Partial, "autoReload": t.AutoReload,
		"autoReloadPartial": t.AutoReloadPartial, "timeZone": t.TimeZone, "recurrence": t.Recurrence,
		"startDateTime": t.StartDateTime, "endDateTime": t.EndDateTime, "state": t.State, "jobId": t.ID,
		"userId": t.UserID, "tenantId": st.TenantID, "spaceId": t.SpaceID, "migrated": t.Migrated,
		"links": map[string]any{"self": map[string]any{"href": core.BaseURL(r) + "/api/v1/reload-tasks/" + t.ID}}}
	if t.State == "Disabled" {
		out["disabledCode"] = "MANUALLY"
	}
	return out
}
