package spaces

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/qlikops/qlikops/pkg/sim/core"
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
		Self        core.Link `json:"self"`
		Assignments core.Link `json:"assignments"`
	} `json:"links"`
}

type spaceMeta struct {
	Actions         []string `json:"actions"`
	AssignableRoles []string `json:"assignableRoles"`
	Roles           []string `json:"roles"`
}

func (s server) renderSpace(r *http.Request, st *core.State, sp *core.Space) spaceJSON {
	out := spaceJSON{ID: sp.ID, Type: sp.Type, Name: sp.Name, Description: sp.Description,
		OwnerID: sp.OwnerID, TenantID: st.TenantID, CreatedAt: core.FmtTime(sp.CreatedAt),
		CreatedBy: sp.CreatedBy, UpdatedAt: core.FmtTime(sp.UpdatedAt)}
	// The caller is a TenantAdmin: it may do everything.
	actions := []string{"change_owner", "create", "delete", "read", "update"}
	if sp.Type == "managed" {
		actions = append(actions, "publish")
	}
	roles := []string{}
	if c := core.CallerOf(st); c != nil {
		for _, a := range spaceAssignments(st, sp.ID) {
			if a.Type == "user" && a.AssigneeID == c.ID {
				roles = append(roles, a.Roles...)
			}
		}
	}
	out.Meta = spaceMeta{Actions: actions, AssignableRoles: slices.Clone(assignableRoles[sp.Type]), Roles: roles}
	self := core.BaseURL(r) + "/api/v1/spaces/" + sp.ID
	out.Links.Self.Href = self
	out.Links.Assignments.Href = self + "/assignments"
	return out
}

func (s server) routeSpaces(mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/spaces", s.listSpaces)
	mux.HandleFunc("POST /api/v1/spaces", s.createSpace)
	mux.HandleFunc("GET /api/v1/spaces/types", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": spaceTypes})
	})
	mux.HandleFunc("GET /api/v1/spaces/{spaceId}", s.getSpace)
	mux.HandleFunc("PATCH /api/v1/spaces/{spaceId}", s.patchSpace)
	mux.HandleFunc("PUT /api/v1/spaces/{spaceId}", s.putSpace)
	mux.HandleFunc("DELETE /api/v1/spaces/{spaceId}", s.deleteSpace)
}

func (s server) listSpaces(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, core.SpacesDefaultLimit)
	if !ok {
		return
	}
	field, desc, ok := core.ParseSort(w, r, "+createdAt", "type", "name", "createdAt")
	if !ok {
		return
	}
	pq.Desc = desc
	q := r.URL.Query()
	name := strings.ToLower(q.Get("name"))
	var types []string
	if t := q.Get("type"); t != "" {
		types = strings.Split(t, ",")
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var items []*core.Space
	for _, sp := range core.Spaces.In(s.St) {
		if name != "" && !strings.Contains(strings.ToLower(sp.Name), name) ||
			types != nil && !slices.Contains(types, sp.Type) ||
			q.Has("ownerId") && sp.OwnerID != q.Get("ownerId") {
			continue
		}
		items = append(items, sp)
	}
	page, err := core.Paginate(items, func(sp *core.Space) core.SortKey { return spaceSortKey(sp, field) }, pq)
	if err != nil {
		core.BadRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]spaceJSON, 0, len(page.Items))
	for _, sp := range page.Items {
		data = append(data, s.renderSpace(r, s.St, sp))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"data":  data,
		"links": core.PageLinks(r, page.Next, page.Prev),
		"meta":  map[string]any{"count": page.Total},
	})
}

func spaceSortKey(sp *core.Space, field string) core.SortKey {
	switch field {
	case "name":
		return core.SortKey{K: strings.ToLower(sp.Name), S: sp.Seq}
	case "type":
		return core.SortKey{K: sp.Type, S: sp.Seq}
	}
	return core.SeqKey(sp.Seq)
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
func nameTaken(st *core.State, name, exceptID string) bool {
	for _, sp := range core.Spaces.In(st) {
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

func (s server) createSpace(w http.ResponseWriter, r *http.Request) {
	var in spaceCreate
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	if msg := validSpaceName(in.Name); msg != "" {
		core.BadRequest(w, r, "/name", msg)
		return
	}
	if !slices.Contains(spaceTypes, in.Type) {
		core.BadRequest(w, r, "/type", "type must be one of shared, managed, data")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if nameTaken(s.St, in.Name, "") {
		core.Conflict(w, r, "/name", fmt.Sprintf("a space named %q already exists; space names must be unique", in.Name))
		return
	}
	sp := s.insertSpace(s.St, in.Name, in.Type, in.Description, core.CallerOf(s.St).ID)
	core.WriteJSON(w, http.StatusCreated, s.renderSpace(r, s.St, sp))
}

func (s server) insertSpace(st *core.State, name, typ, desc, ownerID string) *core.Space {
	now := s.Now()
	sp := &core.Space{ID: s.NewID(st), Name: name, Type: typ, Description: desc, OwnerID: ownerID,
		CreatedBy: core.CallerOf(st).ID, CreatedAt: now, UpdatedAt: now, Seq: st.NextSeq()}
	core.Spaces.In(st)[sp.ID] = sp
	return sp
}

// lookupSpace returns the space of the {spaceId} path value or writes a 404.
func (s server) lookupSpace(w http.ResponseWriter, r *http.Request) *core.Space {
	sp := core.Spaces.In(s.St)[r.PathValue("spaceId")]
	if sp == nil {
		core.NotFound(w, r, "space not found or access denied")
	}
	return sp
}

func (s server) getSpace(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if sp := s.lookupSpace(w, r); sp != nil {
		core.WriteJSON(w, http.StatusOK, s.renderSpace(r, s.St, sp))
	}
}

// spaceChange is the validated content of a PATCH or PUT.
type spaceChange struct {
	Name, Description, OwnerID *string
}

func (s server) patchSpace(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "body must be a JSON Patch array: "+err.Error())
		return
	}
	var ch spaceChange
	for i, op := range ops {
		v, isStr := op.Value.(string)
		ptr := fmt.Sprintf("/%d", i)
		switch {
		case op.Op != "replace":
			core.BadRequest(w, r, ptr+"/op", "only op replace is supported")
			return
		case !isStr:
			core.BadRequest(w, r, ptr+"/value", "value must be a string")
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
			core.BadRequest(w, r, ptr+"/path", "path must be one of /name, /ownerId, /description")
			return
		}
	}
	s.applySpaceChange(w, r, ch)
}

func (s server) putSpace(w http.ResponseWriter, r *http.Request) {
	var in spaceChange
	var body struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		OwnerID     *string `json:"ownerId"`
	}
	if err := core.DecodeBody(r, &body); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	in = spaceChange{Name: body.Name, Description: body.Description, OwnerID: body.OwnerID}
	s.applySpaceChange(w, r, in)
}

func (s server) applySpaceChange(w http.ResponseWriter, r *http.Request, ch spaceChange) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	if ch.Name != nil {
		if msg := validSpaceName(*ch.Name); msg != "" {
			core.BadRequest(w, r, "/name", msg)
			return
		}
		if nameTaken(s.St, *ch.Name, sp.ID) {
			core.Conflict(w, r, "/name", fmt.Sprintf("a space named %q already exists; space names must be unique", *ch.Name))
			return
		}
	}
	if ch.OwnerID != nil && core.Users.In(s.St)[*ch.OwnerID] == nil {
		core.BadRequest(w, r, "/ownerId", "ownerId must be the id of an existing user")
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
	sp.UpdatedAt = s.Now()
	core.WriteJSON(w, http.StatusOK, s.renderSpace(r, s.St, sp))
}

func (s server) deleteSpace(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sp := s.lookupSpace(w, r)
	if sp == nil {
		return
	}
	if !s.SpaceIsEmpty(s.St, sp.ID) {
		core.WriteError(w, r, http.StatusPreconditionFailed, "", "", "Precondition Failed",
			"the space is not empty: move or delete its apps and other resources first")
		return
	}
	for _, a := range spaceAssignments(s.St, sp.ID) {
		delete(Assignments.In(s.St), a.ID)
	}
	delete(core.Spaces.In(s.St), sp.ID)
	w.WriteHeader(http.StatusNoContent)
}
