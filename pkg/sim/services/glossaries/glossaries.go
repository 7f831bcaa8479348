package glossaries

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Glossaries (/api/v1/glossaries), their categories, terms, term links and
// term revisions, after the glossaries, categories, terms and links specs.
//
// Choices where Qlik does not say (see also the report in glossaries_seed.go):
//   - glossary names are not unique: the specs document no 409 and no BG code
//     for a duplicate name. Import matches an existing glossary by name in the
//     target space (the import document has no id).
//   - ids of glossaries, categories, terms and links are UUIDs (the specs
//     declare format uuid); user and space references are 24-hex uids.
//   - the glossary Etag is its version, bumped by every change of the
//     glossary, its categories or its terms; If-Match with another value → 412.

// glossary is one glossary with its categories and terms.
type glossary struct {
	ID           string                       `json:"id"`
	Name         string                       `json:"name"`
	Description  string                       `json:"description"`
	Overview     string                       `json:"overview"`
	SpaceID      string                       `json:"spaceId"`
	OwnerID      string                       `json:"ownerId"`
	Tags         []string                     `json:"tags"`
	TermTemplate glTermTemplate               `json:"termTemplate"`
	CreatedBy    string                       `json:"createdBy"`
	UpdatedBy    string                       `json:"updatedBy"`
	CreatedAt    time.Time                    `json:"createdAt"`
	UpdatedAt    time.Time                    `json:"updatedAt"`
	Version      int64                        `json:"version"`
	Seq          int64                        `json:"seq"`
	Categories   map[string]*glossaryCategory `json:"categories"`
	Terms        map[string]*glossaryTerm     `json:"terms"`
}

type glTermTemplate struct {
	RelatedInformation string `json:"relatedInformation,omitempty"`
}

func GlossariesInSpace(st *core.State, spaceID string) int {
	n := 0
	for _, g := range Glossaries.In(st) {
		if g.SpaceID == spaceID {
			n++
		}
	}
	return n
}

// glNewUUID returns a UUID for a glossary, category, term or link.
func (s server) glNewUUID(st *core.State) string { return s.UUIDFrom(st, 0) }

func (s server) routeGlossaries(mux *core.RouteMux) {
	const base = "/api/v1/glossaries"
	mux.HandleFunc("GET "+base, s.glList)
	mux.HandleFunc("POST "+base, s.glCreate)
	mux.HandleFunc("POST "+base+"/actions/import", s.glImport)
	mux.HandleFunc("GET "+base+"/{id}", s.glGet)
	mux.HandleFunc("PUT "+base+"/{id}", s.glPut)
	mux.HandleFunc("PATCH "+base+"/{id}", s.glPatch)
	mux.HandleFunc("DELETE "+base+"/{id}", s.glDelete)
	mux.HandleFunc("GET "+base+"/{id}/actions/export", s.glExport)

	mux.HandleFunc("GET "+base+"/{id}/categories", s.glListCategories)
	mux.HandleFunc("POST "+base+"/{id}/categories", s.glCreateCategory)
	mux.HandleFunc("GET "+base+"/{id}/categories/{categoryId}", s.glGetCategory)
	mux.HandleFunc("PUT "+base+"/{id}/categories/{categoryId}", s.glPutCategory)
	mux.HandleFunc("PATCH "+base+"/{id}/categories/{categoryId}", s.glPatchCategory)
	mux.HandleFunc("DELETE "+base+"/{id}/categories/{categoryId}", s.glDeleteCategory)

	mux.HandleFunc("GET "+base+"/{id}/terms", s.glListTerms)
	mux.HandleFunc("POST "+base+"/{id}/terms", s.glCreateTerm)
	mux.HandleFunc("GET "+base+"/{id}/terms/{termId}", s.glGetTerm)
	mux.HandleFunc("PUT "+base+"/{id}/terms/{termId}", s.glPutTerm)
	mux.HandleFunc("PATCH "+base+"/{id}/terms/{termId}", s.glPatchTerm)
	mux.HandleFunc("DELETE "+base+"/{id}/terms/{termId}", s.glDeleteTerm)
	mux.HandleFunc("POST "+base+"/{id}/terms/{termId}/actions/change-status", s.glChangeStatus)
	mux.HandleFunc("GET "+base+"/{id}/terms/{termId}/links", s.glListLinks)
	mux.HandleFunc("POST "+base+"/{id}/terms/{termId}/links", s.glCreateLink)
	mux.HandleFunc("GET "+base+"/{id}/terms/{termId}/revisions", s.glListRevisions)
}

// --------------------------------------------------------------- glossary

type glossaryJSON struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	Overview     string         `json:"overview"`
	SpaceID      string         `json:"spaceId"`
	OwnerID      string         `json:"ownerId"`
	Tags         []string       `json:"tags"`
	TermTemplate glTermTemplate `json:"termTemplate"`
	CreatedAt    string         `json:"createdAt"`
	CreatedBy    string         `json:"createdBy"`
	UpdatedAt    string         `json:"updatedAt"`
	UpdatedBy    string         `json:"updatedBy"`
}

func renderGlossary(g *glossary) glossaryJSON {
	return glossaryJSON{ID: g.ID, Name: g.Name, Description: g.Description, Overview: g.Overview,
		SpaceID: g.SpaceID, OwnerID: g.OwnerID, Tags: glStrings(g.Tags), TermTemplate: g.TermTemplate,
		CreatedAt: core.FmtTime(g.CreatedAt), CreatedBy: g.CreatedBy, UpdatedAt: core.FmtTime(g.UpdatedAt), UpdatedBy: g.UpdatedBy}
}

func (s server) glWriteGlossary(w http.ResponseWriter, status int, g *glossary) {
	glSetVersionHeaders(w, g.Version, g.UpdatedAt)
	core.WriteJSON(w, status, renderGlossary(g))
}

// glLookup returns the glossary of the {id} path value or writes 404 BG-8.
func (s server) glLookup(w http.ResponseWriter, r *http.Request) *glossary {
	g := Glossaries.In(s.St)[r.PathValue("id")]
	if g == nil {
		glError(w, http.StatusNotFound, "BG-8", "glossary not found")
	}
	return g
}

func (s server) glList(w http.ResponseWriter, r *http.Request) {
	gq, ok := glListQuery(w, r, "BG-11", []string{"name", "description"})
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	items := make([]*glossary, 0, len(Glossaries.In(s.St)))
	for _, g := range Glossaries.In(s.St) {
		items = append(items, g)
	}
	glWritePage(w, r, "BG-11", items, func(g *glossary) core.SortKey {
		switch gq.sort {
		case "name":
			return core.SortKey{K: strings.ToLower(g.Name), S: g.Seq}
		case "description":
			return core.SortKey{K: strings.ToLower(g.Description), S: g.Seq}
		}
		return core.SeqKey(g.Seq)
	}, gq.page, func(g *glossary) any { return renderGlossary(g) })
}

// glossaryInput is CreateGlossary.
type glossaryInput struct {
	Name         *string         `json:"name"`
	Description  string          `json:"description"`
	Overview     string          `json:"overview"`
	SpaceID      string          `json:"spaceId"`
	Tags         []string        `json:"tags"`
	TermTemplate *glTermTemplate `json:"termTemplate"`
}

// glCheckGlossary validates a CreateGlossary; it returns code and message.
func glCheckGlossary(st *core.State, in glossaryInput) (string, string) {
	switch {
	case in.Name == nil || strings.TrimSpace(*in.Name) == "":
		return "BG-6", "a glossary name is required"
	case in.SpaceID != "" && core.Spaces.In(st)[in.SpaceID] == nil:
		return "BG-11", fmt.Sprintf("spaceId %q is not an existing space", in.SpaceID)
	case !glValidRichText(in.Overview):
		return "BG-21", "overview: " + glRichTextMsg
	case in.TermTemplate != nil && !glValidRichText(in.TermTemplate.RelatedInformation):
		return "BG-21", "termTemplate.relatedInformation: " + glRichTextMsg
	}
	return "", ""
}

func (s server) insertGlossary(st *core.State, in glossaryInput) *glossary {
	now := s.Now()
	me := core.CallerOf(st).ID
	g := &glossary{ID: s.glNewUUID(st), Name: *in.Name, Description: in.Description, Overview: in.Overview,
		SpaceID: in.SpaceID, OwnerID: me, Tags: glStrings(slices.Clone(in.Tags)), CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Version: 1, Seq: st.NextSeq(),
		Categories: map[string]*glossaryCategory{}, Terms: map[string]*glossaryTerm{}}
	if in.TermTemplate != nil {
		g.TermTemplate = *in.TermTemplate
	}
	Glossaries.In(st)[g.ID] = g
	return g
}

func (s server) glCreate(w http.ResponseWriter, r *http.Request) {
	var in glossaryInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if code, msg := glCheckGlossary(s.St, in); code != "" {
		glBad(w, code, msg)
		return
	}
	s.glWriteGlossary(w, http.StatusCreated, s.insertGlossary(s.St, in))
}

func (s server) glGet(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if g := s.glLookup(w, r); g != nil {
		s.glWriteGlossary(w, http.StatusOK, g)
	}
}

func (s server) glPut(w http.ResponseWriter, r *http.Request) {
	var in glossaryInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil || !glIfMatch(w, r, g.Version) {
		return
	}
	if code, msg := glCheckGlossary(s.St, in); code != "" {
		glBad(w, code, msg)
		return
	}
	g.Name, g.Description, g.Overview, g.SpaceID = *in.Name, in.Description, in.Overview, in.SpaceID
	g.Tags = glStrings(slices.Clone(in.Tags))
	g.TermTemplate = glTermTemplate{}
	if in.TermTemplate != nil {
		g.TermTemplate = *in.TermTemplate
	}
	s.glTouch(s.St, g)
	s.glWriteGlossary(w, http.StatusOK, g)
}

func (s server) glPatch(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-11", "/name", "/description", "/overview", "/spaceId", "/ownerId", "/termTemplate/relatedInformation")
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil || !glIfMatch(w, r, g.Version) {
		return
	}
	cp := *g
	for _, op := range ops {
		switch v := op[1]; op[0] {
		case "/name":
			if strings.TrimSpace(v) == "" {
				glBad(w, "BG-6", "a glossary name is required")
				return
			}
			cp.Name = v
		case "/description":
			cp.Description = v
		case "/overview":
			if !glValidRichText(v) {
				glBad(w, "BG-21", "overview: "+glRichTextMsg)
				return
			}
			cp.Overview = v
		case "/spaceId":
			if v != "" && core.Spaces.In(s.St)[v] == nil {
				glBad(w, "BG-11", fmt.Sprintf("spaceId %q is not an existing space", v))
				return
			}
			cp.SpaceID = v
		case "/ownerId":
			if core.Users.In(s.St)[v] == nil {
				glBad(w, "BG-11", fmt.Sprintf("ownerId %q is not an existing user", v))
				return
			}
			cp.OwnerID = v
		case "/termTemplate/relatedInformation":
			if !glValidRichText(v) {
				glBad(w, "BG-21", "termTemplate.relatedInformation: "+glRichTextMsg)
				return
			}
			cp.TermTemplate.RelatedInformation = v
		}
	}
	*g = cp
	s.glTouch(s.St, g)
	glSetVersionHeaders(w, g.Version, g.UpdatedAt)
	w.WriteHeader(http.StatusNoContent)
}

func (s server) glDelete(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if g := s.glLookup(w, r); g != nil {
		delete(Glossaries.In(s.St), g.ID) // its categories and terms go with it
		w.WriteHeader(http.StatusNoContent)
	}
}

// Glossaries is the glossaries table (categories, terms and links live
// inside each glossary).
var Glossaries = core.NewTable[glossary]("glossaries")
