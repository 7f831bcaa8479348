package apps

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Apps (spec qliksense-apps-api-openapi.yml; restore from @qlik/api's
// analytics/apps). Choices where Qlik does not say:
//   - create, update, owner and space changes answer 200 with the NxApp;
//     delete answers 200 with an empty JSON object (the spec's 200 has an
//     empty application/json body);
//   - a name is required on create (400) and need not be unique: Qlik
//     allows two apps of one name in one space;
//   - a space that does not exist is 404 on create, import and move;
//   - delete is soft: the app leaves the items list and answers 404, keeps
//     its id, and actions/restore brings it back into its space (403 when
//     that space is gone, 404 for an id that is live or unknown).
func (s server) routeApps(mux *core.RouteMux) {
	const base = "/api/v1/apps"
	mux.HandleFunc("POST "+base, s.createApp)
	mux.HandleFunc("GET "+base+"/{appId}", s.getApp)
	mux.HandleFunc("PUT "+base+"/{appId}", s.updateApp)
	mux.HandleFunc("DELETE "+base+"/{appId}", s.deleteApp)
	mux.HandleFunc("PUT "+base+"/{appId}/owner", s.changeOwner)
	mux.HandleFunc("PUT "+base+"/{appId}/space", s.moveSpace)
	mux.HandleFunc("DELETE "+base+"/{appId}/space", s.moveToPersonal)
	mux.HandleFunc("POST "+base+"/{appId}/export", s.exportApp)
	mux.HandleFunc("POST "+base+"/import", s.importApp)
	mux.HandleFunc("GET "+base+"/{appId}/scripts", s.listScripts)
	mux.HandleFunc("POST "+base+"/{appId}/scripts", s.setScript)
	mux.HandleFunc("GET "+base+"/{appId}/scripts/{id}", s.getScript)
	mux.HandleFunc("POST "+base+"/{appId}/publish", s.publishApp)
	mux.HandleFunc("PUT "+base+"/{appId}/publish", s.republishApp)
	mux.HandleFunc("POST /api/analytics/apps/{appId}/actions/restore", s.restoreApp)
}

// appAttributes is the spec's AppAttributes (create) and
// AppUpdateAttributes (PUT).
type appAttributes struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	SpaceID     string  `json:"spaceId"`
	Locale      string  `json:"locale"`
	Usage       string  `json:"usage"`
}

func (s server) createApp(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Attributes appAttributes `json:"attributes"`
	}
	if err := core.DecodeBody(r, &body); err != nil {
		core.BadRequest(w, r, "", "the body must be {\"attributes\": {...}}: "+err.Error())
		return
	}
	at := body.Attributes
	if at.Name == nil || strings.TrimSpace(*at.Name) == "" {
		core.BadRequest(w, r, "/attributes/name", "an app needs a name")
		return
	}
	if at.Usage == "" {
		at.Usage = "ANALYTICS"
	}
	if !slices.Contains(usages, at.Usage) {
		core.BadRequest(w, r, "/attributes/usage", fmt.Sprintf("usage %q is not one of %s", at.Usage, strings.Join(usages, ", ")))
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !spaceExists(w, r, s.St, at.SpaceID) {
		return
	}
	a := s.newApp(s.St, *at.Name, deref(at.Description), at.SpaceID, at.Usage, defaultScript, nil)
	a.Locale = at.Locale
	core.WriteJSON(w, http.StatusOK, renderApp(a))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// spaceExists writes the 404 unless id is "" (personal) or a space.
func spaceExists(w http.ResponseWriter, r *http.Request, st *core.State, id string) bool {
	if id == "" || core.Spaces.Get(st, id) != nil {
		return true
	}
	core.NotFound(w, r, fmt.Sprintf("space %q not found", id))
	return false
}

// newApp stores an app owned and created by the caller, with one script
// version.
func (s server) newApp(st *core.State, name, desc, spaceID, usage, script string, objects []appObject) *app {
	now, by := s.Now(), core.CallerOf(st).ID
	a := &app{ID: s.NewUUID(st), ItemID: s.NewID(st), Name: name, Description: desc, SpaceID: spaceID,
		OwnerID: by, CreatorID: by, UpdaterID: by, Usage: usage, CreatedAt: now, ModifiedAt: now,
		Objects: objects, Seq: st.NextSeq()}
	if a.Objects == nil {
		a.Objects = []appObject{}
	}
	a.Scripts = []scriptVersion{{ID: s.NewID(st), Script: script, ModifiedTime: now, ModifierID: by}}
	Apps.Put(st, a.ID, a)
	return a
}

func (s server) getApp(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if a := lookup(w, r, s.St); a != nil {
		core.WriteJSON(w, http.StatusOK, renderApp(a))
	}
}

// updateApp is PUT /apps/{appId}: only name and description are writable;
// an absent field is left as it is.
func (s server) updateApp(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Attributes appAttributes `json:"attributes"`
	}
	if err := core.DecodeBody(r, &body); err != nil {
		core.BadRequest(w, r, "", "the body must be {\"attributes\": {...}}: "+err.Error())
		return
	}
	at := body.Attributes
	if at.Name != nil && strings.TrimSpace(*at.Name) == "" {
		core.BadRequest(w, r, "/attributes/name", "an app needs a name")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	if at.Name != nil {
		a.Name = *at.Name
	}
	if at.Description != nil {
		a.Description = *at.Description
	}
	s.touch(s.St, a)
	core.WriteJSON(w, http.StatusOK, renderApp(a))
}

func (s server) deleteApp(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if a := lookup(w, r, s.St); a != nil {
		a.Deleted, a.DeletedAt = true, s.Now()
		core.WriteJSON(w, http.StatusOK, map[string]any{})
	}
}

// restoreApp brings a soft-deleted app back: same id, same space, same
// owner and script, and (a guess: Qlik does not say) the same modified time,
// since its content did not change.
func (s server) restoreApp(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	id := r.PathValue("appId")
	a := Apps.Get(s.St, id)
	if a == nil || !a.Deleted {
		core.NotFound(w, r, fmt.Sprintf("no deleted app %q in the recycle bin", id))
		return
	}
	if a.SpaceID != "" && core.Spaces.Get(s.St, a.SpaceID) == nil {
		core.WriteError(w, r, http.StatusForbidden, "", "", "Forbidden",
			fmt.Sprintf("the app's space %q no longer exists", a.SpaceID))
		return
	}
	a.Deleted, a.DeletedAt = false, time.Time{}
	core.WriteJSON(w, http.StatusOK, renderApp(a))
}

func (s server) changeOwner(w http.ResponseWriter, r *http.Request) {
	s.reassign(w, r, "ownerId", "user", func(id string) bool {
		if core.Users.Get(s.St, id) == nil {
			core.NotFound(w, r, fmt.Sprintf("user %q not found", id))
			return false
		}
		return true
	}, func(a *app, id string) { a.OwnerID = id })
}

func (s server) moveSpace(w http.ResponseWriter, r *http.Request) {
	s.reassign(w, r, "spaceId", "space", func(id string) bool { return spaceExists(w, r, s.St, id) },
		func(a *app, id string) { a.SpaceID = id })
}

// reassign is the shape owner changes and space moves share: a body naming
// one id in field, the app looked up, the id checked (check writes its own
// error), then set and answered with the app.
func (s server) reassign(w http.ResponseWriter, r *http.Request, field, what string, check func(id string) bool, set func(a *app, id string)) {
	var body map[string]any
	err := core.DecodeBody(r, &body)
	id, _ := body[field].(string)
	bad := err != nil || id == ""
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	if bad {
		core.BadRequest(w, r, "/"+field, fmt.Sprintf("the body must be {%q: \"<%s id>\"}", field, what))
		return
	}
	if !check(id) {
		return
	}
	set(a, id)
	s.touch(s.St, a)
	core.WriteJSON(w, http.StatusOK, renderApp(a))
}

func (s server) moveToPersonal(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if a := lookup(w, r, s.St); a != nil {
		a.SpaceID = ""
		s.touch(s.St, a)
		core.WriteJSON(w, http.StatusOK, renderApp(a))
	}
}
