package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
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
		Self  link `json:"self"`
		Space link `json:"space"`
	} `json:"links"`
}

func renderAssignment(r *http.Request, st *state, a *assignment) assignmentJSON {
	out := assignmentJSON{ID: a.ID, Type: a.Type, AssigneeID: a.AssigneeID, Roles: slices.Clone(a.Roles),
		SpaceID: a.SpaceID, TenantID: st.TenantID, CreatedAt: fmtTime(a.CreatedAt), CreatedBy: a.CreatedBy,
		UpdatedAt: fmtTime(a.UpdatedAt), UpdatedBy: a.UpdatedBy}
	sp := baseURL(r) + "/api/v1/spaces/" + a.SpaceID
	out.Links.Self.Href = sp + "/assignments/" + a.ID
	out.Links.Space.Href = sp
	return out
}

func (s *Server) routeAssignments(mux *routeMux) {
	const base = "/api/v1/spaces/{spaceId}/assignments"
	mux.HandleFunc("GET "+base, s.listAssignments)
	mux.HandleFunc("POST "+base, s.createAssignment)
	mux.HandleFunc("GET "+base+"/{assignmentId}", s.getAssignment)
	mux.HandleFunc("PUT "+base+"/{assignmentId}", s.putAssignment)
	mux.HandleFunc("DELETE "+base+"/{assignmentId}", s.deleteAssignment)
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) {
	pq, ok := parsePaging(w, r, spacesDefaultLimit)
	if !ok {
		return
	}
	q := r.URL.Query()
	typ := q.Get("type")
	if typ != "" && !slices.Contains([]string{"user", "group", "bot"}, typ) {
		badRequest(w, r, "?type", "type must be user, group or bot")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	var items []*assignment
	for _, a := range spaceAssignments(s.st, sp.ID) {
		if typ != "" && a.Type != typ || q.Has("assigneeId") && a.AssigneeID != q.Get("assigneeId") {
			continue
		}
		items = append(items, a)
	}
	page, err := paginate(items, func(a *assignment) sortKey { return seqKey(a.Seq) }, pq)
	if err != nil {
		badRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]assignmentJSON, 0, len(page.items))
	for _, a := range page.items {
		data = append(data, renderAssignment(r, s.st, a))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data":  data,
		"links": pageLinks(r, page.next, page.prev),
		"meta":  map[string]any{"count": page.total},
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
func checkAssignee(st *state, typ, assigneeID string) string {
	switch typ {
	case "user", "bot":
		if Users.In(st)[assigneeID] == nil {
			return fmt.Sprintf("no user with id %q", assigneeID)
		}
	case "group":
		if Groups.In(st)[assigneeID] == nil {
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

func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request) {
	var in assignmentCreate
	if err := decodeBody(r, &in); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	a, ptr, msg, status := s.addAssignment(s.st, sp, in)
	switch status {
	case http.StatusBadRequest:
		badRequest(w, r, ptr, msg)
	case http.StatusConflict:
		conflict(w, r, ptr, msg)
	default:
		writeJSON(w, http.StatusCreated, renderAssignment(r, s.st, a))
	}
}

// addAssignment validates and stores an assignment. On failure it returns
// the status (400 or 409), the JSON pointer and the message.
func (s *Server) addAssignment(st *state, sp *space, in assignmentCreate) (*assignment, string, string, int) {
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
	for _, a := range spaceAssignments(st, sp.ID) {
		if a.AssigneeID == in.AssigneeID {
			return nil, "/assigneeId", "an assignment for this assigneeId already exists in the space",
				http.StatusConflict
		}
	}
	now := s.now()
	caller := callerOf(st).ID
	a := &assignment{ID: s.newID(st), SpaceID: sp.ID, Type: in.Type, AssigneeID: in.AssigneeID,
		Roles: dedupe(in.Roles), CreatedBy: caller, UpdatedBy: caller, CreatedAt: now, UpdatedAt: now,
		Seq: st.nextSeq()}
	Assignments.In(st)[a.ID] = a
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
func (s *Server) lookupAssignment(w http.ResponseWriter, r *http.Request) (*space, *assignment) {
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return nil, nil
	}
	a := Assignments.In(s.st)[r.PathValue("assignmentId")]
	if a == nil || a.SpaceID != sp.ID {
		notFound(w, r, "assignment not found")
		return nil, nil
	}
	return sp, a
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, a := s.lookupAssignment(w, r); a != nil {
		writeJSON(w, http.StatusOK, renderAssignment(r, s.st, a))
	}
}

func (s *Server) putAssignment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Roles []string `json:"roles"`
	}
	if err := decodeBody(r, &in); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, a := s.lookupAssignment(w, r)
	if a == nil {
		return
	}
	if msg := checkRoles(sp.Type, in.Roles); msg != "" {
		badRequest(w, r, "/roles", msg)
		return
	}
	a.Roles = dedupe(in.Roles)
	a.UpdatedAt = s.now()
	a.UpdatedBy = callerOf(s.st).ID
	writeJSON(w, http.StatusOK, renderAssignment(r, s.st, a))
}

func (s *Server) deleteAssignment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, a := s.lookupAssignment(w, r); a != nil {
		delete(Assignments.In(s.st), a.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}
