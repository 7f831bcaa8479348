package kinds

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// glossaryWriter applies one glossary's categories and terms, collecting
// what the target tenant cannot resolve.
type glossaryWriter struct {
	t    *Tenant
	base string
	res  Result
}

func (glossaries) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[glossarySpec](want)
	if err != nil {
		return Result{}, err
	}
	body, err := glossaryBody(ctx, t, want.Metadata.Name, s)
	if err != nil {
		return Result{}, err
	}
	var created apiGlossary
	if err := t.API.Do(ctx, http.MethodPost, "/api/v1/glossaries", body, &created); err != nil {
		return Result{}, err
	}
	w := &glossaryWriter{t: t, base: "/api/v1/glossaries/" + url.PathEscape(created.ID)}
	err = w.sync(ctx, s, nil, nil)
	return w.res, err
}

func (glossaries) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[glossarySpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[glossarySpec](have)
	if err != nil {
		return Result{}, err
	}
	w := &glossaryWriter{t: t, base: "/api/v1/glossaries/" + url.PathEscape(have.Metadata.ID)}
	if ws.Space != hs.Space || ws.Description != hs.Description || ws.Overview != hs.Overview ||
		!reflect.DeepEqual(ws.Tags, hs.Tags) || !reflect.DeepEqual(ws.TermTemplate, hs.TermTemplate) {
		body, err := glossaryBody(ctx, t, want.Metadata.Name, ws)
		if err != nil {
			return Result{}, err
		}
		if err := t.API.Do(ctx, http.MethodPut, w.base, body, nil); err != nil {
			return Result{}, err
		}
	}
	var cats []apiCategory
	if err := t.API.ListAll(ctx, w.base+"/categories", url.Values{"limit": {"100"}}, decodeInto(&cats)); err != nil {
		return Result{}, err
	}
	var terms []apiTerm
	if err := t.API.ListAll(ctx, w.base+"/terms", url.Values{"limit": {"100"}}, decodeInto(&terms)); err != nil {
		return Result{}, err
	}
	err = w.sync(ctx, ws, cats, terms)
	return w.res, err
}

func (glossaries) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, "/api/v1/glossaries/"+url.PathEscape(have.Metadata.ID), nil, nil)
}

func glossaryBody(ctx context.Context, t *Tenant, name string, s glossarySpec) (map[string]any, error) {
	body := map[string]any{"name": name, "description": s.Description, "tags": orEmpty(s.Tags)}
	if s.Overview != "" {
		body["overview"] = s.Overview
	}
	if s.TermTemplate != nil {
		body["termTemplate"] = s.TermTemplate
	}
	if s.Space != "" {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: s.Space})
		if err != nil {
			return nil, err
		}
		if ok {
			body["spaceId"] = id
		}
	}
	return body, nil
}

// sync makes categories and terms match; liveCats and liveTerms are what
// the glossary holds now (nil for a new one).
func (w *glossaryWriter) sync(ctx context.Context, s glossarySpec, liveCats []apiCategory, liveTerms []apiTerm) error {
	catIDs, err := w.syncCategories(ctx, s.Categories, liveCats)
	if err != nil {
		return err
	}
	return w.syncTerms(ctx, s.Terms, liveTerms, catIDs)
}

// syncCategories creates parents before children and deletes children
// before parents. It returns the id of every wanted category by path.
func (w *glossaryWriter) syncCategories(ctx context.Context, want []glossaryCat, live []apiCategory) (map[string]string, error) {
	paths := categoryPaths(live)
	ids := map[string]string{}
	byPath := map[string]apiCategory{}
	for _, c := range live {
		ids[paths[c.ID]] = c.ID
		byPath[paths[c.ID]] = c
	}
	sorted := append([]glossaryCat(nil), want...)
	sort.SliceStable(sorted, func(i, j int) bool { return depth(sorted[i].Name) < depth(sorted[j].Name) })
	wanted := map[string]bool{}
	for _, c := range sorted {
		wanted[c.Name] = true
		stewards := w.userIDs(ctx, c.Stewards)
		body := map[string]any{"name": leafName(c.Name), "description": c.Description, "stewards": orEmpty(stewards)}
		if p := parentPath(c.Name); p != "" {
			body["parentId"] = ids[p]
		}
		cur, exists := byPath[c.Name]
		switch {
		case !exists:
			var created apiCategory
			if err := w.t.API.Do(ctx, http.MethodPost, w.base+"/categories", body, &created); err != nil {
				return nil, err
			}
			ids[c.Name] = created.ID
		case cur.Description != c.Description || !sameStrings(cur.Stewards, stewards):
			if err := w.t.API.Do(ctx, http.MethodPut, w.base+"/categories/"+url.PathEscape(cur.ID), body, nil); err != nil {
				return nil, err
			}
		}
	}
	var extra []string
	for p := range byPath {
		if !wanted[p] {
			extra = append(extra, p)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return depth(extra[i]) > depth(extra[j]) })
	for _, p := range extra {
		if err := w.t.API.Do(ctx, http.MethodDelete, w.base+"/categories/"+url.PathEscape(byPath[p].ID), nil, nil); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func depth(path string) int { return strings.Count(path, "/") - strings.Count(path, `\/`) }

func (w *glossaryWriter) userIDs(ctx context.Context, emails []string) []string {
	var out []string
	for _, e := range emails {
		id, ok, err := w.t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: e})
		if err != nil || !ok {
			w.res.Unresolved = append(w.res.Unresolved, "user:"+e+" (steward)")
			continue
		}
		out = append(out, id)
	}
	return out
}
