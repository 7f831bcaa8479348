package tasks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// task is one stored task of /api/v1/tasks (spec Task_2): the
// workflow-like body as the client wrote it, plus what the service derives
// from it. ResourceID, OwnerID and SpaceID are the service's: a body that
// names resourceId or metadata has them ignored, as the spec says.
//
// Choices where Qlik does not say:
//   - a task must run app.reload on a live app: a body whose states name
//     none, or an app that does not exist, is refused with 400;
//   - the list pages with next/prev cursors in links (the spec names a
//     page cursor; clients follow links.next.href either way);
//   - without ?sort the list is -updatedAt, as the spec says.
type task struct {
	core.Row
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Enabled     bool            `json:"enabled"`
	Version     string          `json:"version,omitempty"`
	SpecVersion string          `json:"specVersion"`
	Key         string          `json:"key,omitempty"`
	KeepActive  bool            `json:"keepActive,omitempty"`
	Annotations []string        `json:"annotations,omitempty"`
	Start       json.RawMessage `json:"start,omitempty"`
	Events      json.RawMessage `json:"events,omitempty"`
	States      json.RawMessage `json:"states,omitempty"`

	ResourceID string `json:"simResourceId"`
	OwnerID    string `json:"simOwnerId"`
	SpaceID    string `json:"simSpaceId"`
}

// Tasks is the table of /api/v1/tasks.
var Tasks = core.NewTable[task]("tasks")

// kebab is Task_2's pattern for task and state names.
var kebab = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])*$`)

var taskResource = &core.Resource[task]{
	Table: Tasks, Path: "/api/v1/tasks", Label: "task",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbDelete,
	Row:   func(t *task) *core.Row { return &t.Row },

	DefaultLimit: 20,
	DefaultSort:  "-updatedAt",
	Sorts: map[string]func(*task) string{
		"createdAt": func(t *task) string { return core.FmtTime(t.CreatedAt) },
		"updatedAt": func(t *task) string { return core.FmtTime(t.UpdatedAt) },
	},
	Filters: map[string]core.Filter[task]{
		"resourceId": core.EqualFilter(func(t *task) string { return t.ResourceID }),
	},
	ReadOnly: []string{"resourceId", "metadata", "simResourceId", "simOwnerId", "simSpaceId"},
	Prepare:  prepareTask,
	Render:   renderTask,
}

// reloadAction is the part of a state the service reads: the app a task
// reloads.
type reloadAction struct {
	OnEvents []struct {
		Actions []struct {
			FunctionRef json.RawMessage `json:"functionRef"`
		} `json:"actions"`
	} `json:"onEvents"`
}

// reloadedApp is the app id of the first app.reload action in states.
func reloadedApp(states json.RawMessage) string {
	var ss []reloadAction
	if json.Unmarshal(states, &ss) != nil {
		return ""
	}
	for _, s := range ss {
		for _, on := range s.OnEvents {
			for _, a := range on.Actions {
				var ref struct {
					RefName   string         `json:"refName"`
					Arguments map[string]any `json:"arguments"`
				}
				if json.Unmarshal(a.FunctionRef, &ref) == nil && ref.RefName == "app.reload" {
					id, _ := ref.Arguments["appId"].(string)
					return id
				}
			}
		}
	}
	return ""
}

func prepareTask(s *core.Server, st *core.State, t, old *task) *core.Invalid {
	switch {
	case !kebab.MatchString(t.Name):
		return &core.Invalid{Pointer: "/name", Detail: fmt.Sprintf("name %q must match ^[a-z0-9](-?[a-z0-9])*$", t.Name), Missing: t.Name == ""}
	case t.SpecVersion == "":
		return &core.Invalid{Pointer: "/specVersion", Detail: "specVersion is required", Missing: true}
	case len(t.States) == 0 || string(t.States) == "null":
		return &core.Invalid{Pointer: "/states", Detail: "a task needs at least one state", Missing: true}
	}
	var states []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(t.States, &states); err != nil || len(states) == 0 {
		return &core.Invalid{Pointer: "/states", Detail: "states must be a non-empty array of states"}
	}
	for i, x := range states {
		if !kebab.MatchString(x.Name) {
			return &core.Invalid{Pointer: fmt.Sprintf("/states/%d/name", i), Detail: fmt.Sprintf("state name %q must match ^[a-z0-9](-?[a-z0-9])*$", x.Name)}
		}
	}
	appID := reloadedApp(t.States)
	a := liveApp(st, appID)
	if a == nil {
		return &core.Invalid{Pointer: "/states", Detail: fmt.Sprintf("the task reloads no existing app (appId %q)", appID)}
	}
	t.ResourceID, t.SpaceID = a.ID, a.SpaceID
	// PUT transfers the task to the caller, as the spec says.
	t.OwnerID = core.CallerOf(st).ID
	return nil
}

// liveApp is the app of id unless it is missing or in the recycle bin.
func liveApp(st *core.State, id string) *appRef {
	a := apps.Apps.Get(st, id)
	if id == "" || a == nil || a.Deleted {
		return nil
	}
	return &appRef{ID: a.ID, Name: a.Name, SpaceID: a.SpaceID}
}

type appRef struct{ ID, Name, SpaceID string }

// renderTask is Task_2: the body as written, resourceId and metadata.
func renderTask(r *http.Request, st *core.State, t *task) any {
	out := map[string]any{"id": t.ID, "name": t.Name, "enabled": t.Enabled, "specVersion": t.SpecVersion,
		"resourceId": t.ResourceID, "states": t.States,
		"metadata": map[string]any{"usage": "ANALYTICS", "ownerId": t.OwnerID, "spaceId": t.SpaceID,
			"tenantId": st.TenantID, "createdAt": core.FmtTime(t.CreatedAt), "createdBy": t.CreatedBy,
			"updatedAt": core.FmtTime(t.UpdatedAt), "trigger": map[string]any{"id": t.ID, "type": 0}}}
	for k, v := range map[string]string{"description": t.Description, "version": t.Version, "key": t.Key} {
		if v != "" {
			out[k] = v
		}
	}
	if t.KeepActive {
		out["keepActive"] = true
	}
	if len(t.Annotations) > 0 {
		out["annotations"] = t.Annotations
	}
	for k, v := range map[string]json.RawMessage{"start": t.Start, "events": t.Events} {
		if len(v) > 0 && string(v) != "null" {
			out[k] = v
		}
	}
	return out
}
