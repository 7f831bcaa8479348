package kinds

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
)

// syncTerms creates missing terms first, so that every relation can name a
// term id, then writes each new or changed term in full and sets its status.
func (w *glossaryWriter) syncTerms(ctx context.Context, want []glossaryTerm, live []apiTerm, catIDs map[string]string) error {
	liveByName := map[string]apiTerm{}
	for _, term := range live {
		liveByName[term.Name] = term
	}
	have := w.normalizedLive(ctx, live)
	ids := map[string]string{}
	for _, term := range live {
		ids[term.Name] = term.ID
	}
	for _, term := range want {
		if _, ok := ids[term.Name]; ok {
			continue
		}
		var created apiTerm
		if err := w.t.API.Do(ctx, http.MethodPost, w.base+"/terms", map[string]any{"name": term.Name}, &created); err != nil {
			return err
		}
		ids[term.Name] = created.ID
		have[term.Name] = glossaryTerm{Name: term.Name, Status: "draft"}
	}
	wanted := map[string]bool{}
	for _, term := range want {
		wanted[term.Name] = true
		if err := w.writeTerm(ctx, term, have[term.Name], ids, catIDs); err != nil {
			return err
		}
	}
	for name, term := range liveByName {
		if !wanted[name] {
			if err := w.t.API.Do(ctx, http.MethodDelete, w.base+"/terms/"+url.PathEscape(term.ID), nil, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *glossaryWriter) normalizedLive(ctx context.Context, live []apiTerm) map[string]glossaryTerm {
	names := map[string]string{}
	for _, term := range live {
		names[term.ID] = term.Name
	}
	out := map[string]glossaryTerm{}
	for _, term := range live {
		// Category paths are compared by id below, so pass none here.
		gt, err := normalizeTerm(ctx, w.t, term, map[string]string{}, names)
		if err == nil {
			gt.Categories = term.Categories
			out[term.Name] = gt
		}
	}
	return out
}

func (w *glossaryWriter) writeTerm(ctx context.Context, want, have glossaryTerm, ids, catIDs map[string]string) error {
	id := ids[want.Name]
	cats := []string{}
	for _, p := range want.Categories {
		if cid, ok := catIDs[p]; ok {
			cats = append(cats, cid)
		}
	}
	relates := []map[string]string{}
	for _, r := range want.RelatesTo {
		if tid, ok := ids[r.Term]; ok {
			relates = append(relates, map[string]string{"termId": tid, "type": r.Type})
		} else {
			w.res.Unresolved = append(w.res.Unresolved, "term:"+r.Term)
		}
	}
	stewards := w.userIDs(ctx, want.Stewards)
	body := map[string]any{"name": want.Name, "abbreviation": want.Abbreviation, "description": want.Description,
		"relatedInformation": want.RelatedInformation, "categories": cats, "stewards": orEmpty(stewards),
		"tags": orEmpty(want.Tags), "relatesTo": relates}
	wantCmp := want
	wantCmp.Status, have.Status = "", orDefault(have.Status, "draft")
	haveCmp := have
	haveCmp.Status = ""
	haveCmp.Categories, wantCmp.Categories = sortedCopy(have.Categories), sortedCopy(cats)
	if !reflect.DeepEqual(normalizedTerm(wantCmp), normalizedTerm(haveCmp)) {
		if err := w.t.API.Do(ctx, http.MethodPut, w.base+"/terms/"+url.PathEscape(id), body, nil); err != nil {
			return err
		}
	}
	if status := orDefault(want.Status, "draft"); status != have.Status {
		path := w.base + "/terms/" + url.PathEscape(id) + "/actions/change-status?status=" + url.QueryEscape(status)
		if err := w.t.API.Do(ctx, http.MethodPost, path, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// normalizedTerm makes nil and empty lists compare equal.
func normalizedTerm(t glossaryTerm) glossaryTerm {
	if len(t.Categories) == 0 {
		t.Categories = nil
	}
	if len(t.Stewards) == 0 {
		t.Stewards = nil
	}
	if len(t.Tags) == 0 {
		t.Tags = nil
	}
	if len(t.RelatesTo) == 0 {
		t.RelatesTo = nil
	}
	return t
}
