package collections

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// The items of a collection: listed in the order they were added (cursor
// paging, limit 1–100, default 10; filters resourceType, resourceId,
// spaceId, name), added by item id (201 with the item; 409 when it is
// already in), read and removed one by one.

func routeItems(s *core.Server, mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/collections/{id}/items", listItems(s))
	mux.HandleFunc("POST /api/v1/collections/{id}/items", addItem(s))
	mux.HandleFunc("GET /api/v1/collections/{id}/items/{itemId}", getItem(s))
	mux.HandleFunc("DELETE /api/v1/collections/{id}/items/{itemId}", deleteItem(s))
}

func listItems(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pq, ok := core.ParsePaging(w, r, 10)
		if !ok {
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		c := resource.Lookup(w, r, s.St)
		if c == nil {
			return
		}
		q := r.URL.Query()
		var items []map[string]any
		for _, it := range live(r, s.St, c) {
			keep := true
			for _, f := range []string{"resourceType", "resourceId", "spaceId", "name"} {
				if v := q.Get(f); v != "" && fmt.Sprint(it[f]) != v {
					keep = false
				}
			}
			if keep {
				items = append(items, it)
			}
		}
		order := map[string]int{}
		for i, id := range c.Items {
			order[id] = i
		}
		page, err := core.Paginate(items, func(it map[string]any) core.SortKey {
			return core.SeqKey(int64(order[it["id"].(string)]))
		}, pq)
		if err != nil {
			core.BadRequest(w, r, "?next", "invalid cursor")
			return
		}
		data := make([]any, 0, len(page.Items))
		for _, it := range page.Items {
			data = append(data, it)
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": core.PageLinks(r, page.Next, page.Prev)})
	}
}

func addItem(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ID string `json:"id"`
		}
		bad := core.DecodeBody(r, &body) != nil || body.ID == ""
		s.Mu.Lock()
		defer s.Mu.Unlock()
		c := resource.Lookup(w, r, s.St)
		if c == nil {
			return
		}
		if bad {
			core.BadRequest(w, r, "/id", "id (the item's id) is required")
			return
		}
		it, ok := apps.ItemByID(r, s.St, body.ID)
		switch {
		case !ok:
			core.NotFound(w, r, fmt.Sprintf("item %q not found", body.ID))
		case slices.Contains(c.Items, body.ID):
			core.Conflict(w, r, "/id", fmt.Sprintf("item %q is already in the collection", body.ID))
		case len(c.Items) >= maxItems:
			core.WriteError(w, r, http.StatusForbidden, "", "/id", "Forbidden", "the collection is full")
		default:
			c.Items = append(c.Items, body.ID)
			c.UpdatedAt, c.UpdatedBy = s.Now(), s.St.CallerID
			core.WriteJSON(w, http.StatusCreated, it)
		}
	}
}

// member is the collection and item the path names, or nil after the 404.
func member(w http.ResponseWriter, r *http.Request, st *core.State) (*collection, map[string]any) {
	c := resource.Lookup(w, r, st)
	if c == nil {
		return nil, nil
	}
	id := r.PathValue("itemId")
	it, ok := apps.ItemByID(r, st, id)
	if !ok || !slices.Contains(c.Items, id) {
		core.NotFound(w, r, fmt.Sprintf("item %q is not in the collection", id))
		return nil, nil
	}
	return c, it
}

func getItem(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if _, it := member(w, r, s.St); it != nil {
			core.WriteJSON(w, http.StatusOK, it)
		}
	}
}

func deleteItem(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if c, it := member(w, r, s.St); it != nil {
			c.Items = slices.DeleteFunc(c.Items, func(id string) bool { return id == it["id"] })
			c.UpdatedAt, c.UpdatedBy = s.Now(), s.St.CallerID
			w.WriteHeader(http.StatusNoContent)
		}
	}
}
