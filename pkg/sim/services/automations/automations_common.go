package automations

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// What the automations and automation-connections services share: the error
// body, the list query and links, lookup by {id}, and the change-owner and
// change-space actions.

const (
	autoDefaultLimit = 100
	autoMaxLimit     = 200
)

// autoError writes the automations / automation-connections error body:
// {"errors":[{code,title,detail}],"traceId"} (spec ErrorResponse). The codes
// are the simulator's own (Qlik's spec gives none).
func autoError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	prefix := "AUTOMATIONS"
	if strings.Contains(r.URL.Path, "automation-connections") {
		prefix = "AUTOMATION-CONNECTIONS"
	}
	core.WriteJSON(w, status, map[string]any{
		"errors": []any{map[string]any{"code": fmt.Sprintf("%s-%d", prefix, status),
			"title": http.StatusText(status), "detail": detail}},
		"traceId": core.NewTraceID(),
	})
}

// autoList is the list query of both services: the cursor rides in "cursor".
func autoList(filters []string, sorts ...string) core.CursorList {
	return core.CursorList{Param: "cursor", DefLimit: autoDefaultLimit, MaxLimit: autoMaxLimit, DefSort: "id",
		Sorts: sorts, Filters: filters, BadCursor: "invalid cursor"}
}

// writeAutoList answers a list request with one page of items.
func writeAutoList[T any](w http.ResponseWriter, r *http.Request, items []T, key func(T) core.SortKey, pq core.PageQuery,
	render func(T) map[string]any) {
	page, err := core.Paginate(items, key, pq)
	if err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid cursor")
		return
	}
	data := make([]map[string]any, 0, len(page.Items))
	for _, it := range page.Items {
		data = append(data, render(it))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": cursorListLinks(r, page.Next, page.Prev)})
}

// cursorListLinks is the automations-family links object: next and prev with
// an href that is null when there is no such page (spec PaginationLink).
func cursorListLinks(r *http.Request, next, prev string) map[string]any {
	n, p := core.DirCursorHrefs(r, "cursor", next, prev)
	href := func(h string) map[string]any {
		if h == "" {
			return map[string]any{"href": nil}
		}
		return map[string]any{"href": h}
	}
	return map[string]any{"next": href(n), "prev": href(p)}
}

// autoLookup returns the item of {id} (ids are matched lower-case) or
// writes a 404 that names what.
func autoLookup[T any](w http.ResponseWriter, r *http.Request, items map[string]*T, what string) *T {
	it := items[strings.ToLower(r.PathValue("id"))]
	if it == nil {
		autoError(w, r, http.StatusNotFound, what+" not found")
	}
	return it
}

// autoResource is what the shared actions change on an automation or an
// automation connection. now is a func so that an item that does not change
// does not read the clock.
type autoResource interface {
	giveTo(userID string, now func() time.Time)
	moveTo(spaceID string, now func() time.Time)
}

// autoFinder resolves {id} or writes the error and returns nil.
type autoFinder func(w http.ResponseWriter, r *http.Request) autoResource

// autoChangeOwner serves actions/change-owner. adminOnly: automations
// require the TenantAdmin role, automation connections do not.
func (s server) autoChangeOwner(find autoFinder, adminOnly bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			UserID string `json:"userId"`
		}
		if err := core.DecodeBody(r, &in); err != nil || in.UserID == "" {
			autoError(w, r, http.StatusBadRequest, "body must be {\"userId\": \"...\"}")
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		it := find(w, r)
		if it == nil {
			return
		}
		if adminOnly && !core.HasRole(s.St, core.CallerOf(s.St), "TenantAdmin") {
			autoError(w, r, http.StatusForbidden, "changing the owner requires the TenantAdmin role")
			return
		}
		if core.Users.In(s.St)[in.UserID] == nil {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("user %q does not exist", in.UserID))
			return
		}
		it.giveTo(in.UserID, s.Now)
		w.WriteHeader(http.StatusNoContent)
	}
}

// autoChangeSpace serves actions/change-space; spaceId "" makes the item
// personal.
func (s server) autoChangeSpace(find autoFinder) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			SpaceID *string `json:"spaceId"`
		}
		if err := core.DecodeBody(r, &in); err != nil || in.SpaceID == nil {
			autoError(w, r, http.StatusBadRequest, "body must be {\"spaceId\": \"...\"}")
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		it := find(w, r)
		if it == nil {
			return
		}
		if *in.SpaceID != "" && core.Spaces.In(s.St)[*in.SpaceID] == nil {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", *in.SpaceID))
			return
		}
		it.moveTo(*in.SpaceID, s.Now)
		w.WriteHeader(http.StatusNoContent)
	}
}

// isAutomationAdmin reports whether u may see and delete every automation: TenantAdmin or
// AnalyticsAdmin.
func isAutomationAdmin(st *core.State, u *core.User) bool {
	return core.HasRole(st, u, "TenantAdmin") || core.HasRole(st, u, "AnalyticsAdmin")
}
