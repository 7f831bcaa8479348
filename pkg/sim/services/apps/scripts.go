package apps

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The scripts API: every POST saves a new version that becomes current;
// the list is latest first (spec: "sorted with latest first"). Its page
// cursor is "not yet supported" in the spec, so the list is one page.

type scriptMeta struct {
	ScriptID       string `json:"scriptId"`
	ModifiedTime   string `json:"modifiedTime"`
	ModifierID     string `json:"modifierId"`
	Size           int    `json:"size"`
	VersionMessage string `json:"versionMessage"`
}

func (s server) listScripts(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	out := make([]scriptMeta, 0, len(a.Scripts))
	for _, v := range slices.Backward(a.Scripts) {
		out = append(out, scriptMeta{ScriptID: v.ID, ModifiedTime: core.FmtTime(v.ModifiedTime),
			ModifierID: v.ModifierID, Size: len(v.Script), VersionMessage: v.VersionMessage})
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"scripts": out, "links": map[string]any{},
		"privileges": []string{"read", "update"}})
}

// setScript saves {script, versionMessage} as the new current version.
func (s server) setScript(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Script         *string `json:"script"`
		VersionMessage string  `json:"versionMessage"`
	}
	bad := core.DecodeBody(r, &body) != nil || body.Script == nil
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	if bad {
		core.BadRequest(w, r, "/script", "the body must be {\"script\": \"...\", \"versionMessage\": \"...\"}")
		return
	}
	s.saveScript(s.St, a, *body.Script, body.VersionMessage)
	core.WriteJSON(w, http.StatusOK, map[string]any{})
}

// saveScript appends a version and marks the app modified.
func (s server) saveScript(st *core.State, a *app, script, message string) {
	s.touch(st, a)
	a.Scripts = append(a.Scripts, scriptVersion{ID: s.NewID(st), Script: script, VersionMessage: message,
		ModifiedTime: a.ModifiedAt, ModifierID: a.UpdaterID})
}

// getScript answers {script, versionMessage} of a version id or "current".
func (s server) getScript(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	v := a.current()
	if id != "current" {
		i := slices.IndexFunc(a.Scripts, func(v scriptVersion) bool { return v.ID == id })
		if i < 0 {
			core.NotFound(w, r, fmt.Sprintf("script version %q not found", id))
			return
		}
		v = &a.Scripts[i]
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"script": v.Script, "versionMessage": v.VersionMessage})
}
