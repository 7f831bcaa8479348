package glossaries

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Glossary export (GET /{id}/actions/export), after the glossaries spec's
// exportGlossary schema. glStewardDetail is shared with the import.

type glStewardDetail struct {
	Email  string `json:"email,omitempty"`
	Name   string `json:"name,omitempty"`
	UserID string `json:"userId,omitempty"`
}

type exportCategoryJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	ParentID       string            `json:"parentId,omitempty"`
	StewardDetails []glStewardDetail `json:"stewardDetails"`
}

type exportTermJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Abbreviation   string            `json:"abbreviation"`
	Description    string            `json:"description"`
	Categories     []string          `json:"categories"`
	LinksTo        []linkInput       `json:"linksTo"`
	RelatesTo      []glRelation      `json:"relatesTo"`
	Stewards       []glStewardDetail `json:"stewards"`
	StewardDetails []glStewardDetail `json:"stewardDetails"`
	Tags           []string          `json:"tags"`
}

// exportGlossaryJSON is the glossary as GET /{id} renders it, plus its
// categories and terms.
type exportGlossaryJSON struct {
	glossaryJSON
	Categories []exportCategoryJSON `json:"categories"`
	Terms      []exportTermJSON     `json:"terms"`
}

func glStewardDetails(st *core.State, ids []string) []glStewardDetail {
	out := []glStewardDetail{}
	for _, id := range ids {
		d := glStewardDetail{UserID: id}
		if u := core.Users.In(st)[id]; u != nil {
			d.Email, d.Name = u.Email, u.Name
		}
		out = append(out, d)
	}
	return out
}

func exportGlossary(st *core.State, g *glossary) exportGlossaryJSON {
	out := exportGlossaryJSON{glossaryJSON: renderGlossary(g),
		Categories: []exportCategoryJSON{}, Terms: []exportTermJSON{}}
	for _, c := range glSortedCategories(g) {
		out.Categories = append(out.Categories, exportCategoryJSON{ID: c.ID, Name: c.Name, Description: c.Description,
			ParentID: c.ParentID, StewardDetails: glStewardDetails(st, c.Stewards)})
	}
	for _, t := range glSortedTerms(g) {
		et := exportTermJSON{ID: t.ID, Name: t.Name, Abbreviation: t.Abbreviation, Description: t.Description,
			Categories: glStrings(t.Categories), LinksTo: []linkInput{}, RelatesTo: append([]glRelation{}, t.RelatesTo...),
			Stewards: glStewardDetails(st, t.Stewards), StewardDetails: glStewardDetails(st, t.Stewards), Tags: glStrings(t.Tags)}
		for _, l := range t.Links {
			et.LinksTo = append(et.LinksTo, l.input())
		}
		out.Terms = append(out.Terms, et)
	}
	return out
}

func (s server) glExport(w http.ResponseWriter, r *http.Request) {
	if f := r.URL.Query().Get("format"); f != "" && f != "json" {
		glBad(w, "BG-11", "qliksim exports glossaries as json only")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if g := s.glLookup(w, r); g != nil {
		core.WriteJSON(w, http.StatusOK, exportGlossary(s.St, g))
	}
}
