package spaces

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

type assignmentJSON struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	AssigneeID string   `json:"assigneeId"`
	Roles      []string `json:"roles"`
	SpaceID    string   `json:"spaceId"`
	TenantID   string   `json:"tenantId"`
	CreatedAt  string   `json:"createdAt"`
	CreatedBy  string   `json:"createdBy"`
	UpdatedAt  string   `json:"updatedAt"`
	UpdatedBy  string   `json:"updatedBy"`
	Links      struct {
		Self  core.Link `json:"self"`
		Space core.Link `json:"space"`
	} `json:"links"`
}

func renderAssignment(r *http.Request, st *core.State, a *assignment) assignmentJSON {
	out := assignmentJSON{ID: a.ID, Type: a.Type, AssigneeID: a.AssigneeID, Roles: slices.Clone(a.Roles),
		SpaceID: a.SpaceID, TenantID: st.TenantID, CreatedAt: core.FmtTime(a.CreatedAt), CreatedBy: a.CreatedBy,
		UpdatedAt: core.FmtTime(a.UpdatedAt), UpdatedBy: a.UpdatedBy}
	sp := core.BaseURL(r) + "/api/v1/spaces/" + a.SpaceID
	out.Links.Self.Href = sp + "/assignments/" + a.ID
	out.Links.Space.Href = sp
	return out
}

func (s server) routeAssignments(mux *core.RouteMux) {
	const base = "/api/v1/spaces/{spaceId}/assignments"
	mux.HandleFunc("GET "+base, s.listAssignments)
	mux.HandleFunc("POST "+base, s.createAssignment)
	mux.HandleFunc("GET "+base+"/{assignmentId}", s.getAssignment)
	mux.HandleFunc("PUT "+base+"/{assignmentId}", s.putAssignment)
	mux.HandleFunc("DELETE "+base+"/{assignmentId}", s.deleteAssignment)
}

func (s server) listAssignments(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, core.SpacesDefaultLimit)
	if !ok {
		return
	}
	q := r.URL.Query()
	typ := q.Get("type")
	if typ != "" && !slices.Contains([]string{"user", "group", "bot"}, typ) {
		core.BadRequest(w, r, "?type", "type must be user, group or bot")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	var items []*assignment
	for _, a := range spaceAssignments(s.St, sp.ID) {
		if typ != "" && a.Type != typ || q.Has("assigneeId") && a.AssigneeID != q.Get("assigneeId") {
			continue
		}
		items = append(items, a)
	}
	page, err := core.Paginate(items, func(a *assignment) core.SortKey { return core.SeqKey(a.Seq) }, pq)
	if err != nil {
		core.BadRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]assignmentJSON, 0, len(page.Items))
	for _, a := range page.Items {
		data = append(data, renderAssignment(r, s.St, a))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"data":  data,
		"links": core.PageLinks(r, page.Next, page.Prev),
		"meta":  map[string]any{"count": page.Total},
	})
}

// checkRoles returns "" or why roles are not valid for a space of type typ.
func checkRoles(typ string, roles []string) string {
	if len(roles) == 0 {
		return "roles must not be empty"
	}
	allowed := assignableRoles[typ]
	for _, ro := range roles {
		if !slices.Contains(allowed, ro) {
			return fmt.Sprintf("role %q is not allowed in a %s space; allowed roles: %s",
				ro, typ, strings.Join(allowed, ", "))
		}
	}
	return ""
}

// checkAssignee returns "" or why assigneeId is not a valid assignee.
func checkAssignee(st *core.State, typ, assigneeID string) string {
	switch typ {
	case "user", "bot":
		if core.Users.In(st)[assigneeID] == nil {
			return fmt.Sprintf("no user with id %q", assigneeID)
		}
	case "group":
		if core.Groups.In(st)[assigneeID] == nil {
			return fmt.Sprintf("no group with id %q", assigneeID)
		}
	default:
		return "type must be user, group or bot"
	}
	return ""
}

type assignmentCreate struct {
	Type       string   `json:"type"`
	AssigneeID string   `json:"assigneeId"`
	Roles      []string `json:"roles"`
}

func (s server) createAssignment(w http.ResponseWriter, r *http.Request) {
	var in assignmentCreate
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	a, ptr, msg, status := s.addAssignment(s.St, sp, in)
	switch status {
	case http.StatusBadRequest:
		core.BadRequest(w, r, ptr, msg)
	case http.StatusConflict:
		core.Conflict(w, r, ptr, msg)
	default:
		core.WriteJSON(w, http.StatusCreated, renderAssignment(r, s.St, a))
	}
}

// addAssignment validates and stores an assignment. On failure it returns
// the status (400 or 409), the JSON pointer and the message.
func (s server) addAssignment(st *core.State, sp *core.Space, in assignmentCreate) (*assignment, string, string, int) {
	return s.addAssignmentTo(st, sp, in, assigneesOf(st, sp.ID))
}

// assigneesOf is the set of assignee IDs the space has an assignment for.
func assigneesOf(st *core.State, spaceID string) map[string]bool {
	out := map[string]bool{}
	for _, a := range spaceAssignments(st, spaceID) {
		out[a.AssigneeID] = true
	}
	return out
}

// addAssignmentTo is addAssignment given the space's assignees, which it
// extends: seeding a space's members keeps one set instead of scanning every
// assignment of the tenant per member (quadratic on a generated tenant).
func (s server) addAssignmentTo(st *core.State, sp *core.Space, in assignmentCreate, assignees map[string]bool) (*assignment, string, string, int) {
	if msg := checkAssignee(st, in.Type, in.AssigneeID); msg != "" {
		ptr := "/assigneeId"
		if in.Type != "user" && in.Type != "group" && in.Type != "bot" {
			ptr = "/type"
		}
		return nil, ptr, msg, http.StatusBadRequest
	}
	if msg := checkRoles(sp.Type, in.Roles); msg != "" {
		return nil, "/roles", msg, http.StatusBadRequest
	}
	if in.Type != "group" && in.AssigneeID == sp.OwnerID {
		return nil, "/assigneeId", "the space owner cannot be assigned: the owner has all assignableRoles implicitly",
			http.StatusBadRequest
	}
	if assignees[in.AssigneeID] {
		return nil, "/assigneeId", "an assignment for this assigneeId already exists in the space",
			http.StatusConflict
	}
	now := s.Now()
	caller := core.CallerOf(st).ID
	a := &assignment{ID: s.NewID(st), SpaceID: sp.ID, Type: in.Type, AssigneeID: in.AssigneeID,
		Roles: dedupe(in.Roles), CreatedBy: caller, UpdatedBy: caller, CreatedAt: now, UpdatedAt: now,
		Seq: st.NextSeq()}
	Assignments.In(st)[a.ID] = a
	assignees[a.AssigneeID] = true
	return a, "", "", 0
}

func dedupe(list []string) []string {
	out := []string{}
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// lookupAssignment finds {assignmentId} within {spaceId} or writes a 404.
func (s server) lookupAssignment(w http.ResponseWriter, r *http.Request) (*core.Space, *assignment) {
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return nil, nil
	}
	a := Assignments.In(s.St)[r.PathValue("assignmentId")]
	if a == nil || a.SpaceID != sp.ID {
		core.NotFound(w, r, "assignment not found")
		return nil, nil
	}
	return sp, a
}

func (s server) getAssignment(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if _, a := s.lookupAssignment(w, r); a != nil {
		core.WriteJSON(w, http.StatusOK, renderAssignment(r, s.St, a))
	}
}

func (s server) putAssignment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Roles []string `json:"roles"`
	}
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sp, a := s.lookupAssignment(w, r)
	if a == nil {
		return
	}
	if msg := checkRoles(sp.Type, in.Roles); msg != "" {
		core.BadRequest(w, r, "/roles", msg)
		return
	}
	a.Roles = dedupe(in.Roles)
	a.UpdatedAt = s.Now()
	a.UpdatedBy = core.CallerOf(s.St).ID
	core.WriteJSON(w, http.StatusOK, renderAssignment(r, s.St, a))
}

func (s server) deleteAssignment(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if _, a := s.lookupAssignment(w, r); a != nil {
		delete(Assignments.In(s.St), a.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}
