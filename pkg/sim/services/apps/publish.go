package apps

import (
	"fmt"
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Publishing (spec: POST and PUT /api/v1/apps/{appId}/publish, both 200
// NxApp). Publish copies the app into a managed space as a new app whose
// originAppId is the source and whose publishTime is set; republish copies
// the source's script and objects over an existing published copy
// (targetId). Choices where Qlik does not say:
//   - the space must be a managed space (400 otherwise, 404 when unknown);
//   - the copy is owned by the caller, named and described like the source
//     unless attributes say otherwise;
//   - republish with checkOriginAppId (default true) refuses a target that
//     was published from another app (400); with false it re-points the
//     copy to this source, as after the source was re-created;
//   - moveApp is not supported (400): qlikops never moves on publish.

type publishBody struct {
	SpaceID    string        `json:"spaceId"`
	Attributes appAttributes `json:"attributes"`
	MoveApp    bool          `json:"moveApp"`
}

type republishBody struct {
	TargetID         string        `json:"targetId"`
	Attributes       appAttributes `json:"attributes"`
	CheckOriginAppID *bool         `json:"checkOriginAppId"`
}

func (s server) publishApp(w http.ResponseWriter, r *http.Request) {
	var body publishBody
	bad := core.DecodeBody(r, &body)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	src := lookup(w, r, s.St)
	switch {
	case src == nil:
		return
	case bad != nil:
		core.BadRequest(w, r, "", "the body must be {\"spaceId\": \"<managed space id>\", ...}: "+bad.Error())
		return
	case body.MoveApp:
		core.BadRequest(w, r, "/moveApp", "moveApp is not supported by qliksim")
		return
	case body.SpaceID == "":
		core.BadRequest(w, r, "/spaceId", "publish needs the managed space's id")
		return
	}
	sp := core.Spaces.Get(s.St, body.SpaceID)
	if sp == nil {
		core.NotFound(w, r, fmt.Sprintf("space %q not found", body.SpaceID))
		return
	}
	if sp.Type != "managed" {
		core.BadRequest(w, r, "/spaceId", fmt.Sprintf("apps are published to managed spaces; %q is a %s space", sp.Name, sp.Type))
		return
	}
	name, desc := src.Name, src.Description
	if body.Attributes.Name != nil && *body.Attributes.Name != "" {
		name = *body.Attributes.Name
	}
	if body.Attributes.Description != nil {
		desc = *body.Attributes.Description
	}
	c := s.newApp(s.St, name, desc, sp.ID, src.Usage, src.current().Script, cloneObjects(src.Objects))
	c.Scripts[0].VersionMessage = "Published"
	c.OriginAppID, c.PublishTime = src.ID, c.CreatedAt
	core.WriteJSON(w, http.StatusOK, renderApp(c))
}

func (s server) republishApp(w http.ResponseWriter, r *http.Request) {
	var body republishBody
	bad := core.DecodeBody(r, &body)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	src := lookup(w, r, s.St)
	switch {
	case src == nil:
		return
	case bad != nil || body.TargetID == "":
		core.BadRequest(w, r, "/targetId", "the body must be {\"targetId\": \"<published copy id>\", ...}")
		return
	}
	target := live(s.St, body.TargetID)
	if target == nil {
		core.NotFound(w, r, fmt.Sprintf("app %q not found", body.TargetID))
		return
	}
	if target.OriginAppID == "" {
		core.BadRequest(w, r, "/targetId", fmt.Sprintf("app %q is not a published copy", body.TargetID))
		return
	}
	if (body.CheckOriginAppID == nil || *body.CheckOriginAppID) && target.OriginAppID != src.ID {
		core.BadRequest(w, r, "/checkOriginAppId", fmt.Sprintf("app %q was published from another app", body.TargetID))
		return
	}
	if body.Attributes.Name != nil && *body.Attributes.Name != "" {
		target.Name = *body.Attributes.Name
	}
	if body.Attributes.Description != nil {
		target.Description = *body.Attributes.Description
	}
	target.Objects = cloneObjects(src.Objects)
	s.saveScript(s.St, target, src.current().Script, "Republished")
	target.OriginAppID, target.PublishTime = src.ID, target.ModifiedAt
	core.WriteJSON(w, http.StatusOK, renderApp(target))
}

func cloneObjects(objs []appObject) []appObject {
	return append([]appObject{}, objs...)
}
