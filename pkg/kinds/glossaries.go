package kinds

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Glossaries handles business glossaries: the glossary with its categories
// and terms in one document. Categories are named by their path of names
// ("Revenue/Recurring"), terms by name, stewards by email, so the document
// means the same in any tenant. It is read and written through the CRUD
// endpoints: Qlik's export format leaves out term status and related
// information, so export/import would not round-trip. Links from terms to
// apps and datasets carry tenant ids and are left out until those kinds are
// managed.
var Glossaries = glossaries{Desc{
	KindName: "Glossary", FolderName: "glossaries",
	ListPath: "/api/v1/glossaries", Query: limit100(),
	PerItem:   []string{"categories", "terms"},
	DependsOn: []string{"User", "Space"},
	Coverage: Coverage{
		Exported: "name, space, description, overview, tags, term template, categories (by path), terms with status, stewards (by email), relations (by term name)",
		Restored: "created and reconciled category by category, term by term",
		Reentry:  "stewards not in the target (reported)",
		LeftOut:  "term links to apps and datasets: they carry tenant ids until apps are managed",
	},
}}

type glossaries struct{ Desc }

type glossarySpec struct {
	Space        string         `json:"space,omitempty"`
	Description  string         `json:"description,omitempty"`
	Overview     string         `json:"overview,omitempty"`
	Tags         []string       `json:"tags,omitempty"`
	TermTemplate map[string]any `json:"termTemplate,omitempty"`
	Categories   []glossaryCat  `json:"categories,omitempty"`
	Terms        []glossaryTerm `json:"terms,omitempty"`
}

type glossaryCat struct {
	Name        string   `json:"name"` // the path of names from the root
	Description string   `json:"description,omitempty"`
	Stewards    []string `json:"stewards,omitempty"`
}

type glossaryTerm struct {
	Name               string         `json:"name"`
	Abbreviation       string         `json:"abbreviation,omitempty"`
	Description        string         `json:"description,omitempty"`
	RelatedInformation string         `json:"relatedInformation,omitempty"`
	Categories         []string       `json:"categories,omitempty"`
	Stewards           []string       `json:"stewards,omitempty"`
	Status             string         `json:"status,omitempty"`
	Tags               []string       `json:"tags,omitempty"`
	RelatesTo          []termRelation `json:"relatesTo,omitempty"`
}

type termRelation struct {
	Term string `json:"term"`
	Type string `json:"type"`
}

type apiGlossary struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	Overview     string         `json:"overview"`
	SpaceID      string         `json:"spaceId"`
	Tags         []string       `json:"tags"`
	TermTemplate map[string]any `json:"termTemplate"`
}

type apiCategory struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	ParentID    string   `json:"parentId"`
	Stewards    []string `json:"stewards"`
}

type apiTerm struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Abbreviation       string   `json:"abbreviation"`
	Description        string   `json:"description"`
	RelatedInformation string   `json:"relatedInformation"`
	Categories         []string `json:"categories"`
	Stewards           []string `json:"stewards"`
	Tags               []string `json:"tags"`
	Status             struct {
		Type string `json:"type"`
	} `json:"status"`
	RelatesTo []struct {
		TermID string `json:"termId"`
		Type   string `json:"type"`
	} `json:"relatesTo"`
}

func (glossaries) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[glossarySpec](d)
	if err != nil {
		return nil
	}
	refs := ownerAndSpaceRefs("", s.Space)
	for i, c := range s.Categories {
		refs = append(refs, stewardRefs(c.Stewards, fmt.Sprintf("spec.categories[%d]", i))...)
	}
	for i, term := range s.Terms {
		refs = append(refs, stewardRefs(term.Stewards, fmt.Sprintf("spec.terms[%d]", i))...)
	}
	return refs
}

func stewardRefs(emails []string, field string) []resource.Ref {
	var refs []resource.Ref
	for i, e := range emails {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: e}, Field: fmt.Sprintf("%s.stewards[%d]", field, i)})
	}
	return refs
}

func (glossaries) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	var list []apiGlossary
	if err := t.API.ListAll(ctx, "/api/v1/glossaries", url.Values{"limit": {"100"}}, decodeInto(&list)); err != nil {
		return nil, fmt.Errorf("read glossaries: %w", err)
	}
	docs := make([]resource.Document, len(list))
	err := forEach(ctx, len(list), func(ctx context.Context, i int) error {
		d, err := readGlossary(ctx, t, list[i])
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

func readGlossary(ctx context.Context, t *Tenant, g apiGlossary) (resource.Document, error) {
	base := "/api/v1/glossaries/" + url.PathEscape(g.ID)
	var cats []apiCategory
	if err := t.API.ListAll(ctx, base+"/categories", url.Values{"limit": {"100"}}, decodeInto(&cats)); err != nil {
		return resource.Document{}, fmt.Errorf("read categories of glossary %q: %w", g.Name, err)
	}
	var terms []apiTerm
	if err := t.API.ListAll(ctx, base+"/terms", url.Values{"limit": {"100"}}, decodeInto(&terms)); err != nil {
		return resource.Document{}, fmt.Errorf("read terms of glossary %q: %w", g.Name, err)
	}
	space, _, err := t.Names.KeyOf(ctx, "Space", g.SpaceID)
	if err != nil {
		return resource.Document{}, err
	}
	spec := glossarySpec{Space: space, Description: g.Description, Overview: g.Overview,
		Tags: sortedCopy(g.Tags), TermTemplate: g.TermTemplate}
	paths := categoryPaths(cats)
	for _, c := range cats {
		stewards, err := stewardEmails(ctx, t, c.Stewards)
		if err != nil {
			return resource.Document{}, err
		}
		spec.Categories = append(spec.Categories, glossaryCat{Name: paths[c.ID], Description: c.Description, Stewards: stewards})
	}
	sort.Slice(spec.Categories, func(i, j int) bool { return spec.Categories[i].Name < spec.Categories[j].Name })
	names := map[string]string{}
	for _, term := range terms {
		names[term.ID] = term.Name
	}
	for _, term := range terms {
		gt, err := normalizeTerm(ctx, t, term, paths, names)
		if err != nil {
			return resource.Document{}, err
		}
		spec.Terms = append(spec.Terms, gt)
	}
	sort.Slice(spec.Terms, func(i, j int) bool { return spec.Terms[i].Name < spec.Terms[j].Name })
	return toDoc("Glossary", g.Name, g.ID, spec)
}

func normalizeTerm(ctx context.Context, t *Tenant, term apiTerm, paths, names map[string]string) (glossaryTerm, error) {
	stewards, err := stewardEmails(ctx, t, term.Stewards)
	if err != nil {
		return glossaryTerm{}, err
	}
	gt := glossaryTerm{Name: term.Name, Abbreviation: term.Abbreviation, Description: term.Description,
		RelatedInformation: term.RelatedInformation, Stewards: stewards, Status: term.Status.Type, Tags: sortedCopy(term.Tags)}
	for _, id := range term.Categories {
		if p, ok := paths[id]; ok {
			gt.Categories = append(gt.Categories, p)
		}
	}
	sort.Strings(gt.Categories)
	for _, r := range term.RelatesTo {
		if n, ok := names[r.TermID]; ok {
			gt.RelatesTo = append(gt.RelatesTo, termRelation{Term: n, Type: r.Type})
		}
	}
	sort.Slice(gt.RelatesTo, func(i, j int) bool {
		a, b := gt.RelatesTo[i], gt.RelatesTo[j]
		return a.Term+"\x00"+a.Type < b.Term+"\x00"+b.Type
	})
	return gt, nil
}

// categoryPaths names each category by the names from its root, with "/"
// inside a name escaped so that paths split back unambiguously.
func categoryPaths(cats []apiCategory) map[string]string {
	byID := map[string]apiCategory{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	out := map[string]string{}
	var pathOf func(id string, depth int) string
	pathOf = func(id string, depth int) string {
		c := byID[id]
		name := strings.ReplaceAll(c.Name, "/", `\/`)
		if c.ParentID == "" || depth > len(cats) {
			return name
		}
		if _, ok := byID[c.ParentID]; !ok {
			return name
		}
		return pathOf(c.ParentID, depth+1) + "/" + name
	}
	for _, c := range cats {
		out[c.ID] = pathOf(c.ID, 0)
	}
	return out
}

// parentPath is the category path without its last name.
func parentPath(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' && p[i-1] != '\\' {
			return p[:i]
		}
	}
	return ""
}

// leafName is the category's own name, unescaped.
func leafName(p string) string {
	if parent := parentPath(p); parent != "" {
		p = p[len(parent)+1:]
	}
	return strings.ReplaceAll(p, `\/`, "/")
}

func stewardEmails(ctx context.Context, t *Tenant, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		ref, ok, err := t.Names.KeyOf(ctx, "User", id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ref)
		} else {
			t.Warnf("glossary steward %s is not a listed user; left out", id)
		}
	}
	sort.Strings(out)
	return out, nil
}
