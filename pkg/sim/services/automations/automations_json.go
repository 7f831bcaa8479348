package automations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The automation's JSON shapes: the rendered object, its sort keys, and the
// request body with its validation.

// autoMaxConcurrentRuns stands for the tenant setting
// maxConcurrentRunsPerAutomation (spec example value; guess).
const autoMaxConcurrentRuns = 10

// workspaceIDs collects the string values of the given keys anywhere in the
// workspace, e.g. every "connectorId" of every block: Qlik's connectorIds,
// endpointIds and snippetIds are "detected in the workspace" (guess at how).
func workspaceIDs(ws json.RawMessage, key string) []string {
	var v any
	if json.Unmarshal(ws, &v) != nil {
		return []string{}
	}
	set := map[string]bool{}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if s, ok := v.(string); ok && k == key && s != "" {
					set[s] = true
				} else {
					walk(v)
				}
			}
		case []any:
			for _, v := range t {
				walk(v)
			}
		}
	}
	walk(v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type scheduleJSON struct {
	ID         string `json:"id"`
	Interval   *int   `json:"interval,omitempty"`
	Recurrence string `json:"recurrence,omitempty"`
	StartAt    string `json:"startAt,omitempty"`
	StopAt     string `json:"stopAt,omitempty"`
	Timezone   string `json:"timezone,omitempty"`
}

// renderAutomation builds the detail object (detail=true) or the list object.
// The list leaves out workspace and executionToken: the definition is only
// visible to the owner through GET /{id} (guess; the spec marks both optional).
func (s server) renderAutomation(a *automation, detail bool) map[string]any {
	out := map[string]any{
		"id": a.ID, "name": a.Name, "description": a.Description, "state": a.State,
		"ownerId": a.OwnerID, "runMode": a.runMode(), "createdAt": core.FmtMicro(a.CreatedAt),
		"updatedAt": core.FmtMicro(a.UpdatedAt), "lastRunStatus": a.LastRunStatus,
		"maxConcurrentRuns": a.MaxConcurrentRuns,
		"connectorIds":      workspaceIDs(a.Workspace, "connectorId"),
		"endpointIds":       workspaceIDs(a.Workspace, "endpointId"),
		"snippetIds":        workspaceIDs(a.Workspace, "snippetId"),
	}
	if a.SpaceID != "" {
		out["spaceId"] = a.SpaceID
	}
	if a.LastRunAt != nil {
		out["lastRunAt"] = core.FmtMicro(*a.LastRunAt)
	}
	if detail {
		ws := a.Workspace
		if len(ws) == 0 {
			ws = json.RawMessage("{}")
		}
		out["workspace"] = ws
		out["executionToken"] = a.ExecutionToken
		sch := make([]scheduleJSON, 0, len(a.Schedules))
		for _, sc := range a.Schedules {
			sch = append(sch, scheduleJSON(sc))
		}
		out["schedules"] = sch
	}
	return out
}

func automationSortKey(a *automation, field string) core.SortKey {
	switch field {
	case "name":
		return core.SortKey{K: strings.ToLower(a.Name), S: a.Seq}
	case "runMode":
		return core.SortKey{K: a.runMode(), S: a.Seq}
	case "state":
		return core.SortKey{K: a.State, S: a.Seq}
	case "createdAt":
		return core.SortKey{K: core.FmtMicro(a.CreatedAt), S: a.Seq}
	case "updatedAt":
		return core.SortKey{K: core.FmtMicro(a.UpdatedAt), S: a.Seq}
	case "lastRunAt":
		if a.LastRunAt == nil {
			return core.SortKey{S: a.Seq}
		}
		return core.SortKey{K: core.FmtMicro(*a.LastRunAt), S: a.Seq}
	case "lastRunStatus":
		return core.SortKey{K: a.LastRunStatus, S: a.Seq}
	case "maxConcurrentRuns":
		return core.SortKey{K: fmt.Sprintf("%010d", a.MaxConcurrentRuns), S: a.Seq}
	}
	return core.SeqKey(a.Seq) // "id": creation order
}

// automationInput is AutomationDetailRequestObject (create) and
// AutomationDetailUpdateRequestObject (PUT, which has no spaceId).
type automationInput struct {
	Name              *string         `json:"name"`
	Description       *string         `json:"description"`
	SpaceID           *string         `json:"spaceId"`
	Workspace         json.RawMessage `json:"workspace"`
	Schedules         []scheduleInput `json:"schedules"`
	MaxConcurrentRuns *int            `json:"maxConcurrentRuns"`
}

type scheduleInput struct {
	Interval   *int   `json:"interval,omitempty"`
	Recurrence string `json:"recurrence,omitempty"`
	StartAt    string `json:"startAt,omitempty"`
	StopAt     string `json:"stopAt,omitempty"`
	Timezone   string `json:"timezone,omitempty"`
}

// readAutomationInput decodes and checks the body of create or (update) PUT,
// which may leave the name out but not blank it. It returns the checked
// workspace (nil when absent) or writes a 400.
func readAutomationInput(w http.ResponseWriter, r *http.Request, update bool) (automationInput, json.RawMessage, bool) {
	var in automationInput
	if err := core.DecodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return in, nil, false
	}
	ws, msg := checkWorkspace(in.Workspace)
	if msg == "" {
		msg = checkMaxRuns(in.MaxConcurrentRuns)
	}
	if msg == "" && update && in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		msg = "name must not be empty"
	}
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return in, nil, false
	}
	return in, ws, true
}

// buildSchedules validates and converts request schedules. interval is
// rounded to whole minutes (>= 30 s rounds up), as the spec describes.
func (s server) buildSchedules(st *core.State, in []scheduleInput) ([]automationSchedule, string) {
	out := []automationSchedule{}
	for i, sc := range in {
		as := automationSchedule{ID: s.NewUUID(st), Recurrence: sc.Recurrence, StartAt: sc.StartAt,
			StopAt: sc.StopAt, Timezone: sc.Timezone}
		if sc.Interval != nil {
			if *sc.Interval < 30 {
				return nil, fmt.Sprintf("schedules[%d].interval must be at least 60 seconds", i)
			}
			v := (*sc.Interval + 30) / 60 * 60
			as.Interval = &v
		}
		if sc.Interval == nil && sc.Recurrence == "" {
			return nil, fmt.Sprintf("schedules[%d] needs an interval or a recurrence", i)
		}
		if sc.Timezone != "" {
			if _, err := time.LoadLocation(sc.Timezone); err != nil {
				return nil, fmt.Sprintf("schedules[%d].timezone %q is not a known time zone", i, sc.Timezone)
			}
		}
		out = append(out, as)
	}
	return out, ""
}

// checkWorkspace accepts an absent workspace (nil) or a JSON object.
func checkWorkspace(ws json.RawMessage) (json.RawMessage, string) {
	t := bytes.TrimSpace(ws)
	if len(t) == 0 || string(t) == "null" {
		return nil, ""
	}
	if t[0] != '{' {
		return nil, "workspace must be a JSON object"
	}
	var m map[string]any
	if err := json.Unmarshal(t, &m); err != nil {
		return nil, "workspace must be a JSON object"
	}
	return json.RawMessage(slices.Clone(t)), ""
}

func checkMaxRuns(p *int) string {
	if p != nil && (*p < 1 || *p > autoMaxConcurrentRuns) {
		return fmt.Sprintf("maxConcurrentRuns must be between 1 and %d (the tenant's maxConcurrentRunsPerAutomation)", autoMaxConcurrentRuns)
	}
	return ""
}
