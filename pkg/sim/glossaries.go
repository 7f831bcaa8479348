package sim

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
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

type glossaryCategory struct {
	ID          string    `json:"id"`
	GlossaryID  string    `json:"glossaryId"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	ParentID    string    `json:"parentId,omitempty"`
	Stewards    []string  `json:"stewards"`
	ImportID    string    `json:"importId,omitempty"` // the id the category had in an import document
	CreatedBy   string    `json:"createdBy"`
	UpdatedBy   string    `json:"updatedBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int64     `json:"version"`
	Seq         int64     `json:"seq"`
}

type glRelation struct {
	TermID string `json:"termId"`
	Type   string `json:"type"`
}

type glStatus struct {
	Type      string    `json:"type"`
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

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

func (st *state) glossariesInSpace(spaceID string) int {
	n := 0
	for _, g := range st.Glossaries {
		if g.SpaceID == spaceID {
			n++
		}
	}
	return n
}

// glNewUUID returns a version-4 UUID: random, or from the state's id counter
// when the simulator is deterministic.
func (s *Server) glNewUUID(st *state) string {
	if s.opts.Deterministic {
		st.IDCounter++
		return fmt.Sprintf("00000000-0000-4000-8000-%012x", st.IDCounter)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ---------------------------------------------------------------- errors

// glError writes the glossaries service's error body (notes 0.3 and the
// specs' errorResponse): {"errors":[{"code":"BG-n","title","detail"}],"traceId"}.
func glError(w http.ResponseWriter, status int, code, detail string) {
	title := http.StatusText(status)
	if code == "" {
		code = fmt.Sprintf("HTTP-%d", status)
	}
	e := map[string]any{"code": code, "title": title}
	if detail != "" {
		e["detail"] = detail
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}, "traceId": newTraceID()})
}

func glBad(w http.ResponseWriter, code, detail string) {
	glError(w, http.StatusBadRequest, code, detail)
}

// --------------------------------------------------------------- helpers

// glValidRichText reports whether s is "" or a rich-text JSON string:
// [{"type":"paragraph","children":[{"text":"…"}]}] (BG-21 otherwise).
func glValidRichText(s string) bool {
	if s == "" {
		return true
	}
	var nodes []struct {
		Type     string            `json:"type"`
		Children []json.RawMessage `json:"children"`
	}
	if err := json.Unmarshal([]byte(s), &nodes); err != nil {
		return false
	}
	for _, n := range nodes {
		if n.Type == "" || n.Children == nil {
			return false
		}
	}
	return true
}

const glRichTextMsg = `rich text fields must be valid JSON strings in the format: [{"type":"paragraph","children":[{"text":"your text here"}]}]`

func glEtag(v int64) string { return strconv.Quote(strconv.FormatInt(v, 10)) }

func glSetVersionHeaders(w http.ResponseWriter, version int64, updated time.Time) {
	w.Header().Set("Etag", glEtag(version))
	w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
}

// glIfMatch checks an optional If-Match header against the current version;
// on mismatch it writes 412 and returns false.
func glIfMatch(w http.ResponseWriter, r *http.Request, version int64) bool {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return true
	}
	v = strings.TrimPrefix(v, "W/")
	if v == glEtag(version) || v == strconv.FormatInt(version, 10) {
		return true
	}
	glError(w, http.StatusPreconditionFailed, "HTTP-412", "If-Match does not match the current version "+glEtag(version))
	return false
}

func glStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// glTouch records a change of the glossary (its version is the Etag).
func (s *Server) glTouch(st *state, g *glossary) {
	g.Version++
	g.UpdatedAt = s.now()
	g.UpdatedBy = s.caller(st).ID
}

// glPaging parses limit/next/prev like parsePaging but answers with the
// glossaries error body.
func glPaging(w http.ResponseWriter, r *http.Request, code string) (pageQuery, bool) {
	q := r.URL.Query()
	pq := pageQuery{limit: 20, next: q.Get("next"), prev: q.Get("prev")}
	if v := q.Get("limit"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != math.Trunc(f) || f < 1 || f > maxLimit {
			glBad(w, code, fmt.Sprintf("limit must be an integer between 1 and %d", maxLimit))
			return pq, false
		}
		pq.limit = int(f)
	}
	if pq.next != "" && pq.prev != "" {
		glBad(w, code, "next and prev cannot be used together")
		return pq, false
	}
	if v := q.Get("countTotal"); v != "" && v != "true" && v != "false" {
		glBad(w, code, "countTotal must be true or false")
		return pq, false
	}
	return pq, true
}

// glSort parses sort=±field against the allowed fields ("" = creation order).
func glSort(w http.ResponseWriter, r *http.Request, code string, allowed ...string) (string, bool, bool) {
	v := r.URL.Query().Get("sort")
	if v == "" {
		return "", false, true
	}
	desc := strings.HasPrefix(v, "-")
	field := strings.TrimLeft(v, "+- ")
	if !slices.Contains(allowed, field) {
		glBad(w, code, fmt.Sprintf("unsupported sort field %q", field))
		return "", false, false
	}
	return field, desc, true
}

// glWritePage paginates items and writes {data, links, meta?}.
func glWritePage[T any](w http.ResponseWriter, r *http.Request, code string, items []T, key func(T) sortKey, pq pageQuery, render func(T) any) {
	page, err := paginate(items, key, pq)
	if err != nil {
		glBad(w, code, "invalid paging cursor")
		return
	}
	data := make([]any, 0, len(page.items))
	for _, it := range page.items {
		data = append(data, render(it))
	}
	out := map[string]any{"data": data, "links": pageLinks(r, page.next, page.prev)}
	if r.URL.Query().Get("countTotal") == "true" {
		out["meta"] = map[string]any{"countTotal": page.total}
	}
	writeJSON(w, http.StatusOK, out)
}

// glPatchOps decodes a JSON Patch array whose ops must be replace with a
// string or number value. It returns path → value (numbers as strings).
func glPatchOps(w http.ResponseWriter, r *http.Request, code string, allowed ...string) ([][2]string, bool) {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := decodeBody(r, &ops); err != nil {
		glBad(w, "BG-5", "body must be a JSON Patch array: "+err.Error())
		return nil, false
	}
	out := make([][2]string, 0, len(ops))
	for i, op := range ops {
		if op.Op != "replace" {
			glBad(w, code, fmt.Sprintf("/%d/op: only op replace is supported", i))
			return nil, false
		}
		if !slices.Contains(allowed, op.Path) {
			glBad(w, code, fmt.Sprintf("/%d/path must be one of %s", i, strings.Join(allowed, ", ")))
			return nil, false
		}
		var sv string
		var nv float64
		if err := json.Unmarshal(op.Value, &sv); err != nil {
			if err := json.Unmarshal(op.Value, &nv); err != nil {
				glBad(w, code, fmt.Sprintf("/%d/value must be a string or a number", i))
				return nil, false
			}
			sv = strconv.FormatFloat(nv, 'f', -1, 64)
		}
		out = append(out, [2]string{op.Path, sv})
	}
	return out, true
}

// ---------------------------------------------------------------- routes

func (s *Server) routeGlossaries(mux *routeMux) {
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
		CreatedAt: fmtTime(g.CreatedAt), CreatedBy: g.CreatedBy, UpdatedAt: fmtTime(g.UpdatedAt), UpdatedBy: g.UpdatedBy}
}

func (s *Server) glWriteGlossary(w http.ResponseWriter, status int, g *glossary) {
	glSetVersionHeaders(w, g.Version, g.UpdatedAt)
	writeJSON(w, status, renderGlossary(g))
}

// glLookup returns the glossary of the {id} path value or writes 404 BG-8.
func (s *Server) glLookup(w http.ResponseWriter, r *http.Request) *glossary {
	g := s.st.Glossaries[r.PathValue("id")]
	if g == nil {
		glError(w, http.StatusNotFound, "BG-8", "glossary not found")
	}
	return g
}

func (s *Server) glList(w http.ResponseWriter, r *http.Request) {
	pq, ok := glPaging(w, r, "BG-11")
	if !ok {
		return
	}
	field, desc, ok := glSort(w, r, "BG-11", "name", "description")
	if !ok {
		return
	}
	pq.desc = desc
	s.mu.Lock()
	defer s.mu.Unlock()
	items := make([]*glossary, 0, len(s.st.Glossaries))
	for _, g := range s.st.Glossaries {
		items = append(items, g)
	}
	glWritePage(w, r, "BG-11", items, func(g *glossary) sortKey {
		switch field {
		case "name":
			return sortKey{K: strings.ToLower(g.Name), S: g.Seq}
		case "description":
			return sortKey{K: strings.ToLower(g.Description), S: g.Seq}
		}
		return seqKey(g.Seq)
	}, pq, func(g *glossary) any { return renderGlossary(g) })
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
func glCheckGlossary(st *state, in glossaryInput) (string, string) {
	switch {
	case in.Name == nil || strings.TrimSpace(*in.Name) == "":
		return "BG-6", "a glossary name is required"
	case in.SpaceID != "" && st.Spaces[in.SpaceID] == nil:
		return "BG-11", fmt.Sprintf("spaceId %q is not an existing space", in.SpaceID)
	case !glValidRichText(in.Overview):
		return "BG-21", "overview: " + glRichTextMsg
	case in.TermTemplate != nil && !glValidRichText(in.TermTemplate.RelatedInformation):
		return "BG-21", "termTemplate.relatedInformation: " + glRichTextMsg
	}
	return "", ""
}

func (s *Server) insertGlossary(st *state, in glossaryInput) *glossary {
	now := s.now()
	me := s.caller(st).ID
	g := &glossary{ID: s.glNewUUID(st), Name: *in.Name, Description: in.Description, Overview: in.Overview,
		SpaceID: in.SpaceID, OwnerID: me, Tags: glStrings(slices.Clone(in.Tags)), CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Version: 1, Seq: st.nextSeq(),
		Categories: map[string]*glossaryCategory{}, Terms: map[string]*glossaryTerm{}}
	if in.TermTemplate != nil {
		g.TermTemplate = *in.TermTemplate
	}
	st.Glossaries[g.ID] = g
	return g
}

func (s *Server) glCreate(w http.ResponseWriter, r *http.Request) {
	var in glossaryInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, msg := glCheckGlossary(s.st, in); code != "" {
		glBad(w, code, msg)
		return
	}
	s.glWriteGlossary(w, http.StatusCreated, s.insertGlossary(s.st, in))
}

func (s *Server) glGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.glLookup(w, r); g != nil {
		s.glWriteGlossary(w, http.StatusOK, g)
	}
}

func (s *Server) glPut(w http.ResponseWriter, r *http.Request) {
	var in glossaryInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil || !glIfMatch(w, r, g.Version) {
		return
	}
	if code, msg := glCheckGlossary(s.st, in); code != "" {
		glBad(w, code, msg)
		return
	}
	g.Name, g.Description, g.Overview, g.SpaceID = *in.Name, in.Description, in.Overview, in.SpaceID
	g.Tags = glStrings(slices.Clone(in.Tags))
	g.TermTemplate = glTermTemplate{}
	if in.TermTemplate != nil {
		g.TermTemplate = *in.TermTemplate
	}
	s.glTouch(s.st, g)
	s.glWriteGlossary(w, http.StatusOK, g)
}

func (s *Server) glPatch(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-11", "/name", "/description", "/overview", "/spaceId", "/ownerId", "/termTemplate/relatedInformation")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
			if v != "" && s.st.Spaces[v] == nil {
				glBad(w, "BG-11", fmt.Sprintf("spaceId %q is not an existing space", v))
				return
			}
			cp.SpaceID = v
		case "/ownerId":
			if s.st.Users[v] == nil {
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
	s.glTouch(s.st, g)
	glSetVersionHeaders(w, g.Version, g.UpdatedAt)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) glDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.glLookup(w, r); g != nil {
		delete(s.st.Glossaries, g.ID) // its categories and terms go with it
		w.WriteHeader(http.StatusNoContent)
	}
}

// --------------------------------------------------------------- categories

type categoryJSON struct {
	ID          string   `json:"id"`
	GlossaryID  string   `json:"glossaryId"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	ParentID    string   `json:"parentId,omitempty"`
	Stewards    []string `json:"stewards"`
	CreatedAt   string   `json:"createdAt"`
	CreatedBy   string   `json:"createdBy"`
	UpdatedAt   string   `json:"updatedAt"`
	UpdatedBy   string   `json:"updatedBy"`
}

func renderCategory(c *glossaryCategory) categoryJSON {
	return categoryJSON{ID: c.ID, GlossaryID: c.GlossaryID, Name: c.Name, Description: c.Description,
		ParentID: c.ParentID, Stewards: glStrings(c.Stewards), CreatedAt: fmtTime(c.CreatedAt), CreatedBy: c.CreatedBy,
		UpdatedAt: fmtTime(c.UpdatedAt), UpdatedBy: c.UpdatedBy}
}

func glWriteCategory(w http.ResponseWriter, status int, c *glossaryCategory) {
	glSetVersionHeaders(w, c.Version, c.UpdatedAt)
	writeJSON(w, status, renderCategory(c))
}

func (s *Server) glLookupCategory(w http.ResponseWriter, r *http.Request) (*glossary, *glossaryCategory) {
	g := s.glLookup(w, r)
	if g == nil {
		return nil, nil
	}
	c := g.Categories[r.PathValue("categoryId")]
	if c == nil {
		glError(w, http.StatusNotFound, "BG-9", "category not found")
	}
	return g, c
}

func (s *Server) glListCategories(w http.ResponseWriter, r *http.Request) {
	pq, ok := glPaging(w, r, "BG-12")
	if !ok {
		return
	}
	field, desc, ok := glSort(w, r, "BG-12", "name", "description", "update")
	if !ok {
		return
	}
	pq.desc = desc
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	items := make([]*glossaryCategory, 0, len(g.Categories))
	for _, c := range g.Categories {
		items = append(items, c)
	}
	glWritePage(w, r, "BG-12", items, func(c *glossaryCategory) sortKey {
		switch field {
		case "name":
			return sortKey{K: strings.ToLower(c.Name), S: c.Seq}
		case "description":
			return sortKey{K: strings.ToLower(c.Description), S: c.Seq}
		case "update":
			return sortKey{K: fmtTime(c.UpdatedAt), S: c.Seq}
		}
		return seqKey(c.Seq)
	}, pq, func(c *glossaryCategory) any { return renderCategory(c) })
}

type categoryInput struct {
	Name        *string  `json:"name"`
	Description string   `json:"description"`
	ParentID    string   `json:"parentId"`
	Stewards    []string `json:"stewards"`
}

// glCheckCategory validates a category (self is "" on create); code, message.
func glCheckCategory(st *state, g *glossary, self string, in categoryInput) (string, string) {
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return "BG-12", "a category name is required"
	}
	if in.ParentID != "" {
		if g.Categories[in.ParentID] == nil {
			return "BG-12", fmt.Sprintf("parentId %q is not a category of this glossary", in.ParentID)
		}
		for p := in.ParentID; p != ""; p = g.Categories[p].ParentID {
			if p == self {
				return "BG-12", "a category cannot be its own ancestor"
			}
		}
	}
	for _, u := range in.Stewards {
		if st.Users[u] == nil {
			return "BG-12", fmt.Sprintf("steward %q is not an existing user", u)
		}
	}
	if glCategoryNameTaken(g, *in.Name, in.ParentID, self) {
		return "BG-7", "two categories with the same name cannot have the same parent"
	}
	return "", ""
}

// glCategoryNameTaken reports BG-7: the same name (case-insensitive, a guess)
// under the same parent.
func glCategoryNameTaken(g *glossary, name, parent, except string) bool {
	for _, c := range g.Categories {
		if c.ID != except && c.ParentID == parent && strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

func (s *Server) insertCategory(st *state, g *glossary, in categoryInput) *glossaryCategory {
	now := s.now()
	me := s.caller(st).ID
	c := &glossaryCategory{ID: s.glNewUUID(st), GlossaryID: g.ID, Name: *in.Name, Description: in.Description,
		ParentID: in.ParentID, Stewards: glStrings(slices.Clone(in.Stewards)), CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Version: 1, Seq: st.nextSeq()}
	g.Categories[c.ID] = c
	s.glTouch(st, g)
	return c
}

func (s *Server) glCreateCategory(w http.ResponseWriter, r *http.Request) {
	var in categoryInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	if code, msg := glCheckCategory(s.st, g, "", in); code != "" {
		glBad(w, code, msg)
		return
	}
	glWriteCategory(w, http.StatusCreated, s.insertCategory(s.st, g, in))
}

func (s *Server) glGetCategory(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, c := s.glLookupCategory(w, r); c != nil {
		glWriteCategory(w, http.StatusOK, c)
	}
}

func (s *Server) glApplyCategory(w http.ResponseWriter, r *http.Request, g *glossary, c *glossaryCategory, in categoryInput) bool {
	if code, msg := glCheckCategory(s.st, g, c.ID, in); code != "" {
		glBad(w, code, msg)
		return false
	}
	c.Name, c.Description, c.ParentID = *in.Name, in.Description, in.ParentID
	c.Stewards = glStrings(slices.Clone(in.Stewards))
	c.Version++
	c.UpdatedAt, c.UpdatedBy = s.now(), s.caller(s.st).ID
	s.glTouch(s.st, g)
	return true
}

func (s *Server) glPutCategory(w http.ResponseWriter, r *http.Request) {
	var in categoryInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, c := s.glLookupCategory(w, r)
	if c == nil || !glIfMatch(w, r, c.Version) {
		return
	}
	if s.glApplyCategory(w, r, g, c, in) {
		glWriteCategory(w, http.StatusOK, c)
	}
}

func (s *Server) glPatchCategory(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-12", "/name", "/description", "/parentId")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, c := s.glLookupCategory(w, r)
	if c == nil || !glIfMatch(w, r, c.Version) {
		return
	}
	name := c.Name
	in := categoryInput{Name: &name, Description: c.Description, ParentID: c.ParentID, Stewards: c.Stewards}
	for _, op := range ops {
		switch op[0] {
		case "/name":
			v := op[1]
			in.Name = &v
		case "/description":
			in.Description = op[1]
		case "/parentId":
			in.ParentID = op[1]
		}
	}
	if s.glApplyCategory(w, r, g, c, in) {
		glSetVersionHeaders(w, c.Version, c.UpdatedAt)
		w.WriteHeader(http.StatusNoContent)
	}
}

// glRemoveCategory deletes a category, its subcategories, and their ids
// from the terms.
func glRemoveCategory(g *glossary, id string) {
	for _, c := range g.Categories {
		if c.ParentID == id {
			glRemoveCategory(g, c.ID)
		}
	}
	delete(g.Categories, id)
	for _, t := range g.Terms {
		t.Categories = removeString(t.Categories, id)
	}
}

func (s *Server) glDeleteCategory(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, c := s.glLookupCategory(w, r)
	if c == nil {
		return
	}
	glRemoveCategory(g, c.ID)
	s.glTouch(s.st, g)
	w.WriteHeader(http.StatusNoContent)
}

// --------------------------------------------------------------- terms

type termStatusJSON struct {
	Type      string `json:"type"`
	UpdatedAt string `json:"updatedAt"`
	UpdatedBy string `json:"updatedBy"`
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

func renderLink(l glLink) termLinkJSON {
	return termLinkJSON{ID: l.ID, Type: l.Type, ResourceID: l.ResourceID, ResourceType: l.ResourceType,
		SubResourceID: l.SubResourceID, SubResourceName: l.SubResourceName, SubResourceType: l.SubResourceType,
		CreatedAt: fmtTime(l.CreatedAt), CreatedBy: l.CreatedBy}
}

// renderTerm renders t; g (nil for a revision) supplies referredRelations.
func renderTerm(g *glossary, t *glossaryTerm) termJSON {
	out := termJSON{ID: t.ID, GlossaryID: t.GlossaryID, Name: t.Name, Abbreviation: t.Abbreviation,
		Description: t.Description, RelatedInformation: t.RelatedInformation,
		Categories: glStrings(t.Categories), Tags: glStrings(t.Tags), Stewards: glStrings(t.Stewards),
		Status:    termStatusJSON{Type: t.Status.Type, UpdatedAt: fmtTime(t.Status.UpdatedAt), UpdatedBy: t.Status.UpdatedBy},
		RelatesTo: append([]glRelation{}, t.RelatesTo...), ReferredRelations: []glRelation{}, LinksTo: []termLinkJSON{},
		Revision: t.Revision, CreatedAt: fmtTime(t.CreatedAt), CreatedBy: t.CreatedBy,
		UpdatedAt: fmtTime(t.UpdatedAt), UpdatedBy: t.UpdatedBy}
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
	writeJSON(w, status, renderTerm(g, t))
}

func glSortedTerms(g *glossary) []*glossaryTerm {
	out := make([]*glossaryTerm, 0, len(g.Terms))
	for _, t := range g.Terms {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *glossaryTerm) int { return int(a.Seq - b.Seq) })
	return out
}

func glSortedCategories(g *glossary) []*glossaryCategory {
	out := make([]*glossaryCategory, 0, len(g.Categories))
	for _, c := range g.Categories {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *glossaryCategory) int { return int(a.Seq - b.Seq) })
	return out
}

func (s *Server) glLookupTerm(w http.ResponseWriter, r *http.Request) (*glossary, *glossaryTerm) {
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

func (s *Server) glListTerms(w http.ResponseWriter, r *http.Request) {
	pq, ok := glPaging(w, r, "BG-13")
	if !ok {
		return
	}
	field, desc, ok := glSort(w, r, "BG-13", "abbreviation", "description", "name", "status", "updated")
	if !ok {
		return
	}
	pq.desc = desc
	var filter filterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		filter, err = parseFilter(f, "id", "name", "relatedInformation", "description", "abbreviation",
			"tags", "stewards", "status", "status.type", "categories")
		if err != nil {
			glBad(w, "BG-13", "invalid filter: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	items := make([]*glossaryTerm, 0, len(g.Terms))
	for _, t := range g.Terms {
		if filter == nil || filter.eval(glTermAttrs(t)) {
			items = append(items, t)
		}
	}
	glWritePage(w, r, "BG-13", items, func(t *glossaryTerm) sortKey {
		switch field {
		case "abbreviation":
			return sortKey{K: strings.ToLower(t.Abbreviation), S: t.Seq}
		case "description":
			return sortKey{K: strings.ToLower(t.Description), S: t.Seq}
		case "name":
			return sortKey{K: strings.ToLower(t.Name), S: t.Seq}
		case "status":
			return sortKey{K: t.Status.Type, S: t.Seq}
		case "updated":
			return sortKey{K: fmtTime(t.UpdatedAt), S: t.Seq}
		}
		return seqKey(t.Seq)
	}, pq, func(t *glossaryTerm) any { return renderTerm(g, t) })
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

// glCheckTerm validates a term (self is "" on create); code, message.
func glCheckTerm(st *state, g *glossary, self string, in termInput) (string, string) {
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
		if st.Users[u] == nil {
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

func (s *Server) glNewLink(st *state, l linkInput) glLink {
	return glLink{ID: s.glNewUUID(st), Type: l.Type, ResourceID: l.ResourceID, ResourceType: l.ResourceType,
		SubResourceID: l.SubResourceID, SubResourceName: l.SubResourceName, SubResourceType: l.SubResourceType,
		CreatedBy: s.caller(st).ID, CreatedAt: s.now(), Seq: st.nextSeq()}
}

// glSetTermFields copies the input into t (links are kept when equal).
func (s *Server) glSetTermFields(st *state, t *glossaryTerm, in termInput) {
	t.Name, t.Abbreviation, t.Description, t.RelatedInformation = *in.Name, in.Abbreviation, in.Description, in.RelatedInformation
	t.Categories = glStrings(slices.Clone(in.Categories))
	t.Tags = glStrings(slices.Clone(in.Tags))
	t.Stewards = glStrings(slices.Clone(in.Stewards))
	t.RelatesTo = append([]glRelation{}, in.RelatesTo...)
	var links []glLink
	for _, l := range in.LinksTo {
		kept := false
		for _, old := range t.Links {
			if old.Type == l.Type && old.ResourceID == l.ResourceID && old.ResourceType == l.ResourceType &&
				old.SubResourceID == l.SubResourceID && old.SubResourceType == l.SubResourceType && old.SubResourceName == l.SubResourceName {
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

func (s *Server) insertTerm(st *state, g *glossary, in termInput) *glossaryTerm {
	now := s.now()
	me := s.caller(st).ID
	t := &glossaryTerm{ID: s.glNewUUID(st), GlossaryID: g.ID, Revision: 1, CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Seq: st.nextSeq(),
		Status: glStatus{Type: "draft", UpdatedBy: me, UpdatedAt: now}}
	s.glSetTermFields(st, t, in)
	g.Terms[t.ID] = t
	s.glTouch(st, g)
	return t
}

// glReviseTerm records the current revision in the history and bumps it.
func (s *Server) glReviseTerm(st *state, g *glossary, t *glossaryTerm) {
	snap := *t
	snap.History = nil
	t.History = append(t.History, snap)
	if len(t.History) > glMaxHistory {
		t.History = t.History[len(t.History)-glMaxHistory:]
	}
	t.Revision++
	t.UpdatedAt, t.UpdatedBy = s.now(), s.caller(st).ID
	s.glTouch(st, g)
}

func (s *Server) glCreateTerm(w http.ResponseWriter, r *http.Request) {
	var in termInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	if code, msg := glCheckTerm(s.st, g, "", in); code != "" {
		glBad(w, code, msg)
		return
	}
	glWriteTerm(w, http.StatusCreated, g, s.insertTerm(s.st, g, in))
}

func (s *Server) glGetTerm(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, t := s.glLookupTerm(w, r); t != nil {
		glWriteTerm(w, http.StatusOK, g, t)
	}
}

func (s *Server) glPutTerm(w http.ResponseWriter, r *http.Request) {
	var in termInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	if code, msg := glCheckTerm(s.st, g, t.ID, in); code != "" {
		glBad(w, code, msg)
		return
	}
	s.glReviseTerm(s.st, g, t)
	s.glSetTermFields(s.st, t, in)
	glWriteTerm(w, http.StatusOK, g, t)
}

func (s *Server) glPatchTerm(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-13", "/name", "/abbreviation", "/description", "/relatedInformation")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.glReviseTerm(s.st, g, t)
	t.Name, t.Abbreviation, t.Description, t.RelatedInformation = cp.Name, cp.Abbreviation, cp.Description, cp.RelatedInformation
	glSetVersionHeaders(w, t.Revision, t.UpdatedAt)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) glDeleteTerm(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	delete(g.Terms, t.ID)
	for _, o := range g.Terms {
		o.RelatesTo = slices.DeleteFunc(o.RelatesTo, func(rel glRelation) bool { return rel.TermID == t.ID })
	}
	s.glTouch(s.st, g)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) glChangeStatus(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if !slices.Contains(glStatuses, status) {
		glBad(w, "BG-13", "status must be one of draft, verified, deprecated")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	if t.Status.Type != status {
		s.glReviseTerm(s.st, g, t)
		t.Status = glStatus{Type: status, UpdatedBy: s.caller(s.st).ID, UpdatedAt: s.now()}
	}
	glWriteTerm(w, http.StatusOK, g, t)
}

func (s *Server) glListLinks(w http.ResponseWriter, r *http.Request) {
	pq, ok := glPaging(w, r, "BG-13")
	if !ok {
		return
	}
	field, desc, ok := glSort(w, r, "BG-13", "type", "subtype", "created")
	if !ok {
		return
	}
	pq.desc = desc
	var filter filterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		filter, err = parseFilter(f, "id", "resourceId", "resourceType", "subResourceId", "subResourceType", "createdBy")
		if err != nil {
			glBad(w, "BG-13", "invalid filter: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	var items []glLink
	for _, l := range t.Links {
		attrs := map[string]string{"id": l.ID, "resourceid": l.ResourceID, "resourcetype": l.ResourceType,
			"subresourceid": l.SubResourceID, "subresourcetype": l.SubResourceType, "createdby": l.CreatedBy}
		if filter == nil || filter.eval(func(a string) []string { return []string{attrs[a]} }) {
			items = append(items, l)
		}
	}
	glWritePage(w, r, "BG-13", items, func(l glLink) sortKey {
		switch field {
		case "type":
			return sortKey{K: l.Type, S: l.Seq}
		case "subtype":
			return sortKey{K: l.SubResourceType, S: l.Seq}
		}
		return seqKey(l.Seq)
	}, pq, func(l glLink) any { return renderLink(l) })
}

func (s *Server) glCreateLink(w http.ResponseWriter, r *http.Request) {
	var in linkInput
	if err := decodeBody(r, &in); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return
	}
	if msg := glCheckLink(in); msg != "" {
		glBad(w, "BG-19", msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t := s.glLookupTerm(w, r)
	if t == nil || !glIfMatch(w, r, t.Revision) {
		return
	}
	for _, old := range t.Links {
		if old.Type == in.Type && old.ResourceID == in.ResourceID && old.ResourceType == in.ResourceType &&
			old.SubResourceID == in.SubResourceID && old.SubResourceType == in.SubResourceType {
			glBad(w, "BG-20", "duplicate link definition")
			return
		}
	}
	s.glReviseTerm(s.st, g, t)
	l := s.glNewLink(s.st, in)
	t.Links = append(t.Links, l)
	glSetVersionHeaders(w, t.Revision, t.UpdatedAt)
	writeJSON(w, http.StatusCreated, renderLink(l))
}

func (s *Server) glListRevisions(w http.ResponseWriter, r *http.Request) {
	pq, ok := glPaging(w, r, "BG-13")
	if !ok {
		return
	}
	_, desc, ok := glSort(w, r, "BG-13", "update")
	if !ok {
		return
	}
	pq.desc = desc
	s.mu.Lock()
	defer s.mu.Unlock()
	_, t := s.glLookupTerm(w, r)
	if t == nil {
		return
	}
	items := make([]*glossaryTerm, 0, len(t.History)+1)
	for i := range t.History {
		items = append(items, &t.History[i])
	}
	items = append(items, t)
	glWritePage(w, r, "BG-13", items, func(t *glossaryTerm) sortKey { return seqKey(t.Revision) }, pq,
		func(t *glossaryTerm) any { return renderTerm(nil, t) })
}
