package glossaries

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// glossaries.yaml is a list of glossaries. References are by natural key:
// space by name, stewards by user email, categories and related terms by
// name within the glossary (see examples/demo-tenant/glossaries.yaml):
//
//	- name: Finance Glossary
//	  space: Finance                # optional; omitted = personal
//	  description: ...
//	  overview: plain text or a rich-text JSON string
//	  tags: [finance]
//	  categories:
//	    - name: Metrics
//	      description: ...
//	      parent: Reporting         # optional; a category listed before it
//	      stewards: [jane.doe@example.com]
//	  terms:
//	    - name: Revenue
//	      abbreviation: REV
//	      description: ...
//	      relatedInformation: plain text or rich text
//	      categories: [Metrics]
//	      stewards: [jane.doe@example.com]
//	      status: verified          # draft (default) | verified | deprecated
//	      tags: [kpi]
//	      relatesTo: [{term: Gross Margin, type: seeAlso}]

// seedGlossary is one entry of glossaries.yaml.
type seedGlossary struct {
	Name        string           `json:"name"`
	Space       string           `json:"space,omitempty"`
	Description string           `json:"description,omitempty"`
	Overview    string           `json:"overview,omitempty"`
	Tags        []string         `json:"tags,omitempty"`
	Categories  []seedGlCategory `json:"categories,omitempty"`
	Terms       []seedGlTerm     `json:"terms,omitempty"`
}

type seedGlCategory struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Parent      string   `json:"parent,omitempty"`
	Stewards    []string `json:"stewards,omitempty"`
}

type seedGlTerm struct {
	Name               string           `json:"name"`
	Abbreviation       string           `json:"abbreviation,omitempty"`
	Description        string           `json:"description,omitempty"`
	RelatedInformation string           `json:"relatedInformation,omitempty"`
	Categories         []string         `json:"categories,omitempty"`
	Stewards           []string         `json:"stewards,omitempty"`
	Status             string           `json:"status,omitempty"`
	Tags               []string         `json:"tags,omitempty"`
	RelatesTo          []seedGlRelation `json:"relatesTo,omitempty"`
}

type seedGlRelation struct {
	Term string `json:"term"`
	Type string `json:"type"`
}

// glRichText wraps plain text as Qlik rich text; rich text is kept as is.
func glRichText(s string) string {
	if s == "" || (strings.HasPrefix(strings.TrimSpace(s), "[") && glValidRichText(s)) {
		return s
	}
	b, _ := json.Marshal([]any{map[string]any{"type": "paragraph", "children": []any{map[string]any{"text": s}}}})
	return string(b)
}

func (s server) seedGlossaries(st *core.State, dir string) error {
	path := filepath.Join(dir, "glossaries.yaml")
	var list []seedGlossary
	if err := core.ReadSeedFile(path, &list); err != nil {
		return err
	}
	for i, sg := range list {
		if err := s.seedGlossary(st, sg); err != nil {
			return fmt.Errorf("%s: glossaries[%d] (%q): %w", path, i, sg.Name, err)
		}
	}
	return nil
}

func glStewardsByEmail(st *core.State, emails []string) ([]string, error) {
	ids := []string{}
	for _, e := range emails {
		u := core.UserByEmail(st, e)
		if u == nil {
			return nil, fmt.Errorf("steward %q is not a user in users.yaml", e)
		}
		if !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

func (s server) seedGlossary(st *core.State, sg seedGlossary) error {
	in := glossaryInput{Name: &sg.Name, Description: sg.Description, Overview: glRichText(sg.Overview), Tags: sg.Tags}
	var err error
	if in.SpaceID, err = core.SeedSpaceID(st, sg.Space); err != nil {
		return err
	}
	if _, msg := glCheckGlossary(st, in); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	g := s.insertGlossary(st, in)
	byName, err := s.seedGlCategories(st, g, sg.Categories)
	if err != nil {
		return err
	}
	return s.seedGlTerms(st, g, sg.Terms, byName)
}

// seedGlCategories adds the categories in order (a parent is named before
// its children) and returns them by lower-case name.
func (s server) seedGlCategories(st *core.State, g *glossary, cats []seedGlCategory) (map[string][]*glossaryCategory, error) {
	byName := map[string][]*glossaryCategory{}
	for j, sc := range cats {
		where := fmt.Sprintf("categories[%d] (%q)", j, sc.Name)
		cin := categoryInput{Name: &sc.Name, Description: sc.Description}
		if sc.Parent != "" {
			ps := byName[strings.ToLower(sc.Parent)]
			switch len(ps) {
			case 0:
				return nil, fmt.Errorf("%s: parent %q is not a category listed before it", where, sc.Parent)
			case 1:
				cin.ParentID = ps[0].ID
			default:
				return nil, fmt.Errorf("%s: parent %q names more than one category", where, sc.Parent)
			}
		}
		var err error
		if cin.Stewards, err = glStewardsByEmail(st, sc.Stewards); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if _, msg := glCheckCategory(st, g, "", cin); msg != "" {
			return nil, fmt.Errorf("%s: %s", where, msg)
		}
		c := s.insertCategory(st, g, cin)
		byName[strings.ToLower(sc.Name)] = append(byName[strings.ToLower(sc.Name)], c)
	}
	return byName, nil
}

// seedGlTerms adds the terms, then their relations, which may point to a
// term listed later.
func (s server) seedGlTerms(st *core.State, g *glossary, seedTerms []seedGlTerm, byName map[string][]*glossaryCategory) error {
	terms := make([]*glossaryTerm, len(seedTerms))
	termByName := map[string]*glossaryTerm{}
	for j, sterm := range seedTerms {
		where := fmt.Sprintf("terms[%d] (%q)", j, sterm.Name)
		tin := termInput{Name: &sterm.Name, Abbreviation: sterm.Abbreviation, Description: sterm.Description,
			RelatedInformation: glRichText(sterm.RelatedInformation), Tags: sterm.Tags}
		for _, cn := range sterm.Categories {
			cs := byName[strings.ToLower(cn)]
			if len(cs) != 1 {
				return fmt.Errorf("%s: category %q must name exactly one category of the glossary", where, cn)
			}
			tin.Categories = append(tin.Categories, cs[0].ID)
		}
		var err error
		if tin.Stewards, err = glStewardsByEmail(st, sterm.Stewards); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if sterm.Status != "" && !slices.Contains(glStatuses, sterm.Status) {
			return fmt.Errorf("%s: status must be draft, verified or deprecated, not %q", where, sterm.Status)
		}
		if _, msg := glCheckTerm(st, g, "", tin); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		if termByName[strings.ToLower(sterm.Name)] != nil {
			return fmt.Errorf("%s: duplicate term name", where)
		}
		t := s.insertTerm(st, g, tin)
		if sterm.Status != "" {
			t.Status.Type = sterm.Status
		}
		terms[j] = t
		termByName[strings.ToLower(sterm.Name)] = t
	}
	for j, sterm := range seedTerms {
		for _, rel := range sterm.RelatesTo {
			other := termByName[strings.ToLower(rel.Term)]
			switch {
			case other == nil || other == terms[j]:
				return fmt.Errorf("terms[%d] (%q): relatesTo: %q is not another term of the glossary", j, sterm.Name, rel.Term)
			case !slices.Contains(glRelationTypes, rel.Type):
				return fmt.Errorf("terms[%d] (%q): relatesTo: unknown type %q (one of %s)", j, sterm.Name, rel.Type, strings.Join(glRelationTypes, ", "))
			}
			terms[j].RelatesTo = append(terms[j].RelatesTo, glRelation{TermID: other.ID, Type: rel.Type})
		}
	}
	return nil
}
