package glossaries

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Glossary categories (/api/v1/glossaries/{id}/categories).

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
		ParentID: c.ParentID, Stewards: glStrings(c.Stewards), CreatedAt: core.FmtTime(c.CreatedAt), CreatedBy: c.CreatedBy,
		UpdatedAt: core.FmtTime(c.UpdatedAt), UpdatedBy: c.UpdatedBy}
}

func glWriteCategory(w http.ResponseWriter, status int, c *glossaryCategory) {
	glSetVersionHeaders(w, c.Version, c.UpdatedAt)
	core.WriteJSON(w, status, renderCategory(c))
}

func (s server) glLookupCategory(w http.ResponseWriter, r *http.Request) (*glossary, *glossaryCategory) {
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

func (s server) glListCategories(w http.ResponseWriter, r *http.Request) {
	gq, ok := glListQuery(w, r, "BG-12", []string{"name", "description", "update"})
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	items := make([]*glossaryCategory, 0, len(g.Categories))
	for _, c := range g.Categories {
		items = append(items, c)
	}
	glWritePage(w, r, "BG-12", items, func(c *glossaryCategory) core.SortKey {
		switch gq.sort {
		case "name":
			return core.SortKey{K: strings.ToLower(c.Name), S: c.Seq}
		case "description":
			return core.SortKey{K: strings.ToLower(c.Description), S: c.Seq}
		case "update":
			return core.SortKey{K: core.FmtTime(c.UpdatedAt), S: c.Seq}
		}
		return core.SeqKey(c.Seq)
	}, gq.page, func(c *glossaryCategory) any { return renderCategory(c) })
}

type categoryInput struct {
	Name        *string  `json:"name"`
	Description string   `json:"description"`
	ParentID    string   `json:"parentId"`
	Stewards    []string `json:"stewards"`
}

// glCheckCategory validates a category (self is "" on create); code, message.
func glCheckCategory(st *core.State, g *glossary, self string, in categoryInput) (string, string) {
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
		if core.Users.In(st)[u] == nil {
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

func (s server) insertCategory(st *core.State, g *glossary, in categoryInput) *glossaryCategory {
	now := s.Now()
	me := core.CallerOf(st).ID
	c := &glossaryCategory{ID: s.glNewUUID(st), GlossaryID: g.ID, Name: *in.Name, Description: in.Description,
		ParentID: in.ParentID, Stewards: glStrings(slices.Clone(in.Stewards)), CreatedBy: me, UpdatedBy: me,
		CreatedAt: now, UpdatedAt: now, Version: 1, Seq: st.NextSeq()}
	g.Categories[c.ID] = c
	s.glTouch(st, g)
	return c
}

func (s server) glCreateCategory(w http.ResponseWriter, r *http.Request) {
	var in categoryInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g := s.glLookup(w, r)
	if g == nil {
		return
	}
	if code, msg := glCheckCategory(s.St, g, "", in); code != "" {
		glBad(w, code, msg)
		return
	}
	glWriteCategory(w, http.StatusCreated, s.insertCategory(s.St, g, in))
}

func (s server) glGetCategory(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if _, c := s.glLookupCategory(w, r); c != nil {
		glWriteCategory(w, http.StatusOK, c)
	}
}

func (s server) glApplyCategory(w http.ResponseWriter, r *http.Request, g *glossary, c *glossaryCategory, in categoryInput) bool {
	if code, msg := glCheckCategory(s.St, g, c.ID, in); code != "" {
		glBad(w, code, msg)
		return false
	}
	c.Name, c.Description, c.ParentID = *in.Name, in.Description, in.ParentID
	c.Stewards = glStrings(slices.Clone(in.Stewards))
	s.glTouchCategory(s.St, c)
	s.glTouch(s.St, g)
	return true
}

func (s server) glPutCategory(w http.ResponseWriter, r *http.Request) {
	var in categoryInput
	if !glDecode(w, r, &in) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, c := s.glLookupCategory(w, r)
	if c == nil || !glIfMatch(w, r, c.Version) {
		return
	}
	if s.glApplyCategory(w, r, g, c, in) {
		glWriteCategory(w, http.StatusOK, c)
	}
}

func (s server) glPatchCategory(w http.ResponseWriter, r *http.Request) {
	ops, ok := glPatchOps(w, r, "BG-12", "/name", "/description", "/parentId")
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
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

// glTouchCategory records a change of the category (its version is its
// Etag); the caller touches the glossary too.
func (s server) glTouchCategory(st *core.State, c *glossaryCategory) {
	c.Version++
	c.UpdatedAt, c.UpdatedBy = s.Now(), core.CallerOf(st).ID
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
		t.Categories = core.RemoveString(t.Categories, id)
	}
}

func (s server) glDeleteCategory(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	g, c := s.glLookupCategory(w, r)
	if c == nil {
		return
	}
	glRemoveCategory(g, c.ID)
	s.glTouch(s.St, g)
	w.WriteHeader(http.StatusNoContent)
}
