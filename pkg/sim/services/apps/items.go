package apps

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The items catalogue (spec qliksense-items-api-openapi.yml), as far as it
// lists apps: qliksim holds no other item types, so a list for another
// resourceType is empty. Cursor paging (limit 1–100, default 10; next or
// prev, not both), sort ±createdAt (default), ±name, ±updatedAt. Filters:
// resourceType, resourceId, resourceIds (comma-separated, at most 100),
// spaceId ("personal" for apps in personal spaces), spaceType, ownerId,
// notOwnerId, createdByUserId, name (exact, case-insensitive), query
// (a substring of name or description), id. Deleted apps are not listed.

var itemResourceTypes = []string{"app", "qlikview", "qvapp", "genericlink", "sharingservicetask", "note",
	"dataasset", "dataset", "automation", "automl-experiment", "automl-deployment", "assistant", "dataproduct",
	"dataqualityrule", "glossary", "knowledgebase", "script", "semantictype", "page"}

func (s server) routeItems(mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/items", s.listItems)
}

// itemFilter turns the query into a predicate over apps, or an error
// naming the parameter.
func itemFilter(st *core.State, r *http.Request) (func(*app) bool, string, string) {
	q := r.URL.Query()
	var keep []func(*app) bool
	if v := q.Get("resourceType"); v != "" {
		base, _, _ := strings.Cut(v, "[")
		if !slices.Contains(itemResourceTypes, base) {
			return nil, "?resourceType", fmt.Sprintf("unknown resourceType %q", v)
		}
		if base != "app" {
			return func(*app) bool { return false }, "", ""
		}
	}
	if v := q.Get("resourceIds"); v != "" {
		ids := strings.Split(v, ",")
		if len(ids) > 100 {
			return nil, "?resourceIds", "at most 100 resourceIds"
		}
		keep = append(keep, func(a *app) bool { return slices.Contains(ids, a.ID) })
	}
	eq := map[string]func(*app) string{
		"resourceId": func(a *app) string { return a.ID }, "id": func(a *app) string { return a.ItemID },
		"ownerId": func(a *app) string { return a.OwnerID }, "createdByUserId": func(a *app) string { return a.CreatorID },
	}
	for param, get := range eq {
		if v := q.Get(param); v != "" {
			keep = append(keep, func(a *app) bool { return get(a) == v })
		}
	}
	if v := q.Get("notOwnerId"); v != "" {
		keep = append(keep, func(a *app) bool { return a.OwnerID != v })
	}
	if v := q.Get("spaceId"); v != "" {
		if v == "personal" {
			v = ""
		}
		keep = append(keep, func(a *app) bool { return a.SpaceID == v })
	}
	if v := q.Get("spaceType"); v != "" {
		keep = append(keep, func(a *app) bool {
			if a.SpaceID == "" {
				return v == "personal"
			}
			sp := core.Spaces.Get(st, a.SpaceID)
			return sp != nil && sp.Type == v
		})
	}
	if v := q.Get("name"); v != "" {
		keep = append(keep, func(a *app) bool { return strings.EqualFold(a.Name, v) })
	}
	if v := strings.ToLower(q.Get("query")); v != "" {
		keep = append(keep, func(a *app) bool {
			return strings.Contains(strings.ToLower(a.Name), v) || strings.Contains(strings.ToLower(a.Description), v)
		})
	}
	return func(a *app) bool {
		if a.Deleted {
			return false
		}
		for _, k := range keep {
			if !k(a) {
				return false
			}
		}
		return true
	}, "", ""
}

func (s server) listItems(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, 10)
	if !ok {
		return
	}
	field, desc, ok := core.ParseSort(w, r, "+createdAt", "createdAt", "name", "updatedAt", "recentlyUsed")
	if !ok {
		return
	}
	pq.Desc = desc
	s.Mu.Lock()
	defer s.Mu.Unlock()
	keep, param, msg := itemFilter(s.St, r)
	if keep == nil {
		core.BadRequest(w, r, param, msg)
		return
	}
	key := func(a *app) core.SortKey {
		switch field {
		case "name":
			return core.SortKey{K: strings.ToLower(a.Name), S: a.Seq}
		case "updatedAt", "recentlyUsed":
			return core.SortKey{K: core.FmtMicro(a.ModifiedAt), S: a.Seq}
		}
		return core.SortKey{K: core.FmtMicro(a.CreatedAt), S: a.Seq}
	}
	page, err := core.Paginate(Apps.List(s.St, keep, nil), key, pq)
	if err != nil {
		core.BadRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]any, 0, len(page.Items))
	for _, a := range page.Items {
		data = append(data, renderItem(r, s.St, a))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": core.PageLinks(r, page.Next, page.Prev)})
}

// renderItem is the app's itemResultResponseBody.
func renderItem(r *http.Request, st *core.State, a *app) map[string]any {
	base := core.BaseURL(r)
	attrs := attributes(a)
	m := map[string]any{
		"id": a.ItemID, "name": a.Name, "description": a.Description, "tenantId": st.TenantID,
		"resourceType": "app", "resourceId": a.ID, "resourceSubType": "", "resourceLink": "",
		"resourceAttributes": attrs, "resourceCustomAttributes": map[string]any{},
		"resourceCreatedAt": core.FmtTime(a.CreatedAt), "resourceUpdatedAt": core.FmtTime(a.ModifiedAt),
		"ownerId": a.OwnerID, "creatorId": a.CreatorID, "updaterId": a.UpdaterID,
		"createdAt": core.FmtTime(a.CreatedAt), "updatedAt": core.FmtTime(a.ModifiedAt),
		"isFavorited": false, "actions": []string{"read", "update", "delete", "reload", "export"},
		"collectionIds": []string{}, "thumbnailId": "",
		"meta":  map[string]any{"isFavorited": false, "actions": []string{"read", "update", "delete", "reload", "export"}, "tags": []any{}, "collections": []any{}},
		"links": map[string]any{"self": core.Link{Href: base + "/api/v1/items/" + a.ItemID}, "open": core.Link{Href: base + "/sense/app/" + a.ID}},
	}
	if a.SpaceID != "" {
		m["spaceId"] = a.SpaceID
	}
	return m
}
