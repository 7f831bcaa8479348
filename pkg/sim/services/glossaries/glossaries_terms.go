package glossaries

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Glossary terms (/api/v1/glossaries/{id}/terms), their status and revisions.

type glRelation struct {
	TermID string `json:"termId"`
	Type   string `json:"type"`
}

type glStatus struct {
	Type      string    `json:"type"`
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type glossaryTerm struct {
	ID                 string         `json:"id"`
	GlossaryID         string         `json:"glossaryId"`
	Name               string         `json:"name"`
	Abbreviation       string         `json:"abbreviation"`
	Description        string         `json:"description"`
	RelatedInformation string         `json:"relatedInformation"`
	Categories         []string       `json:"categories"`
	Tags               []string       `json:"tags"`
	Stewards           []string       `json:"stewards"`
	Status             glStatus       `json:"status"`
	RelatesTo          []glRelation   `json:"relatesTo"`
	Links              []glLink       `json:"links"`
	Revision           int64          `json:"revision"`
	ImportID           string         `json:"importId,omitempty"` // the id the term had in an import document
	CreatedBy          string         `json:"createdBy"`
	UpdatedBy          string         `json:"updatedBy"`
	CreatedAt          time.Time      `json:"createdAt"`
	UpdatedAt          time.Time      `json:"updatedAt"`
	Seq                int64          `json:"seq"`
	History            []glossaryTerm `json:"history,omitempty"` // earlier revisions, oldest first
}

// glRelationTypes are the relatesTo types of the terms spec.
var glRelationTypes = []string{"isA", "hasA", "seeAlso", "synonym", "antonym", "classifies", "other",
	"replaces", "replacedBy", "hasSubtype", "preferredTerm", "seeInstead", "defines", "definedBy"}

var glStatuses = []string{"draft", "verified", "deprecated"}

const glMaxHistory = 50

type termStatusJSON struct {
	Type      string `json:"type"`
	UpdatedAt string `json:"updatedAt"`
	UpdatedBy string `json:"updatedBy"`
}

type termJSON struct {
	ID                 string         `json:"id"`
	GlossaryID         string         `json:"glossaryId"`
	Name               string         `json:"name"`
	Abbreviation       string         `json:"abbreviation"`
	Description        string         `json:"description"`
	RelatedInformation string         `json:"relatedInformation"`
	Categories         []string       `json:"categories"`
	Tags               []string       `json:"tags"`
	Stewards           []string       `json:"stewards"`
	Status             termStatusJSON `json:"status"`
	RelatesTo          []glRelation   `json:"relatesTo"`
	ReferredRelations  []glRelation   `json:"referredRelations"`
	LinksTo            []termLinkJSON `json:"linksTo"`
	Revision           int64          `json:"revision"`
	CreatedAt          string         `json:"createdAt"`
	CreatedBy          string         `json:"createdBy"`
	UpdatedAt          string         `json:"updatedAt"`
	UpdatedBy          string         `json:"updatedBy"`
}

// renderTerm renders t; g (nil for a revision) supplies referredRelations.
func renderTerm(g *glossary, t *glossaryTerm) termJSON {
	out := termJSON{ID: t.ID, GlossaryID: t.GlossaryID, Name: t.Name, Abbreviation: t.Abbreviation,
		Description: t.Description, RelatedInformation: t.RelatedInformation,
		Categories: glStrings(t.Categories), Tags: glStrings(t.Tags), Stewards: glStrings(t.Stewards),
		Status:    termStatusJSON{Type: t.Status.Type, UpdatedAt: core.FmtTime(t.Status.UpdatedAt), UpdatedBy: t.Status.UpdatedBy},
		RelatesTo: append([]glRelation{}, t.RelatesTo...), ReferredRelations: []glRelation{}, LinksTo: []termLinkJSON{},
		Revision: t.Revision, CreatedAt: core.FmtTime(t.CreatedAt), CreatedBy: t.CreatedBy,
		UpdatedAt: core.FmtTime(t.UpdatedAt), UpdatedBy: t.UpdatedBy}
	for _, l := range t.Links {
		out.LinksTo = append(out.LinksTo, renderLink(l))
	}
	if g != nil {
		others := glSortedTerms(g)
		for _, o := range others {
			for _, rel := range o.RelatesTo {
				if rel.TermID == t.ID {
					out.ReferredRelations = append(out.ReferredRelations, glRelation{TermID: o.ID, Type: rel.Type})
				}
			}
		}
	}
	return out
}

func glWriteTerm(w http.ResponseWriter, status int, g *glossary, t *glossaryTerm) {
	glSetVersionHeaders(w, t.Revision, t.UpdatedAt)
	core.WriteJSON(w, status, renderTerm(g, t))
}

func glSortedTerms(g *glossary) []*glossaryTerm {
	return bySeq(g.Terms, func(t *glossaryTerm) int64 { return t.Seq })
}

func glSortedCategories(g *glossary) []*glossaryCategory {
	return bySeq(g.Categories, func(c *glossaryCategory) int64 { return c.Seq })
}

// bySeq lists a map's values in creation order.
func bySeq[T any](m map[string]*T, seq func(*T) int64) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *T) int { return int(seq(a) - seq(b)) })
	return out
}

func (s server) glLookupTerm(w http.ResponseWriter, r *http.Request) (*glossary, *glossaryTerm) {
	g := s.glLookup(w, r)
	if g == nil {
		return nil, nil
	}
	t := g.Terms[r.PathValue("termId")]
	if t == nil {
		glError(w, http.StatusNotFound, "BG-10", "term not found")
	}
	return g, t
}

func glTermAttrs(t *glossaryTerm) func(string) []string {
	return func(attr string) []string {
		switch attr {
		case "id":
			return []string{t.ID}
		case "name":
			return []string{t.Name}
		case "relatedinformation":
			return []string{t.RelatedInformation}
		case "description":
			return []string{t.Description}
		case "abbreviation":
			return []string{t.Abbreviation}
		case "tags":
			return t.Tags
		case "stewards":
			return t.Stewards
		case "status", "status.type":
			return []string{t.Status.Type}
		case "categories":
			return t.Categories
		}
		return nil
	}
}

func (s server) glListTerms(w http.ResponseWriter, r *http.Request) {
	gq, ok := glListQuery(w, r, "BG-13", []string{"abbreviation", "description", "name", "status", "updated"},
		"id", "name", "relatedInformation", "description", "abbreviation", "tags", "stewards", "status",
		"status.type", "categories")
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	items := make([]*glossaryTerm, 0, len(g.Terms))
	for _, t := range g.Terms {
		if gq.keep(glTermAttrs(t)) {
			items = append(items, t)
		}
	}
	glWritePage(w, r, "BG-13", items, func(t *glossaryTerm) core.SortKey {
		switch gq.sort {
		case "abbreviation":
			return core.SortKey{K: strings.ToLower(t.Abbreviation), S: t.Seq}
		case "description":
			return core.SortKey{K: strings.ToLower(t.Description), S: t.Seq}
		case "name":
			return core.SortKey{K: strings.ToLower(t.Name), S: t.Seq}
		case "status":
			return core.SortKey{K: t.Status.Type, S: t.Seq}
		case "updated":
			return core.SortKey{K: core.FmtTime(t.UpdatedAt), S: t.Seq}
		}
		return core.SeqKey(t.Seq)
	}, gq.page, func(t *glossaryTerm) any { return renderTerm(g, t) })
}

// termInput is CreateTerm.
type termInput struct {
	Name               *string      `json:"name"`
	Abbreviation       string       `json:"abbreviation"`
	Description        string       `json:"description"`
	RelatedInformation string       `json:"relatedInformation"`
	Categories         []string     `json:"categories"`
	Tags               []string     `json:"tags"`
	Stewards           []string     `json:"stewards"`
	RelatesTo          []glRelation `json:"relatesTo"`
	LinksTo            []linkInput  `json:"linksTo"`
}

// glCheckTerm validates a term (self is "" on create); code, message.
func glCheckTerm(st *core.State, g *glossary, self string, in termInput) (string, string) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return "BG-13", "a term name is required"
	}
	if !glValidRichText(in.RelatedInformation) {
		return "BG-21", "relatedInformation: " + glRichTextMsg
	}
	for _, c := range in.Categories {
		if g.Categories[c] == nil {
			return "BG-13", fmt.Sprintf("category %q is not a category of this glossary", c)
		}
	}
	for _, u := range in.Stewards {
		if core.Users.In(st)[u] == nil {
			return "BG-13", fmt.Sprintf("steward %q is not an existing user", u)
		}
	}
	for _, rel := range in.RelatesTo {
		if !slices.Contains(glRelationTypes, rel.Type) {
			return "BG-13", fmt.Sprintf("relatesTo: unknown relation type %q", rel.Type)
		}
		if rel.TermID == self || g.Terms[rel.TermID] == nil {
			return "BG-13", fmt.Sprintf("relatesTo: %q is not another term of this glossary", rel.TermID)
		}
	}
	seen := map[linkInput]bool{}
	for _, l := range in.LinksTo {
		if msg := glCheckLink(l); msg != "" {
			return "BG-19", msg
		}
		if seen[l] {
			return "BG-20", "duplicate link definition"
		}
		seen[l] = true
	}
	return "", ""
}

func (s server) glSetTermFields(st *core.State, t *glossaryTerm, in termInput) {
	t.Name, t.Abbreviation, t.Description, t.RelatedInformation = *in.Name, in.Abbreviation, in.Description, in.RelatedInformation
	t.Categories = glStrings(slices.Clone(in.Categories))
	t.Tags = glStrings(slices.Clone(in.Tags))
	t.Stewards = glStrings(slices.Clone(in.Stewards))
	t.RelatesTo = append([]glRelation{}, in.RelatesTo...)
	var links []glLink
	for _, l := range in.LinksTo {
		kept := false
		for _, old := range t.Links {
			if old.input() == l {
				links, kept = append(links, old), true
				break
			}
		}
		if !kept {
			links = append(links, s.glNewLink(st, l))
		}
	}
	t.Links = links
}

func (s server) insertTerm(st *core.State, g *glossary, in termInput) *glossaryTerm {
	now := s.Now()
	me := core.CallerOf(st).ID
	t := &glossaryTerm{ID: s.glNewUUID(st), GlossaryID: g.ID, Revision: 1, CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Seq: st.NextSeq(),
		Status: glStatus{Type: "draft", UpdatedBy: me, UpdatedAt: now}}
	s.glSetTermFields(st, t, in)
	g.Terms[t.ID] = t
	s.glTouch(st, g)
	return t
}

// glReviseTerm records the current revision in the history and bumps it.
func (s server) glReviseTerm(st *core.State, g *glossary, t *glossaryTerm) {
	snap := *t
	snap.History = nil
	t.History = append(t.History, snap)
	if len(t.History) > glMaxHistory {
		t.History = t.History[len(t.History)-glMaxHistory:]
	}
	t.Revision++
	t.UpdatedAt, t.UpdatedBy = s.Now(), core.CallerOf(st).ID
	s.glTouch(st, g)
}

func (s server) glCreateTerm(w http.ResponseWriter, r *http.Request) {
	var in termInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	if code, msg := glCheckTerm(s.St, g, "", in); code != "" {
		glBad(w, code, msg)
		return
	}
	glWriteTerm(w, http.StatusCreated, g, s.insertTerm(s.St, g, in))
}

func (s server) glGetTerm(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if g, t := s.glLookupTerm(w, r); t != nil {
		glWriteTerm(w, http.StatusOK, g, t)
	}
}

func (s server) glPutTerm(w http.ResponseWriter, r *http.Request) {
	var in termInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	if code, msg := glCheckTerm(s.St, g, t.ID, in); code != "" {
		glBad(w, code, msg)
		return
	}
	s.glReviseTerm(s.St, g, t)
	s.glSetTermFields(s.St, t, in)
	glWriteTerm(w, http.StatusOK, g, t)
}

func (s server) glPatchTerm(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-13", "/name", "/abbreviation", "/description", "/relatedInformation")
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	cp := *t
	for _, op := range ops {
		switch v := op[1]; op[0] {
		case "/name":
			if strings.TrimSpace(v) == "" {
				glBad(w, "BG-13", "a term name is required")
				return
			}
			cp.Name = v
		case "/abbreviation":
			cp.Abbreviation = v
		case "/description":
			cp.Description = v
		case "/relatedInformation":
			if !glValidRichText(v) {
				glBad(w, "BG-21", "relatedInformation: "+glRichTextMsg)
				return
			}
			cp.RelatedInformation = v
		}
	}
	s.glReviseTerm(s.St, g, t)
	t.Name, t.Abbreviation, t.Description, t.RelatedInformation = cp.Name, cp.Abbreviation, cp.Description, cp.RelatedInformation
	glSetVersionHeaders(w, t.Revision, t.UpdatedAt)
	w.WriteHeader(http.StatusNoContent)
}

func (s server) glDeleteTerm(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	delete(g.Terms, t.ID)
	for _, o := range g.Terms {
		o.RelatesTo = slices.DeleteFunc(o.RelatesTo, func(rel glRelation) bool { return rel.TermID == t.ID })
	}
	s.glTouch(s.St, g)
	w.WriteHeader(http.StatusNoContent)
}

func (s server) glChangeStatus(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if !slices.Contains(glStatuses, status) {
		glBad(w, "BG-13", "status must be one of draft, verified, deprecated")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	if t.Status.Type != status {
		s.glReviseTerm(s.St, g, t)
		t.Status = glStatus{Type: status, UpdatedBy: core.CallerOf(s.St).ID, UpdatedAt: s.Now()}
	}
	glWriteTerm(w, http.StatusOK, g, t)
}

func (s server) glListRevisions(w http.ResponseWriter, r *http.Request) {
	gq, ok := glListQuery(w, r, "BG-13", []string{"update"})
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	_, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	items := make([]*glossaryTerm, 0, len(t.History)+1)
	for i := range t.History {
		items = append(items, &t.History[i])
	}
	items = append(items, t)
	glWritePage(w, r, "BG-13", items, func(t *glossaryTerm) core.SortKey { return core.SeqKey(t.Revision) }, gq.page,
		func(t *glossaryTerm) any { return renderTerm(nil, t) })
}
