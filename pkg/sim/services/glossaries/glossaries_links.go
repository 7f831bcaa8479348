package glossaries

import (
	"net/http"
	"slices"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Term links (/api/v1/glossaries/{id}/terms/{termId}/links): a term points
// at an app or a dataset, or at a part of one.

type glLink struct {
	ID              string    `json:"id"`
	Type            string    `json:"type,omitempty"`
	ResourceID      string    `json:"resourceId"`
	ResourceType    string    `json:"resourceType"`
	SubResourceID   string    `json:"subResourceId,omitempty"`
	SubResourceName string    `json:"subResourceName,omitempty"`
	SubResourceType string    `json:"subResourceType,omitempty"`
	CreatedBy       string    `json:"createdBy"`
	CreatedAt       time.Time `json:"createdAt"`
	Seq             int64     `json:"seq"`
}

type termLinkJSON struct {
	ID              string `json:"id"`
	Type            string `json:"type,omitempty"`
	ResourceID      string `json:"resourceId"`
	ResourceType    string `json:"resourceType"`
	SubResourceID   string `json:"subResourceId,omitempty"`
	SubResourceName string `json:"subResourceName,omitempty"`
	SubResourceType string `json:"subResourceType,omitempty"`
	CreatedAt       string `json:"createdAt"`
	CreatedBy       string `json:"createdBy"`
}

func renderLink(l glLink) termLinkJSON {
	return termLinkJSON{ID: l.ID, Type: l.Type, ResourceID: l.ResourceID, ResourceType: l.ResourceType,
		SubResourceID: l.SubResourceID, SubResourceName: l.SubResourceName, SubResourceType: l.SubResourceType,
		CreatedAt: core.FmtTime(l.CreatedAt), CreatedBy: l.CreatedBy}
}

// linkInput is TermCreateLinksTo (also the export's linksTo element).
type linkInput struct {
	Type            string `json:"type,omitempty"`
	ResourceID      string `json:"resourceId"`
	ResourceType    string `json:"resourceType"`
	SubResourceID   string `json:"subResourceId,omitempty"`
	SubResourceName string `json:"subResourceName,omitempty"`
	SubResourceType string `json:"subResourceType,omitempty"`
}

// glCheckLink validates a link; "" or the message (BG-19 / BG-13).
func glCheckLink(l linkInput) string {
	switch {
	case l.ResourceID == "":
		return "linksTo: resourceId is required"
	case l.ResourceType != "app" && l.ResourceType != "dataset":
		return "linksTo: resourceType must be app or dataset"
	case l.Type != "" && l.Type != "definition" && l.Type != "related":
		return "linksTo: type must be definition or related"
	}
	n := 0
	for _, v := range []string{l.SubResourceID, l.SubResourceName, l.SubResourceType} {
		if v != "" {
			n++
		}
	}
	if n != 0 && n != 3 {
		return "linksTo: subResourceType, subResourceId and subResourceName go together"
	}
	if n == 3 && !slices.Contains([]string{"master_dimension", "master_measure", "field"}, l.SubResourceType) {
		return "linksTo: subResourceType must be master_dimension, master_measure or field"
	}
	return ""
}

// input is the link as a request gives it: what makes two links the same.
func (l glLink) input() linkInput {
	return linkInput{Type: l.Type, ResourceID: l.ResourceID, ResourceType: l.ResourceType,
		SubResourceID: l.SubResourceID, SubResourceName: l.SubResourceName, SubResourceType: l.SubResourceType}
}

func (s server) glNewLink(st *core.State, l linkInput) glLink {
	return glLink{ID: s.glNewUUID(st), Type: l.Type, ResourceID: l.ResourceID, ResourceType: l.ResourceType,
		SubResourceID: l.SubResourceID, SubResourceName: l.SubResourceName, SubResourceType: l.SubResourceType,
		CreatedBy: core.CallerOf(st).ID, CreatedAt: s.Now(), Seq: st.NextSeq()}
}

// glSetTermFields copies the input into t (links are kept when equal).
func (s server) glListLinks(w http.ResponseWriter, r *http.Request) {
	gq, ok := glListQuery(w, r, "BG-13", []string{"type", "subtype", "created"},
		"id", "resourceId", "resourceType", "subResourceId", "subResourceType", "createdBy")
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	_, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	var items []glLink
	for _, l := range t.Links {
		if gq.keep(core.AttrValues(map[string]string{"id": l.ID, "resourceid": l.ResourceID, "resourcetype": l.ResourceType,
			"subresourceid": l.SubResourceID, "subresourcetype": l.SubResourceType, "createdby": l.CreatedBy})) {
			items = append(items, l)
		}
	}
	glWritePage(w, r, "BG-13", items, func(l glLink) core.SortKey {
		switch gq.sort {
		case "type":
			return core.SortKey{K: l.Type, S: l.Seq}
		case "subtype":
			return core.SortKey{K: l.SubResourceType, S: l.Seq}
		}
		return core.SeqKey(l.Seq)
	}, gq.page, func(l glLink) any { return renderLink(l) })
}

func (s server) glCreateLink(w http.ResponseWriter, r *http.Request) {
	var in linkInput
	if !glDecode(w, r, &in) {
		return
	}
	if msg := glCheckLink(in); msg != "" {
		glBad(w, "BG-19", msg)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	for _, old := range t.Links {
		// A link that differs only in subResourceName is a duplicate.
		o := old.input()
		o.SubResourceName = in.SubResourceName
		if o == in {
			glBad(w, "BG-20", "duplicate link definition")
			return
		}
	}
	s.glReviseTerm(s.St, g, t)
	l := s.glNewLink(s.St, in)
	t.Links = append(t.Links, l)
	glSetVersionHeaders(w, t.Revision, t.UpdatedAt)
	core.WriteJSON(w, http.StatusCreated, renderLink(l))
}
