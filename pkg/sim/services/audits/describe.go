package audits

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// description is what an event says about one write.
type description struct {
	eventType, source string
	data              map[string]any
	extensions        map[string]string
}

// describe derives the event of a write from its route, so that every
// service's writes are recorded the same way:
//
//	POST   /api/v1/spaces                         com.qlik.v1.space.created      data.id from the answer
//	PATCH  /api/v1/spaces/{spaceId}               com.qlik.v1.space.updated      data.id = spaceId
//	DELETE /api/v1/spaces/{spaceId}/assignments/{assignmentId}
//	                                              com.qlik.v1.space.assignment.deleted,
//	                                              extensions.topLevelResourceId = spaceId
//	POST   /api/v1/automations/{id}/actions/enable  com.qlik.v1.automation.enable
//	POST   /api/v1/apps/import                    com.qlik.v1.app.import         data.id from the answer
//
// The first collection after /api/<version or namespace>/ is the top-level
// resource; a literal followed by a wildcard, or a last literal after an
// id, is a sub-resource; "actions/X", or a last literal right after the
// collection on a POST, is an action. Qlik's own type names are
// com.qlik.v1.<resource>.<action> (reference notes 23a); which types a
// tenant has is not published, so these follow that pattern. The source is
// the top-level collection, "com.qlik/spaces".
func describe(w core.Write) (description, bool) {
	segs := strings.Split(strings.Trim(w.Pattern, "/"), "/")
	if len(segs) < 3 || segs[0] != "api" {
		return description{}, false
	}
	segs = segs[2:] // api, v1 | core | workflows | analytics
	type level struct{ name, id string }
	var chain []level
	action := ""
	for i := 0; i < len(segs); i++ {
		seg := segs[i]
		switch {
		case isWildcard(seg):
			if len(chain) > 0 {
				chain[len(chain)-1].id = w.Values[strings.Trim(seg, "{}")]
			}
		case seg == "actions" && i+1 < len(segs):
			action = segs[i+1]
			i = len(segs)
		case len(chain) == 0 || chain[len(chain)-1].id != "" || i+1 < len(segs) && isWildcard(segs[i+1]):
			chain = append(chain, level{name: seg})
		case w.Method == http.MethodPost && i == len(segs)-1:
			action = seg // POST /apps/import
		default:
			// a literal right after a collection that is not an action: a
			// singleton under it (/groups/settings)
			chain[len(chain)-1].name += "-" + seg
		}
	}
	if len(chain) == 0 {
		return description{}, false
	}
	last := &chain[len(chain)-1]
	if action == "" {
		switch w.Method {
		case http.MethodPost:
			action = "created"
		case http.MethodDelete:
			action = "deleted"
		default:
			action = "updated"
		}
	}
	answer := answerOf(w.Body)
	if last.id == "" && (action == "created" || w.Method == http.MethodPost) {
		last.id = answer.id
	}
	names := make([]string, len(chain))
	for i, l := range chain {
		names[i] = singular(l.name)
	}
	d := description{
		eventType:  "com.qlik.v1." + strings.Join(names, ".") + "." + action,
		source:     "com.qlik/" + chain[0].name,
		data:       map[string]any{"id": last.id, "resourceType": names[len(names)-1]},
		extensions: map[string]string{},
	}
	if answer.name != "" {
		d.data["name"] = answer.name
	}
	if len(chain) > 1 && chain[0].id != "" {
		d.extensions["topLevelResourceId"] = chain[0].id
		d.data["topLevelResourceType"] = names[0]
	}
	if answer.spaceID != "" {
		d.extensions["spaceId"] = answer.spaceID
	}
	if answer.ownerID != "" {
		d.extensions["ownerId"] = answer.ownerID
	}
	return d, true
}

func isWildcard(seg string) bool { return strings.HasPrefix(seg, "{") }

// singular names one item of a collection: spaces → space, ip-policies →
// ip-policy, glossaries → glossary.
func singular(name string) string {
	switch {
	case strings.HasSuffix(name, "ies"):
		return strings.TrimSuffix(name, "ies") + "y"
	case strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss"):
		return strings.TrimSuffix(name, "s")
	}
	return name
}

// answer is what a write's answer says about the item: its id (id, an
// app's attributes.id, a data connection's qID), name, space and owner.
type answer struct{ id, name, spaceID, ownerID string }

func answerOf(body []byte) answer {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return answer{}
	}
	str := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	a := answer{id: str(m, "id", "qID"), name: str(m, "name", "qName", "title"),
		spaceID: str(m, "spaceId", "space"), ownerID: str(m, "ownerId", "owner")}
	if attrs, ok := m["attributes"].(map[string]any); ok {
		if a.id == "" {
			a.id = str(attrs, "id")
		}
		if a.name == "" {
			a.name = str(attrs, "name")
		}
		if a.spaceID == "" {
			a.spaceID = str(attrs, "spaceId")
		}
		if a.ownerID == "" {
			a.ownerID = str(attrs, "ownerId")
		}
	}
	return a
}
