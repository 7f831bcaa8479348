package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// spaceTypes and the roles each type allows (spaces spec, RoleType).
var spaceTypes = []string{"shared", "managed", "data"}

var assignableRoles = map[string][]string{
	"shared":  {"codeveloper", "consumer", "dataconsumer", "facilitator", "producer"},
	"managed": {"basicconsumer", "consumer", "contributor", "dataconsumer", "facilitator", "publisher"},
	"data":    {"consumer", "dataconsumer", "datapreview", "facilitator", "operator", "producer", "publisher"},
}

const forbiddenNameChars = `"*?<>/|\:`

type spaceJSON struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	OwnerID     string    `json:"ownerId"`
	TenantID    string    `json:"tenantId"`
	CreatedAt   string    `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
	UpdatedAt   string    `json:"updatedAt"`
	Meta        spaceMeta `json:"meta"`
	Links       struct {
		Self        link `json:"self"`
		Assignments link `json:"assignments"`
	} `json:"links"`
}

type spaceMeta struct {
	Actions         []string `json:"actions"`
	AssignableRoles []string `json:"assignableRoles"`
	Roles           []string `json:"roles"`
}

func (s *Server) renderSpace(r *http.Request, st *state, sp *space) spaceJSON {
	out := spaceJSON{ID: sp.ID, Type: sp.Type, Name: sp.Name, Description: sp.Description,
		OwnerID: sp.OwnerID, TenantID: st.TenantID, CreatedAt: fmtTime(sp.CreatedAt),
		CreatedBy: sp.CreatedBy, UpdatedAt: fmtTime(sp.UpdatedAt)}
	// The caller is a TenantAdmin: it may do everything.
	actions := []string{"change_owner", "create", "delete", "read", "update"}
	if sp.Type == "managed" {
		actions = append(actions, "publish")
	}
	roles := []string{}
	if c := callerOf(st); c != nil {
		for _, a := range spaceAssignments(st, sp.ID) {
			if a.Type == "user" && a.AssigneeID == c.ID {
				roles = append(roles, a.Roles...)
			}
		}
	}
	out.Meta = spaceMeta{Actions: actions, AssignableRoles: slices.Clone(assignableRoles[sp.Type]), Roles: roles}
	self := baseURL(r) + "/api/v1/spaces/" + sp.ID
	out.Links.Self.Href = self
	out.Links.Assignments.Href = self + "/assignments"
	return out
}

func (s *Server) routeSpaces(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/spaces", s.listSpaces)
	mux.HandleFunc("POST /api/v1/spaces", s.createSpace)
	mux.HandleFunc("GET /api/v1/spaces/types", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"data": spaceTypes})
	})
	mux.HandleFunc("GET /api/v1/spaces/{spaceId}", s.getSpace)
	mux.HandleFunc("PATCH /api/v1/spaces/{spaceId}", s.patchSpace)
	mux.HandleFunc("PUT /api/v1/spaces/{spaceId}", s.putSpace)
	mux.HandleFunc("DELETE /api/v1/spaces/{spaceId}", s.deleteSpace)
}

func (s *Server) listSpaces(w http.ResponseWriter, r *http.Request) {
	pq, ok := parsePaging(w, r, spacesDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := parseSort(w, r, "+createdAt", "type", "name", "createdAt")
	if !ok {
		return
	}
	pq.desc = desc
	q := r.URL.Query()
	name := strings.ToLower(q.Get("name"))
	var types []string
	if t := q.Get("type"); t != "" {
		types = strings.Split(t, ",")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []*space
	for _, sp := range Spaces.In(s.st) {
		if name != "" && !strings.Contains(strings.ToLower(sp.Name), name) ||
			types != nil && !slices.Contains(types, sp.Type) ||
			q.Has("ownerId") && sp.OwnerID != q.Get("ownerId") {
			continue
		}
		items = append(items, sp)
	}
	page, err := paginate(items, func(sp *space) sortKey { return spaceSortKey(sp, field) }, pq)
	if err != nil {
		badRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]spaceJSON, 0, len(page.items))
	for _, sp := range page.items {
		data = append(data, s.renderSpace(r, s.st, sp))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data":  data,
		"links": pageLinks(r, page.next, page.prev),
		"meta":  map[string]any{"count": page.total},
	})
}

func spaceSortKey(sp *space, field string) sortKey {
	switch field {
	case "name":
		return sortKey{K: strings.ToLower(sp.Name), S: sp.Seq}
	case "type":
		return sortKey{K: sp.Type, S: sp.Seq}
	}
	return seqKey(sp.Seq)
}

// validSpaceName returns "" or the reason the name is invalid.
func validSpaceName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "name is required"
	case utf8.RuneCountInString(name) > 256:
		return "name must be at most 256 characters"
	case strings.ContainsAny(name, forbiddenNameChars):
		return `name must not contain any of " * ? < > / | \ :`
	}
	return ""
}

// nameTaken reports whether another space has this name. Qlik does not say
// whether the check is case-sensitive; the simulator treats names
// case-insensitively (the stricter choice).
func nameTaken(st *state, name, exceptID string) bool {
	for _, sp := range Spaces.In(st) {
		if sp.ID != exceptID && strings.EqualFold(sp.Name, name) {
			return true
		}
	}
	return false
}

type spaceCreate struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

func (s *Server) createSpace(w http.ResponseWriter, r *http.Request) {
	var in spaceCreate
	if err := decodeBody(r, &in); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if msg := validSpaceName(in.Name); msg != "" {
		badRequest(w, r, "/name", msg)
		return
	}
	if !slices.Contains(spaceTypes, in.Type) {
		badRequest(w, r, "/type", "type must be one of shared, managed, data")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if nameTaken(s.st, in.Name, "") {
		conflict(w, r, "/name", fmt.Sprintf("a space named %q already exists; space names must be unique", in.Name))
		return
	}
	sp := s.insertSpace(s.st, in.Name, in.Type, in.Description, callerOf(s.st).ID)
	writeJSON(w, http.StatusCreated, s.renderSpace(r, s.st, sp))
}

func (s *Server) insertSpace(st *state, name, typ, desc, ownerID string) *space {
	now := s.now()
	sp := &space{ID: s.newID(st), Name: name, Type: typ, Description: desc, OwnerID: ownerID,
		CreatedBy: callerOf(st).ID, CreatedAt: now, UpdatedAt: now, Seq: st.nextSeq()}
	Spaces.In(st)[sp.ID] = sp
	return sp
}

// lookupSpace returns the space of the {spaceId} path value or writes a 404.
func (s *Server) lookupSpace(w http.ResponseWriter, r *http.Request) *space {
	sp := Spaces.In(s.st)[r.PathValue("spaceId")]
	if sp == nil {
		notFound(w, r, "space not found or access denied")
	}
	return sp
}

func (s *Server) getSpace(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.lookupSpace(w, r); sp != nil {
		writeJSON(w, http.StatusOK, s.renderSpace(r, s.st, sp))
	}
}

// spaceChange is the validated content of a PATCH or PUT.
type spaceChange struct {
	Name, Description, OwnerID *string
}

func (s *Server) patchSpace(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := decodeBody(r, &ops); err != nil {
		badRequest(w, r, "", "body must be a JSON Patch array: "+err.Error())
		return
	}
	var ch spaceChange
	for i, op := range ops {
		v, isStr := op.Value.(string)
		ptr := fmt.Sprintf("/%d", i)
		switch {
		case op.Op != "replace":
			badRequest(w, r, ptr+"/op", "only op replace is supported")
			return
		case !isStr:
			badRequest(w, r, ptr+"/value", "value must be a string")
			return
		}
		switch op.Path {
		case "/name":
			ch.Name = &v
		case "/description":
			ch.Description = &v
		case "/ownerId":
			ch.OwnerID = &v
		default:
			badRequest(w, r, ptr+"/path", "path must be one of /name, /ownerId, /description")
			return
		}
	}
	s.applySpaceChange(w, r, ch)
}

func (s *Server) putSpace(w http.ResponseWriter, r *http.Request) {
	var in spaceChange
	var body struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		OwnerID     *string `json:"ownerId"`
	}
	if err := decodeBody(r, &body); err != nil {
		badRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	in = spaceChange{Name: body.Name, Description: body.Description, OwnerID: body.OwnerID}
	s.applySpaceChange(w, r, in)
}

func (s *Server) applySpaceChange(w http.ResponseWriter, r *http.Request, ch spaceChange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	if ch.Name != nil {
		if msg := validSpaceName(*ch.Name); msg != "" {
			badRequest(w, r, "/name", msg)
			return
		}
		if nameTaken(s.st, *ch.Name, sp.ID) {
			conflict(w, r, "/name", fmt.Sprintf("a space named %q already exists; space names must be unique", *ch.Name))
			return
		}
	}
	if ch.OwnerID != nil && Users.In(s.st)[*ch.OwnerID] == nil {
		badRequest(w, r, "/ownerId", "ownerId must be the id of an existing user")
		return
	}
	if ch.Name != nil {
		sp.Name = *ch.Name
	}
	if ch.Description != nil {
		sp.Description = *ch.Description
	}
	if ch.OwnerID != nil {
		sp.OwnerID = *ch.OwnerID
	}
	sp.UpdatedAt = s.now()
	writeJSON(w, http.StatusOK, s.renderSpace(r, s.st, sp))
}

func (s *Server) deleteSpace(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	if !s.spaceIsEmpty(s.st, sp.ID) {
		writeError(w, r, http.StatusPreconditionFailed, "", "", "Precondition Failed",
			"the space is not empty: move or delete its apps and other resources first")
		return
	}
	for _, a := range spaceAssignments(s.st, sp.ID) {
		delete(Assignments.In(s.st), a.ID)
	}
	delete(Spaces.In(s.st), sp.ID)
	w.WriteHeader(http.StatusNoContent)
}
