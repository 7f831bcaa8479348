package apps

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// appsErrors is the apps style: the v1 apps spec types few errors; where it
// does, errors[{code,title,detail}] and no traceId.
var appsErrors = &core.ErrorStyle{Code: "APPS", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}}
}}

// itemsErrors is the items ErrorResponseBody: errors[{code,title,detail,
// meta}], no traceId; qliksim writes no meta.
var itemsErrors = &core.ErrorStyle{Code: "ITEMS", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}}
}}

// tempErrors is the temp-contents Errors schema: errors[] and traceId.
var tempErrors = &core.ErrorStyle{Code: "TEMP-CONTENTS", Body: func(f core.ErrorFields) any {
	return core.ErrorsBody(f.Entry())
}}

// Service serves apps, their scripts, export/import through temp contents,
// the recycle bin and the items list of apps.
var Service = core.Service{
	Name: "apps",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/apps", "/api/analytics/apps"}, Errors: appsErrors},
		{Prefixes: []string{"/api/v1/items"}, Errors: itemsErrors},
		{Prefixes: []string{"/api/v1/temp-contents"}, Errors: tempErrors},
	},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}
		s.routeApps(mux)
		s.routeItems(mux)
		s.routeTempContents(mux)
		s.routeReportFilters(mux)
	},
	SimRoutes: func(cs *core.Server, mux *http.ServeMux) { server{cs}.routeSim(mux) },
	Seed:      func(cs *core.Server, st *core.State, dir string) error { return server{cs}.seed(st, dir) },
	// A live app keeps its space from being deleted; one in the recycle bin
	// does not (guess: Qlik's restore then answers 403).
	SpaceContent: func(st *core.State, spaceID string) int {
		return Apps.Count(st, func(a *app) bool { return !a.Deleted && a.SpaceID == spaceID })
	},
	// An export stages a file in temp contents and changes no app: reading
	// a tenant's apps (export, plan, drift) is not a write.
	ReadOnlyWrites: []string{"POST /api/v1/apps/*/export"},
	Specs: []string{
		"qliksense-apps-api-openapi.yml",
		"qliksense-items-api-openapi.yml",
		"qliksense-temporary-contents-api-openapi.yml",
		"qliksim-analytics-apps-restore.yml",
		"qliksim-apps-report-filters.yml",
	},
}

// routeSim serves the test-only views (no auth, not counted):
//   - DELETE /_sim/apps/recycle-bin empties the recycle bin: deleted apps
//     are gone for good, and restore answers 404. 200 {"purged": n}.
//   - PUT /_sim/apps/{appId}/objects replaces the app's objects (sheets,
//     master items) with the body, a JSON list of {id, type, title,
//     properties}: what an edit in the hub does through the engine API,
//     which qliksim does not serve. It moves the app's modified time, as
//     such an edit does. 200 {"objects": n}.
func (s server) routeSim(mux *http.ServeMux) {
	mux.HandleFunc("PUT /_sim/apps/{appId}/objects", s.putObjects)
	mux.HandleFunc("DELETE /_sim/apps/recycle-bin", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		n := 0
		for id, a := range Apps.In(s.St) {
			if a.Deleted {
				Apps.Delete(s.St, id)
				n++
			}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"purged": n})
	})
}

func (s server) putObjects(w http.ResponseWriter, r *http.Request) {
	var objs []appObject
	if err := json.NewDecoder(r.Body).Decode(&objs); err != nil {
		core.BadRequest(w, r, "body", "the body must be a JSON list of objects: "+err.Error())
		return
	}
	for i, o := range objs {
		if o.ID == "" || o.Type == "" {
			core.BadRequest(w, r, "body", "objects["+strconv.Itoa(i)+"]: an object needs an id and a type")
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	a.Objects = objs
	// Like touch, without a caller (test routes carry no key).
	now := s.Now()
	if !now.After(a.ModifiedAt) {
		now = a.ModifiedAt.Add(time.Millisecond)
	}
	a.ModifiedAt = now
	core.WriteJSON(w, http.StatusOK, map[string]any{"objects": len(objs)})
}
