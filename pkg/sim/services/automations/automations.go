package automations

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// automation is one Qlik Automate automation. Workspace is the opaque
// editor JSON, stored verbatim. ExecutionToken is a secret.
type automation struct {
	ID                string               `json:"id"`
	Name              string               `json:"name"`
	Description       string               `json:"description"`
	SpaceID           string               `json:"spaceId"` // "" = personal
	OwnerID           string               `json:"ownerId"`
	State             string               `json:"state"` // available | disabled
	Workspace         json.RawMessage      `json:"workspace"`
	Schedules         []automationSchedule `json:"schedules"`
	MaxConcurrentRuns int                  `json:"maxConcurrentRuns"`
	ExecutionToken    string               `json:"executionToken"`
	LastRunStatus     string               `json:"lastRunStatus"`
	LastRunAt         *time.Time           `json:"lastRunAt,omitempty"`
	CreatedAt         time.Time            `json:"createdAt"`
	UpdatedAt         time.Time            `json:"updatedAt"`
	Seq               int64                `json:"seq"`
}

type automationSchedule struct {
	ID         string `json:"id"`
	Interval   *int   `json:"interval,omitempty"`
	Recurrence string `json:"recurrence,omitempty"`
	StartAt    string `json:"startAt,omitempty"`
	StopAt     string `json:"stopAt,omitempty"`
	Timezone   string `json:"timezone,omitempty"`
}

// automationsInSpace counts automations and automation connections in the
// space: both are space content, so the space cannot be deleted (412).
func automationsInSpace(st *core.State, spaceID string) int {
	n := 0
	for _, a := range Automations.In(st) {
		if a.SpaceID == spaceID {
			n++
		}
	}
	for _, c := range AutomationConnections.In(st) {
		if c.SpaceID == spaceID {
			n++
		}
	}
	return n
}

func (s server) routeAutomations(mux *core.RouteMux) {
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		mux.HandleFunc("GET "+base, s.listAutomations)
		mux.HandleFunc("POST "+base, s.createAutomation)
		mux.HandleFunc("GET "+base+"/{id}", s.getAutomation)
		mux.HandleFunc("PUT "+base+"/{id}", s.putAutomation)
		mux.HandleFunc("DELETE "+base+"/{id}", s.deleteAutomation)
		mux.HandleFunc("POST "+base+"/{id}/actions/enable", s.automationSetState("available"))
		mux.HandleFunc("POST "+base+"/{id}/actions/disable", s.automationSetState("disabled"))
		mux.HandleFunc("POST "+base+"/{id}/actions/change-owner", s.autoChangeOwner(s.findAutomation, true))
		mux.HandleFunc("POST "+base+"/{id}/actions/move", s.autoChangeOwner(s.findAutomation, true))
		mux.HandleFunc("POST "+base+"/{id}/actions/change-space", s.autoChangeSpace(s.findAutomation))
		mux.HandleFunc("POST "+base+"/{id}/actions/copy", s.copyAutomation)
	}
}

// runMode is derived: scheduled when the automation has a schedule, else
// manual. (Qlik also derives triggered/webhook from the start block; the
// simulator does not interpret blocks.)
func (a *automation) runMode() string {
	if len(a.Schedules) > 0 {
		return "scheduled"
	}
	return "manual"
}

// giveTo changes the owner. Qlik: "This action removes the history and
// change logs of this automation."
func (a *automation) giveTo(userID string, now func() time.Time) {
	if a.OwnerID != userID {
		a.OwnerID, a.LastRunStatus, a.LastRunAt = userID, "not started", nil
		a.UpdatedAt = now()
	}
}

func (a *automation) moveTo(spaceID string, now func() time.Time) {
	a.SpaceID = spaceID
	a.UpdatedAt = now()
}

var automationList = autoList([]string{"name", "runMode", "lastRunStatus", "ownerId", "spaceId"},
	"id", "name", "runMode", "state", "createdAt", "updatedAt", "lastRunAt", "lastRunStatus", "maxConcurrentRuns")

func (s server) listAutomations(w http.ResponseWriter, r *http.Request) {
	cq, msg := automationList.Parse(r)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	caller := core.CallerOf(s.St)
	// listAll (default true) is quietly ignored for a caller who is no admin.
	listAll := core.QueryBool(r, "listAll", true) && isAutomationAdmin(s.St, caller)
	var items []*automation
	for _, a := range Automations.In(s.St) {
		if !listAll && a.OwnerID != caller.ID {
			continue
		}
		if cq.Keep(map[string]string{"name": a.Name, "runmode": a.runMode(), "lastrunstatus": a.LastRunStatus,
			"ownerid": a.OwnerID, "spaceid": a.SpaceID}) {
			items = append(items, a)
		}
	}
	writeAutoList(w, r, items, func(a *automation) core.SortKey { return automationSortKey(a, cq.Sort) }, cq.Page,
		func(a *automation) map[string]any { return s.renderAutomation(a, false) })
}

func (s server) createAutomation(w http.ResponseWriter, r *http.Request) {
	in, ws, ok := readAutomationInput(w, r, false)
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := &automation{Name: "Untitled automation", Description: core.Deref(in.Description), Workspace: ws,
		MaxConcurrentRuns: 1}
	if in.Name != nil && strings.TrimSpace(*in.Name) != "" {
		a.Name = *in.Name
	}
	if in.MaxConcurrentRuns != nil {
		a.MaxConcurrentRuns = *in.MaxConcurrentRuns
	}
	if in.SpaceID != nil && *in.SpaceID != "" {
		if core.Spaces.In(s.St)[*in.SpaceID] == nil {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", *in.SpaceID))
			return
		}
		a.SpaceID = *in.SpaceID
	}
	var msg string
	if a.Schedules, msg = s.buildSchedules(s.St, in.Schedules); msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.insertAutomation(s.St, a, core.CallerOf(s.St).ID)
	core.WriteJSON(w, http.StatusCreated, s.renderAutomation(a, true))
}

func (s server) insertAutomation(st *core.State, a *automation, ownerID string) {
	a.ID = s.NewUUID(st)
	now := s.Now()
	a.OwnerID, a.CreatedAt, a.UpdatedAt, a.Seq = ownerID, now, now, st.NextSeq()
	a.ExecutionToken = core.RandomToken(64)
	if a.State == "" {
		a.State = "available"
	}
	if a.LastRunStatus == "" {
		a.LastRunStatus = "not started"
	}
	if len(a.Workspace) == 0 {
		a.Workspace = json.RawMessage("{}")
	}
	if a.Schedules == nil {
		a.Schedules = []automationSchedule{}
	}
	if a.MaxConcurrentRuns == 0 {
		a.MaxConcurrentRuns = 1
	}
	Automations.In(st)[a.ID] = a
}

func (s server) lookupAutomation(w http.ResponseWriter, r *http.Request) *automation {
	return autoLookup(w, r, Automations.In(s.St), "automation")
}

// findAutomation is lookupAutomation for the shared actions. It returns an
// untyped nil: a nil *automation in the interface would not compare to nil.
func (s server) findAutomation(w http.ResponseWriter, r *http.Request) autoResource {
	if a := s.lookupAutomation(w, r); a != nil {
		return a
	}
	return nil
}

// ownedAutomation is lookupAutomation plus Qlik's rule for GET and PUT /{id}:
// "The requesting user must be the owner of the automation" (403 otherwise,
// even for a TenantAdmin).
func (s server) ownedAutomation(w http.ResponseWriter, r *http.Request) *automation {
	a := s.lookupAutomation(w, r)
	if a != nil && a.OwnerID != core.CallerOf(s.St).ID {
		autoError(w, r, http.StatusForbidden, "the requesting user is not the owner of the automation")
		return nil
	}
	return a
}

func (s server) getAutomation(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if a := s.ownedAutomation(w, r); a != nil {
		core.WriteJSON(w, http.StatusOK, s.renderAutomation(a, true))
	}
}

func (s server) putAutomation(w http.ResponseWriter, r *http.Request) {
	in, ws, ok := readAutomationInput(w, r, true)
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := s.ownedAutomation(w, r)
	if a == nil {
		return
	}
	if in.Schedules != nil {
		sch, msg := s.buildSchedules(s.St, in.Schedules)
		if msg != "" {
			autoError(w, r, http.StatusBadRequest, msg)
			return
		}
		a.Schedules = sch
	}
	if in.Name != nil {
		a.Name = *in.Name
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if ws != nil {
		a.Workspace = ws
	}
	if in.MaxConcurrentRuns != nil {
		a.MaxConcurrentRuns = *in.MaxConcurrentRuns
	}
	a.UpdatedAt = s.Now()
	core.WriteJSON(w, http.StatusOK, s.renderAutomation(a, true))
}

func (s server) deleteAutomation(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := s.lookupAutomation(w, r)
	if a == nil {
		return
	}
	if c := core.CallerOf(s.St); a.OwnerID != c.ID && !isAutomationAdmin(s.St, c) {
		autoError(w, r, http.StatusForbidden, "only the owner or an admin may delete the automation")
		return
	}
	delete(Automations.In(s.St), a.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s server) automationSetState(state string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		a := s.lookupAutomation(w, r)
		if a == nil {
			return
		}
		if a.State != state {
			a.State = state
			a.UpdatedAt = s.Now()
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// copyAutomation duplicates an automation the caller owns (reading the
// definition needs ownership, as GET /{id} does; guess) into a new one owned
// by the caller, in the same space.
func (s server) copyAutomation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := core.DecodeBody(r, &in); err != nil || strings.TrimSpace(in.Name) == "" {
		autoError(w, r, http.StatusBadRequest, "body must be {\"name\": \"...\"}")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := s.ownedAutomation(w, r)
	if a == nil {
		return
	}
	cp := &automation{Name: in.Name, Description: a.Description, SpaceID: a.SpaceID, State: "available",
		Workspace: slices.Clone(a.Workspace), MaxConcurrentRuns: a.MaxConcurrentRuns}
	for _, sc := range a.Schedules {
		sc.ID = s.NewUUID(s.St)
		cp.Schedules = append(cp.Schedules, sc)
	}
	s.insertAutomation(s.St, cp, core.CallerOf(s.St).ID)
	core.WriteJSON(w, http.StatusCreated, map[string]any{"id": cp.ID})
}

// Automations is the automations table.
var Automations = core.NewTable[automation]("automations")
