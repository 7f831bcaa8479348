package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
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

const (
	autoDefaultLimit = 100
	autoMaxLimit     = 200
	// autoMaxConcurrentRuns stands for the tenant setting
	// maxConcurrentRunsPerAutomation (spec example value; guess).
	autoMaxConcurrentRuns = 10
)

// automationsInSpace counts automations and automation connections in the
// space: both are space content, so the space cannot be deleted (412).
func (st *state) automationsInSpace(spaceID string) int {
	n := 0
	for _, a := range st.Automations {
		if a.SpaceID == spaceID {
			n++
		}
	}
	for _, c := range st.AutomationConnections {
		if c.SpaceID == spaceID {
			n++
		}
	}
	return n
}

// autoError writes the automations / automation-connections error body:
// {"errors":[{code,title,detail}],"traceId"} (spec ErrorResponse). The codes
// are the simulator's own (Qlik's spec gives none).
func autoError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	prefix := "AUTOMATIONS"
	if strings.Contains(r.URL.Path, "automation-connections") {
		prefix = "AUTOMATION-CONNECTIONS"
	}
	writeJSON(w, status, map[string]any{
		"errors": []any{map[string]any{"code": fmt.Sprintf("%s-%d", prefix, status),
			"title": http.StatusText(status), "detail": detail}},
		"traceId": newTraceID(),
	})
}

func (s *Server) routeAutomations(mux *routeMux) {
	for _, base := range []string{"/api/v1/automations", "/api/workflows/automations"} {
		mux.HandleFunc("GET "+base, s.listAutomations)
		mux.HandleFunc("POST "+base, s.createAutomation)
		mux.HandleFunc("GET "+base+"/{id}", s.getAutomation)
		mux.HandleFunc("PUT "+base+"/{id}", s.putAutomation)
		mux.HandleFunc("DELETE "+base+"/{id}", s.deleteAutomation)
		mux.HandleFunc("POST "+base+"/{id}/actions/enable", s.automationSetState("available"))
		mux.HandleFunc("POST "+base+"/{id}/actions/disable", s.automationSetState("disabled"))
		mux.HandleFunc("POST "+base+"/{id}/actions/change-owner", s.automationChangeOwner)
		mux.HandleFunc("POST "+base+"/{id}/actions/move", s.automationChangeOwner)
		mux.HandleFunc("POST "+base+"/{id}/actions/change-space", s.automationChangeSpace)
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
func (s *Server) renderAutomation(a *automation, detail bool) map[string]any {
	out := map[string]any{
		"id": a.ID, "name": a.Name, "description": a.Description, "state": a.State,
		"ownerId": a.OwnerID, "runMode": a.runMode(), "createdAt": fmtMicro(a.CreatedAt),
		"updatedAt": fmtMicro(a.UpdatedAt), "lastRunStatus": a.LastRunStatus,
		"maxConcurrentRuns": a.MaxConcurrentRuns,
		"connectorIds":      workspaceIDs(a.Workspace, "connectorId"),
		"endpointIds":       workspaceIDs(a.Workspace, "endpointId"),
		"snippetIds":        workspaceIDs(a.Workspace, "snippetId"),
	}
	if a.SpaceID != "" {
		out["spaceId"] = a.SpaceID
	}
	if a.LastRunAt != nil {
		out["lastRunAt"] = fmtMicro(*a.LastRunAt)
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

func automationSortKey(a *automation, field string) sortKey {
	switch field {
	case "name":
		return sortKey{K: strings.ToLower(a.Name), S: a.Seq}
	case "runMode":
		return sortKey{K: a.runMode(), S: a.Seq}
	case "state":
		return sortKey{K: a.State, S: a.Seq}
	case "createdAt":
		return sortKey{K: fmtMicro(a.CreatedAt), S: a.Seq}
	case "updatedAt":
		return sortKey{K: fmtMicro(a.UpdatedAt), S: a.Seq}
	case "lastRunAt":
		if a.LastRunAt == nil {
			return sortKey{S: a.Seq}
		}
		return sortKey{K: fmtMicro(*a.LastRunAt), S: a.Seq}
	case "lastRunStatus":
		return sortKey{K: a.LastRunStatus, S: a.Seq}
	case "maxConcurrentRuns":
		return sortKey{K: fmt.Sprintf("%010d", a.MaxConcurrentRuns), S: a.Seq}
	}
	return seqKey(a.Seq) // "id": creation order
}

// cursorListLinks is the automations-family links object: next and prev with
// an href that is null when there is no such page (spec PaginationLink).
func cursorListLinks(r *http.Request, next, prev string) map[string]any {
	n, p := dirCursorHrefs(r, "cursor", next, prev)
	href := func(h string) map[string]any {
		if h == "" {
			return map[string]any{"href": nil}
		}
		return map[string]any{"href": h}
	}
	return map[string]any{"next": href(n), "prev": href(p)}
}

func (s *Server) listAutomations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, msg := parseLimitIn(r, autoDefaultLimit, autoMaxLimit)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	field, desc, ok := parseSignedSort(q.Get("sort"), "id", "id", "name", "runMode", "state", "createdAt",
		"updatedAt", "lastRunAt", "lastRunStatus", "maxConcurrentRuns")
	if !ok {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("unsupported sort field %q", field))
		return
	}
	pq := pageQuery{limit: limit, desc: desc}
	if !readDirCursor(&pq, q.Get("cursor")) {
		autoError(w, r, http.StatusBadRequest, "invalid cursor")
		return
	}
	var filter filterExpr
	if f := q.Get("filter"); f != "" {
		var err error
		if filter, err = parseFilter(f, "name", "runMode", "lastRunStatus", "ownerId", "spaceId"); err != nil {
			autoError(w, r, http.StatusBadRequest, "invalid filter: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := s.caller(s.st)
	listAll := queryBool(r, "listAll", true)
	if listAll && !s.st.hasRole(caller, "TenantAdmin") && !s.st.hasRole(caller, "AnalyticsAdmin") {
		listAll = false
	}
	var items []*automation
	for _, a := range s.st.Automations {
		if !listAll && a.OwnerID != caller.ID {
			continue
		}
		if filter != nil && !filter.eval(func(attr string) []string {
			switch attr {
			case "name":
				return []string{a.Name}
			case "runmode":
				return []string{a.runMode()}
			case "lastrunstatus":
				return []string{a.LastRunStatus}
			case "ownerid":
				return []string{a.OwnerID}
			case "spaceid":
				return []string{a.SpaceID}
			}
			return nil
		}) {
			continue
		}
		items = append(items, a)
	}
	page, err := paginate(items, func(a *automation) sortKey { return automationSortKey(a, field) }, pq)
	if err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid cursor")
		return
	}
	data := make([]map[string]any, 0, len(page.items))
	for _, a := range page.items {
		data = append(data, s.renderAutomation(a, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "links": cursorListLinks(r, page.next, page.prev)})
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

// buildSchedules validates and converts request schedules. interval is
// rounded to whole minutes (>= 30 s rounds up), as the spec describes.
func (s *Server) buildSchedules(st *state, in []scheduleInput) ([]automationSchedule, string) {
	out := []automationSchedule{}
	for i, sc := range in {
		as := automationSchedule{ID: s.newUUID(st), Recurrence: sc.Recurrence, StartAt: sc.StartAt,
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

func (s *Server) createAutomation(w http.ResponseWriter, r *http.Request) {
	var in automationInput
	if err := decodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	ws, msg := checkWorkspace(in.Workspace)
	if msg == "" {
		msg = checkMaxRuns(in.MaxConcurrentRuns)
	}
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &automation{Name: "Untitled automation", Description: deref(in.Description), Workspace: ws,
		MaxConcurrentRuns: 1}
	if in.Name != nil && strings.TrimSpace(*in.Name) != "" {
		a.Name = *in.Name
	}
	if in.MaxConcurrentRuns != nil {
		a.MaxConcurrentRuns = *in.MaxConcurrentRuns
	}
	if in.SpaceID != nil && *in.SpaceID != "" {
		if s.st.Spaces[*in.SpaceID] == nil {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", *in.SpaceID))
			return
		}
		a.SpaceID = *in.SpaceID
	}
	if a.Schedules, msg = s.buildSchedules(s.st, in.Schedules); msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.insertAutomation(s.st, a, s.caller(s.st).ID)
	writeJSON(w, http.StatusCreated, s.renderAutomation(a, true))
}

func (s *Server) insertAutomation(st *state, a *automation, ownerID string) {
	a.ID = s.newUUID(st)
	now := s.now()
	a.OwnerID, a.CreatedAt, a.UpdatedAt, a.Seq = ownerID, now, now, st.nextSeq()
	a.ExecutionToken = randomToken(64)
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
	st.Automations[a.ID] = a
}

// lookupAutomation returns the automation of {id} or writes a 404.
func (s *Server) lookupAutomation(w http.ResponseWriter, r *http.Request) *automation {
	a := s.st.Automations[strings.ToLower(r.PathValue("id"))]
	if a == nil {
		autoError(w, r, http.StatusNotFound, "automation not found")
	}
	return a
}

// ownedAutomation is lookupAutomation plus Qlik's rule for GET and PUT /{id}:
// "The requesting user must be the owner of the automation" (403 otherwise,
// even for a TenantAdmin).
func (s *Server) ownedAutomation(w http.ResponseWriter, r *http.Request) *automation {
	a := s.lookupAutomation(w, r)
	if a != nil && a.OwnerID != s.caller(s.st).ID {
		autoError(w, r, http.StatusForbidden, "the requesting user is not the owner of the automation")
		return nil
	}
	return a
}

func (s *Server) getAutomation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.ownedAutomation(w, r); a != nil {
		writeJSON(w, http.StatusOK, s.renderAutomation(a, true))
	}
}

func (s *Server) putAutomation(w http.ResponseWriter, r *http.Request) {
	var in automationInput
	if err := decodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	ws, msg := checkWorkspace(in.Workspace)
	if msg == "" {
		msg = checkMaxRuns(in.MaxConcurrentRuns)
	}
	if msg == "" && in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		msg = "name must not be empty"
	}
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownedAutomation(w, r)
	if a == nil {
		return
	}
	var sch []automationSchedule
	if in.Schedules != nil {
		if sch, msg = s.buildSchedules(s.st, in.Schedules); msg != "" {
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
	a.UpdatedAt = s.now()
	writeJSON(w, http.StatusOK, s.renderAutomation(a, true))
}

func (s *Server) deleteAutomation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAutomation(w, r)
	if a == nil {
		return
	}
	c := s.caller(s.st)
	if a.OwnerID != c.ID && !s.st.hasRole(c, "TenantAdmin") && !s.st.hasRole(c, "AnalyticsAdmin") {
		autoError(w, r, http.StatusForbidden, "only the owner or an admin may delete the automation")
		return
	}
	delete(s.st.Automations, a.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) automationSetState(state string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		a := s.lookupAutomation(w, r)
		if a == nil {
			return
		}
		if a.State != state {
			a.State = state
			a.UpdatedAt = s.now()
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) automationChangeOwner(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userId"`
	}
	if err := decodeBody(r, &in); err != nil || in.UserID == "" {
		autoError(w, r, http.StatusBadRequest, "body must be {\"userId\": \"...\"}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAutomation(w, r)
	if a == nil {
		return
	}
	if !s.st.hasRole(s.caller(s.st), "TenantAdmin") {
		autoError(w, r, http.StatusForbidden, "changing the owner requires the TenantAdmin role")
		return
	}
	if s.st.Users[in.UserID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("user %q does not exist", in.UserID))
		return
	}
	if a.OwnerID != in.UserID {
		// "This action removes the history and change logs of this automation."
		a.OwnerID, a.LastRunStatus, a.LastRunAt = in.UserID, "not started", nil
		a.UpdatedAt = s.now()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) automationChangeSpace(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SpaceID *string `json:"spaceId"`
	}
	if err := decodeBody(r, &in); err != nil || in.SpaceID == nil {
		autoError(w, r, http.StatusBadRequest, "body must be {\"spaceId\": \"...\"}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAutomation(w, r)
	if a == nil {
		return
	}
	if *in.SpaceID != "" && s.st.Spaces[*in.SpaceID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", *in.SpaceID))
		return
	}
	a.SpaceID = *in.SpaceID
	a.UpdatedAt = s.now()
	w.WriteHeader(http.StatusNoContent)
}

// copyAutomation duplicates an automation the caller owns (reading the
// definition needs ownership, as GET /{id} does; guess) into a new one owned
// by the caller, in the same space.
func (s *Server) copyAutomation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeBody(r, &in); err != nil || strings.TrimSpace(in.Name) == "" {
		autoError(w, r, http.StatusBadRequest, "body must be {\"name\": \"...\"}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ownedAutomation(w, r)
	if a == nil {
		return
	}
	cp := &automation{Name: in.Name, Description: a.Description, SpaceID: a.SpaceID, State: "available",
		Workspace: slices.Clone(a.Workspace), MaxConcurrentRuns: a.MaxConcurrentRuns}
	for _, sc := range a.Schedules {
		sc.ID = s.newUUID(s.st)
		cp.Schedules = append(cp.Schedules, sc)
	}
	s.insertAutomation(s.st, cp, s.caller(s.st).ID)
	writeJSON(w, http.StatusCreated, map[string]any{"id": cp.ID})
}

// seedAutomation is one entry of automations.yaml. space names a space
// (absent: personal); owner is a user email (absent: the API-key caller);
// state is enabled (default) or disabled; workspace is any object.
type seedAutomation struct {
	Name              string          `json:"name"`
	Space             string          `json:"space,omitempty"`
	Owner             string          `json:"owner,omitempty"`
	Description       string          `json:"description,omitempty"`
	State             string          `json:"state,omitempty"`
	Workspace         json.RawMessage `json:"workspace,omitempty"`
	Schedules         []scheduleInput `json:"schedules,omitempty"`
	MaxConcurrentRuns *int            `json:"maxConcurrentRuns,omitempty"`
	LastRunStatus     string          `json:"lastRunStatus,omitempty"`
}

var automationRunStatuses = []string{"failed", "finished", "finished with warnings", "must stop", "not started",
	"paused", "running", "starting", "stopped", "exceeded limit"}

func (s *Server) seedAutomations(st *state, dir string) error {
	path := filepath.Join(dir, "automations.yaml")
	var entries []seedAutomation
	if err := readSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		where := fmt.Sprintf("%s: automations[%d] (%q)", path, i, e.Name)
		if strings.TrimSpace(e.Name) == "" {
			return fmt.Errorf("%s: name is required", where)
		}
		a := &automation{Name: e.Name, Description: e.Description, MaxConcurrentRuns: 1, LastRunStatus: e.LastRunStatus}
		switch e.State {
		case "", "enabled", "available":
			a.State = "available"
		case "disabled":
			a.State = "disabled"
		default:
			return fmt.Errorf("%s: state must be enabled or disabled, not %q", where, e.State)
		}
		if e.LastRunStatus != "" && !slices.Contains(automationRunStatuses, e.LastRunStatus) {
			return fmt.Errorf("%s: unknown lastRunStatus %q", where, e.LastRunStatus)
		}
		ws, msg := checkWorkspace(e.Workspace)
		if msg == "" {
			msg = checkMaxRuns(e.MaxConcurrentRuns)
		}
		if msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		a.Workspace = ws
		if e.MaxConcurrentRuns != nil {
			a.MaxConcurrentRuns = *e.MaxConcurrentRuns
		}
		if a.Schedules, msg = s.buildSchedules(st, e.Schedules); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		owner := s.caller(st)
		if e.Owner != "" {
			if owner = st.userByEmail(e.Owner); owner == nil {
				return fmt.Errorf("%s: owner %q is not a user in users.yaml", where, e.Owner)
			}
		}
		if e.Space != "" {
			sp := st.spaceByName(e.Space)
			if sp == nil {
				return fmt.Errorf("%s: space %q is not in spaces.yaml", where, e.Space)
			}
			a.SpaceID = sp.ID
		}
		s.insertAutomation(st, a, owner.ID)
	}
	return nil
}
