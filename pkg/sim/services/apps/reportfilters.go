package apps

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Report filters: the REST-visible bookmarks an app's reports and
// subscriptions apply (filterType REP or SUB). Qlik's apps OpenAPI file
// does not describe them; @qlik/api 2.19.0 does (apps.d.ts, Filter,
// FilterRequest, FilterList, PatchFilter), and
// qliksim-apps-report-filters.yml transcribes it. A filter belongs to one
// app; a deleted app keeps its filters, so a recycle-bin restore brings
// them back.

// reportFilter is one stored filter. Definition is FilterV10 as sent,
// opaque to qliksim (it has no engine to apply it against).
type reportFilter struct {
	ID          string          `json:"id"`
	AppID       string          `json:"appId"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	FilterType  string          `json:"filterType"`
	Version     string          `json:"filterVersion"`
	Definition  json.RawMessage `json:"filterV1_0,omitempty"`
	OwnerID     string          `json:"ownerId"`
	CreatedAt   time.Time       `json:"createdAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
}

// ReportFilters is the report filters table, of every app.
var ReportFilters = core.NewTable[reportFilter]("report-filters")

var filterTypes = []string{"REP", "SUB"}
var filterVersions = []string{"filter-1.0", "filter-2.0"}

func (s server) routeReportFilters(mux *core.RouteMux) {
	base := "/api/v1/apps/{appId}/report-filters"
	mux.HandleFunc("GET "+base, s.listReportFilters)
	mux.HandleFunc("POST "+base, s.createReportFilter)
	mux.HandleFunc("GET "+base+"/actions/count", s.countReportFilters)
	mux.HandleFunc("GET "+base+"/{id}", s.getReportFilter)
	mux.HandleFunc("PATCH "+base+"/{id}", s.patchReportFilter)
	mux.HandleFunc("DELETE "+base+"/{id}", s.deleteReportFilter)
}

func renderFilter(f *reportFilter) map[string]any {
	m := map[string]any{"id": f.ID, "name": f.Name, "description": f.Description, "filterType": f.FilterType,
		"filterVersion": f.Version, "ownerId": f.OwnerID,
		"createdAt": core.FmtTime(f.CreatedAt), "updatedAt": core.FmtTime(f.UpdatedAt)}
	if len(f.Definition) > 0 {
		m["filterV1_0"] = f.Definition
	}
	return m
}

// appFilters are the app's filters of the requested types (filterTypes is
// required by the API; qliksim answers every type when it is missing),
// by name.
func appFilters(st *core.State, appID string, types []string) []*reportFilter {
	return ReportFilters.List(st, func(f *reportFilter) bool {
		return f.AppID == appID && (len(types) == 0 || slices.Contains(types, f.FilterType))
	}, func(a, b *reportFilter) int { return strings.Compare(a.Name, b.Name) })
}

// listReportFilters answers one page holding every filter: an app holds
// few, and the cursor is opaque to clients.
func (s server) listReportFilters(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	out := []any{}
	for _, f := range appFilters(s.St, a.ID, r.URL.Query()["filterTypes"]) {
		out = append(out, renderFilter(f))
	}
	self := core.BaseURL(r) + r.URL.RequestURI()
	core.WriteJSON(w, http.StatusOK, map[string]any{"data": out, "links": map[string]any{
		"self": map[string]any{"href": self}, "next": map[string]any{"href": nil}, "prev": map[string]any{"href": nil}}})
}

func (s server) countReportFilters(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"total": len(appFilters(s.St, a.ID, r.URL.Query()["filterTypes"]))})
}

// filterFields is FilterRequest and FilterItemPatch.
type filterFields struct {
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	FilterType  string          `json:"filterType"`
	Version     string          `json:"filterVersion"`
	Definition  json.RawMessage `json:"filterV1_0"`
	OwnerID     string          `json:"ownerId"`
}

func (s server) createReportFilter(w http.ResponseWriter, r *http.Request) {
	var body filterFields
	decodeErr := core.DecodeBody(r, &body)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	switch {
	case decodeErr != nil:
		core.BadRequest(w, r, "", "the body must be a FilterRequest: "+decodeErr.Error())
		return
	case body.Name == nil || strings.TrimSpace(*body.Name) == "":
		core.BadRequest(w, r, "/name", "a filter needs a name")
		return
	case !slices.Contains(filterTypes, body.FilterType):
		core.BadRequest(w, r, "/filterType", "filterType must be REP or SUB")
		return
	case !slices.Contains(filterVersions, body.Version):
		core.BadRequest(w, r, "/filterVersion", "filterVersion must be filter-1.0 or filter-2.0")
		return
	}
	if nameTaken(s.St, a.ID, *body.Name, "") {
		core.Conflict(w, r, "/name", "filter name "+quote(*body.Name)+" is taken in this app")
		return
	}
	f := &reportFilter{ID: newFilterID(s.St, a.ID, *body.Name), AppID: a.ID, Name: *body.Name, FilterType: body.FilterType,
		Version: body.Version, Definition: body.Definition, OwnerID: body.OwnerID, CreatedAt: s.Now()}
	if body.Description != nil {
		f.Description = *body.Description
	}
	if f.OwnerID == "" {
		f.OwnerID = core.CallerOf(s.St).ID
	}
	f.UpdatedAt = f.CreatedAt
	ReportFilters.Put(s.St, f.ID, f)
	core.WriteJSON(w, http.StatusCreated, renderFilter(f))
}

// newFilterID derives a filter id (Qlik's are bookmark ids) from the app
// and the name, not from the tenant's id sequence: filters are created
// while seeding, and drawing from the sequence would move every id the
// demo tenant's later resources get.
func newFilterID(st *core.State, appID, name string) string {
	for n := 0; ; n++ {
		sum := sha256.Sum256([]byte(appID + "\x00" + name + "\x00" + strconv.Itoa(n)))
		h := hex.EncodeToString(sum[:16])
		id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
		if ReportFilters.Get(st, id) == nil {
			return id
		}
	}
}

func nameTaken(st *core.State, appID, name, except string) bool {
	return ReportFilters.Find(st, func(f *reportFilter) bool {
		return f.AppID == appID && f.Name == name && f.ID != except
	}) != nil
}

// filterOf returns the filter {id} of the live app {appId} or writes the 404.
func filterOf(w http.ResponseWriter, r *http.Request, st *core.State) *reportFilter {
	a := lookup(w, r, st)
	if a == nil {
		return nil
	}
	f := ReportFilters.Get(st, r.PathValue("id"))
	if f == nil || f.AppID != a.ID {
		core.NotFound(w, r, "filter "+quote(r.PathValue("id"))+" not found")
		return nil
	}
	return f
}

func (s server) getReportFilter(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if f := filterOf(w, r, s.St); f != nil {
		core.WriteJSON(w, http.StatusOK, renderFilter(f))
	}
}

// patchReportFilter applies PatchFilter: replace /filter with {Filter:
// FilterItemPatch}; the fields given replace the stored ones.
func (s server) patchReportFilter(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value struct {
			Filter *filterFields `json:"Filter"`
		} `json:"value"`
	}
	decodeErr := core.DecodeBody(r, &ops)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	f := filterOf(w, r, s.St)
	if f == nil {
		return
	}
	if decodeErr != nil {
		core.BadRequest(w, r, "", "the body must be a PatchFilter list: "+decodeErr.Error())
		return
	}
	next := *f
	for i, op := range ops {
		if op.Op != "replace" || op.Path != "/filter" || op.Value.Filter == nil {
			core.BadRequest(w, r, "/"+strconv.Itoa(i), "each operation must replace /filter with {\"Filter\": {...}}")
			return
		}
		p := op.Value.Filter
		if p.Name != nil {
			if strings.TrimSpace(*p.Name) == "" {
				core.BadRequest(w, r, "/"+strconv.Itoa(i)+"/value/Filter/name", "a filter needs a name")
				return
			}
			next.Name = *p.Name
		}
		if p.Description != nil {
			next.Description = *p.Description
		}
		if p.Version != "" {
			if !slices.Contains(filterVersions, p.Version) {
				core.BadRequest(w, r, "/"+strconv.Itoa(i)+"/value/Filter/filterVersion", "filterVersion must be filter-1.0 or filter-2.0")
				return
			}
			next.Version = p.Version
		}
		if p.Definition != nil {
			next.Definition = p.Definition
		}
		if p.OwnerID != "" {
			next.OwnerID = p.OwnerID
		}
	}
	if nameTaken(s.St, f.AppID, next.Name, f.ID) {
		core.Conflict(w, r, "/name", "filter name "+quote(next.Name)+" is taken in this app")
		return
	}
	next.UpdatedAt = s.Now()
	*f = next
	w.WriteHeader(http.StatusNoContent)
}

func (s server) deleteReportFilter(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if f := filterOf(w, r, s.St); f != nil {
		ReportFilters.Delete(s.St, f.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

// seedFilter is one entry of an app's reportFilters in apps.yaml:
// filterType REP unless given, filterVersion filter-1.0, owned by the app's
// owner.
type seedFilter struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	FilterType  string          `json:"filterType,omitempty"`
	Definition  json.RawMessage `json:"filterV1_0,omitempty"`
}

func seedFilters(st *core.State, a *app, filters []seedFilter) error {
	for i, e := range filters {
		if strings.TrimSpace(e.Name) == "" {
			return fmt.Errorf("reportFilters[%d]: a filter needs a name", i)
		}
		if e.FilterType == "" {
			e.FilterType = "REP"
		}
		if !slices.Contains(filterTypes, e.FilterType) {
			return fmt.Errorf("reportFilters[%d]: filterType %q is not REP or SUB", i, e.FilterType)
		}
		if nameTaken(st, a.ID, e.Name, "") {
			return fmt.Errorf("reportFilters[%d]: the app has a filter named %q already", i, e.Name)
		}
		f := &reportFilter{ID: newFilterID(st, a.ID, e.Name), AppID: a.ID, Name: e.Name, Description: e.Description,
			FilterType: e.FilterType, Version: "filter-1.0", Definition: e.Definition, OwnerID: a.OwnerID,
			CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
		ReportFilters.Put(st, f.ID, f)
	}
	return nil
}
