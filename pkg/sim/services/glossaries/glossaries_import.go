package glossaries

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Glossary import (POST /actions/import), after the glossaries spec's
// qlikGlossary schema.

// The import document (qlikGlossary). relatedInformation on terms is not in
// the spec's importTerm; it is accepted so that nothing is lost on purpose.
type importCategory struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	ParentID       string            `json:"parentId"`
	Stewards       []string          `json:"stewards"`
	StewardDetails []glStewardDetail `json:"stewardDetails"`
}

type importTerm struct {
	ID                 string            `json:"id"`
	Name               string            `json:"name"`
	Abbreviation       string            `json:"abbreviation"`
	Description        string            `json:"description"`
	RelatedInformation string            `json:"relatedInformation"`
	Categories         []string          `json:"categories"`
	Tags               []string          `json:"tags"`
	Stewards           []glStewardDetail `json:"stewards"`
	StewardDetails     []glStewardDetail `json:"stewardDetails"`
	Owner              []glStewardDetail `json:"owner"`
	RelatesTo          []glRelation      `json:"relatesTo"`
	LinksTo            []linkInput       `json:"linksTo"`
}

type importDoc struct {
	Name         *string          `json:"name"`
	Description  string           `json:"description"`
	Overview     string           `json:"overview"`
	SpaceID      string           `json:"spaceId"`
	Tags         []string         `json:"tags"`
	TermTemplate *glTermTemplate  `json:"termTemplate"`
	Categories   []importCategory `json:"categories"`
	Terms        []importTerm     `json:"terms"`
}

type importOpts struct {
	spaceID          string
	lookupOnEmail    bool
	importerFallback bool
}

// glImportError is a validation failure of an import document.
type glImportError struct{ code, msg string }

func (e *glImportError) Error() string { return e.code + ": " + e.msg }

func glImportErr(code, format string, a ...any) error {
	return &glImportError{code: code, msg: fmt.Sprintf(format, a...)}
}

// glTermImportID is the id a term without one gets: the leading 30
// characters of its name and its index (importTerm.id).
func glTermImportID(t importTerm, i int) string {
	if t.ID != "" {
		return t.ID
	}
	name := []rune(t.Name)
	if len(name) > 30 {
		name = name[:30]
	}
	return string(name) + strconv.Itoa(i)
}

// validateImport checks a document before anything is written.
func validateImport(doc importDoc) error {
	if doc.Name == nil || strings.TrimSpace(*doc.Name) == "" {
		return glImportErr("BG-6", "a glossary name is required")
	}
	if !glValidRichText(doc.Overview) {
		return glImportErr("BG-21", "overview: %s", glRichTextMsg)
	}
	if doc.TermTemplate != nil && !glValidRichText(doc.TermTemplate.RelatedInformation) {
		return glImportErr("BG-21", "termTemplate.relatedInformation: %s", glRichTextMsg)
	}
	if err := validateImportCategories(doc.Categories); err != nil {
		return err
	}
	return validateImportTerms(doc.Terms)
}

func validateImportCategories(cats []importCategory) error {
	catIDs := map[string]bool{}
	for i, c := range cats {
		if strings.TrimSpace(c.Name) == "" {
			return glImportErr("BG-12", "categories[%d]: a category name is required", i)
		}
		if c.ID != "" {
			if catIDs[c.ID] {
				return glImportErr("BG-14", "two or more categories share id %q", c.ID)
			}
			catIDs[c.ID] = true
		}
	}
	names := map[[2]string]bool{}
	for i, c := range cats {
		if c.ParentID != "" && !catIDs[c.ParentID] {
			return glImportErr("BG-12", "categories[%d]: parentId %q is not the id of a category in the document", i, c.ParentID)
		}
		k := [2]string{c.ParentID, strings.ToLower(c.Name)}
		if names[k] {
			return glImportErr("BG-7", "two categories with the same name cannot have the same parent (%q)", c.Name)
		}
		names[k] = true
	}
	return nil
}

func validateImportTerms(terms []importTerm) error {
	termIDs := map[string]bool{}
	for i, t := range terms {
		if strings.TrimSpace(t.Name) == "" {
			return glImportErr("BG-13", "terms[%d]: a term name is required", i)
		}
		id := glTermImportID(t, i)
		if termIDs[id] {
			return glImportErr("BG-15", "two or more terms share id %q", id)
		}
		termIDs[id] = true
		if !glValidRichText(t.RelatedInformation) {
			return glImportErr("BG-21", "terms[%d].relatedInformation: %s", i, glRichTextMsg)
		}
		for _, rel := range t.RelatesTo {
			if !slices.Contains(glRelationTypes, rel.Type) {
				return glImportErr("BG-19", "terms[%d]: unknown relation type %q", i, rel.Type)
			}
		}
		seen := map[linkInput]bool{}
		for _, l := range t.LinksTo {
			if msg := glCheckLink(l); msg != "" {
				return glImportErr("BG-19", "terms[%d]: %s", i, msg)
			}
			if seen[l] {
				return glImportErr("BG-20", "terms[%d]: duplicate link definition", i)
			}
			seen[l] = true
		}
	}
	return nil
}

// glResolveStewards turns steward references into user ids.
func (s server) glResolveStewards(st *core.State, opts importOpts, ids []string, details ...[]glStewardDetail) []string {
	out := []string{}
	add := func(id string) {
		if id != "" && core.Users.In(st)[id] != nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, id := range ids {
		add(id)
	}
	for _, list := range details {
		for _, d := range list {
			if opts.lookupOnEmail && d.Email != "" {
				if u := core.UserByEmail(st, d.Email); u != nil {
					add(u.ID)
					continue
				}
			}
			add(d.UserID)
		}
	}
	if len(out) == 0 && opts.importerFallback {
		add(core.CallerOf(st).ID)
	}
	return out
}

// importGlossary creates or updates a glossary from doc in st.
// An existing glossary with the same name in the target space is updated:
// its categories are matched by import id, id, or name under the same
// parent; its terms by import id or id. Nothing that the document does not
// mention is deleted.
func (s server) importGlossary(st *core.State, doc importDoc, opts importOpts) (*glossary, error) {
	if err := validateImport(doc); err != nil {
		return nil, err
	}
	if opts.spaceID != "" && core.Spaces.In(st)[opts.spaceID] == nil {
		return nil, glImportErr("BG-11", "spaceId %q is not an existing space", opts.spaceID)
	}
	g, isNew := s.importTarget(st, doc, opts)
	catMap, err := s.importCategories(st, g, isNew, doc.Categories, opts)
	if err != nil {
		return nil, err
	}
	s.importTerms(st, g, isNew, doc.Terms, catMap, opts)
	s.glTouch(st, g)
	if !isNew {
		Glossaries.In(st)[g.ID] = g
	}
	return g, nil
}

// importTarget returns the glossary to import into: the oldest of the same
// name in the space, as a copy so that a late failure leaves it unchanged,
// or a new one.
func (s server) importTarget(st *core.State, doc importDoc, opts importOpts) (g *glossary, isNew bool) {
	for _, cand := range Glossaries.In(st) {
		if cand.Name == *doc.Name && cand.SpaceID == opts.spaceID && (g == nil || cand.Seq < g.Seq) {
			g = cand
		}
	}
	if g == nil {
		return s.insertGlossary(st, glossaryInput{Name: doc.Name, Description: doc.Description, Overview: doc.Overview,
			SpaceID: opts.spaceID, Tags: doc.Tags, TermTemplate: doc.TermTemplate}), true
	}
	var cp glossary
	data, _ := json.Marshal(g)
	_ = json.Unmarshal(data, &cp)
	cp.Description, cp.Overview, cp.Tags = doc.Description, doc.Overview, glStrings(slices.Clone(doc.Tags))
	cp.TermTemplate = glTermTemplate{}
	if doc.TermTemplate != nil {
		cp.TermTemplate = *doc.TermTemplate
	}
	return &cp, false
}

// importCategories places the document's categories, parents first. It
// returns document id (and index) → category id.
func (s server) importCategories(st *core.State, g *glossary, isNew bool, cats []importCategory, opts importOpts) (map[string]string, error) {
	catMap := map[string]string{}
	done := make([]bool, len(cats))
	for progress := true; progress; {
		progress = false
		for i, dc := range cats {
			parent, placed := "", true
			if dc.ParentID != "" {
				parent, placed = catMap[dc.ParentID]
			}
			if done[i] || !placed {
				continue
			}
			var match *glossaryCategory
			if !isNew {
				match = glMatchCategory(g, dc, parent)
			}
			c, err := s.importCategory(st, g, match, dc, parent, opts)
			if err != nil {
				return nil, err
			}
			if dc.ID != "" {
				c.ImportID = dc.ID
				catMap[dc.ID] = c.ID
			}
			catMap[strconv.Itoa(i)] = c.ID
			done[i] = true
			progress = true
		}
	}
	if slices.Contains(done, false) {
		return nil, glImportErr("BG-12", "categories form a parent cycle")
	}
	return catMap, nil
}

// glMatchCategory finds the existing category a document category updates:
// by import id or id first, then by name under the same parent.
func glMatchCategory(g *glossary, dc importCategory, parent string) *glossaryCategory {
	cats := glSortedCategories(g)
	for _, ex := range cats {
		if dc.ID != "" && (ex.ImportID == dc.ID || ex.ID == dc.ID) {
			return ex
		}
	}
	for _, ex := range cats {
		if ex.ParentID == parent && strings.EqualFold(ex.Name, dc.Name) {
			return ex
		}
	}
	return nil
}

// importCategory creates the category, or updates c when it is not nil.
func (s server) importCategory(st *core.State, g *glossary, c *glossaryCategory, dc importCategory, parent string, opts importOpts) (*glossaryCategory, error) {
	stewards := s.glResolveStewards(st, opts, dc.Stewards, dc.StewardDetails)
	name := dc.Name
	except := ""
	if c != nil {
		except = c.ID
	}
	if glCategoryNameTaken(g, name, parent, except) {
		return nil, glImportErr("BG-7", "two categories with the same name cannot have the same parent (%q)", name)
	}
	if c == nil {
		return s.insertCategory(st, g, categoryInput{Name: &name, Description: dc.Description, ParentID: parent, Stewards: stewards}), nil
	}
	c.Name, c.Description, c.ParentID, c.Stewards = name, dc.Description, parent, stewards
	s.glTouchCategory(st, c)
	return c, nil
}

// importTerms creates or finds every term first, so that relations can point
// forward, then sets their fields. Unknown category and term references are
// discarded.
func (s server) importTerms(st *core.State, g *glossary, isNew bool, docTerms []importTerm, catMap map[string]string, opts importOpts) {
	terms := make([]*glossaryTerm, len(docTerms))
	termMap := map[string]string{} // import id (and index) → term id
	for i, dt := range docTerms {
		impID := glTermImportID(dt, i)
		var t *glossaryTerm
		if !isNew {
			t = glMatchTerm(g, impID)
		}
		if t == nil {
			name := dt.Name
			t = s.insertTerm(st, g, termInput{Name: &name})
		} else {
			s.glReviseTerm(st, g, t)
		}
		t.ImportID = impID
		terms[i] = t
		termMap[impID] = t.ID
		termMap[strconv.Itoa(i)] = t.ID
	}
	for i, dt := range docTerms {
		t := terms[i]
		in := termInput{Name: &dt.Name, Abbreviation: dt.Abbreviation, Description: dt.Description,
			RelatedInformation: dt.RelatedInformation, Tags: dt.Tags, LinksTo: dt.LinksTo,
			Stewards: s.glResolveStewards(st, opts, nil, dt.Stewards, dt.StewardDetails)}
		for _, ref := range dt.Categories {
			if id, ok := catMap[ref]; ok && !slices.Contains(in.Categories, id) {
				in.Categories = append(in.Categories, id)
			}
		}
		for _, rel := range dt.RelatesTo {
			id, ok := termMap[rel.TermID]
			if !ok && g.Terms[rel.TermID] != nil {
				id, ok = rel.TermID, true
			}
			if ok && id != t.ID {
				in.RelatesTo = append(in.RelatesTo, glRelation{TermID: id, Type: rel.Type})
			}
		}
		s.glSetTermFields(st, t, in)
	}
}

func glMatchTerm(g *glossary, impID string) *glossaryTerm {
	for _, ex := range glSortedTerms(g) {
		if ex.ImportID == impID || ex.ID == impID {
			return ex
		}
	}
	return nil
}

func (s server) glImport(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json", "application/json+qlik", "":
	case "application/json+atlan", "application/json+atlas":
		glBad(w, "BG-4", "qliksim imports the qlik glossary format only")
		return
	default:
		glBad(w, "BG-4", "invalid or unsupported content type; valid types are: application/json, application/json+qlik, application/json+atlan, application/json+atlas")
		return
	}
	var doc importDoc
	if !glDecode(w, r, &doc) {
		return
	}
	q := r.URL.Query()
	for _, p := range []string{"lookupUserOnEmail", "importerAsFallbackSteward"} {
		if v := q.Get(p); v != "" && v != "true" && v != "false" {
			glBad(w, "BG-11", p+" must be true or false")
			return
		}
	}
	opts := importOpts{spaceID: doc.SpaceID, lookupOnEmail: q.Get("lookupUserOnEmail") == "true",
		importerFallback: q.Get("importerAsFallbackSteward") == "true"}
	if q.Has("spaceId") {
		opts.spaceID = q.Get("spaceId")
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	// Import into a copy of the state: all or nothing.
	st, err := core.CloneState(s.St)
	if err != nil {
		glError(w, http.StatusInternalServerError, "", err.Error())
		return
	}
	g, err := s.importGlossary(st, doc, opts)
	if err != nil {
		if ie, ok := err.(*glImportError); ok {
			glBad(w, ie.code, ie.msg)
		} else {
			glError(w, http.StatusInternalServerError, "", err.Error())
		}
		return
	}
	Glossaries.Set(s.St, Glossaries.In(st))
	s.St.IDCounter, s.St.Seq = st.IDCounter, st.Seq
	s.glWriteGlossary(w, http.StatusCreated, g)
}
