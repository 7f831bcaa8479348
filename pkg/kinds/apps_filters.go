package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// An app's report filters: the REST-visible bookmarks its reports and
// subscriptions apply (/api/v1/apps/{id}/report-filters, in @qlik/api but
// not in Qlik's apps OpenAPI file). They are part of the app document,
// spec.reportFilters, by name (Qlik keeps names unique within an app):
// name, description, type and the definition as Qlik stores it
// (filterV1_0). Export lists them with one GET per app (Tier 1), whether
// or not the app's modified time moved: a filter change need not move it.

// appReportFilter is one entry of spec.reportFilters.
type appReportFilter struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Type is REP (a report filter) or SUB (a subscription's).
	Type string `json:"type"`
	// Version is the definition's format, filter-1.0 unless Qlik says
	// otherwise.
	Version string `json:"version,omitempty"`
	// Definition is filterV1_0: the fields by state and the variables.
	Definition any `json:"filterV1_0,omitempty"`
}

// apiReportFilter is a Filter of the report-filters API.
type apiReportFilter struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	FilterType  string `json:"filterType"`
	Version     string `json:"filterVersion"`
	Definition  any    `json:"filterV1_0"`
}

const defaultFilterVersion = "filter-1.0"

func reportFiltersPath(appID string, rest ...string) string {
	return appPath(appID, append([]string{"/report-filters"}, rest...)...)
}

// listReportFilters reads the app's filters of both types, following the
// list's next links (bounded).
func listReportFilters(ctx context.Context, t *Tenant, appID string) ([]apiReportFilter, error) {
	var out []apiReportFilter
	q := url.Values{"filterTypes": {"REP", "SUB"}, "limit": {"100"}}
	path := reportFiltersPath(appID)
	for page := 0; page < 1000; page++ {
		var v struct {
			Data  []apiReportFilter `json:"data"`
			Links struct {
				Next struct {
					Href *string `json:"href"`
				} `json:"next"`
			} `json:"links"`
		}
		if _, err := t.API.Send(ctx, qlik.Request{Method: http.MethodGet, Path: path, Query: q}, &v); err != nil {
			return nil, err
		}
		out = append(out, v.Data...)
		if v.Links.Next.Href == nil || *v.Links.Next.Href == "" {
			return out, nil
		}
		u, err := url.Parse(*v.Links.Next.Href)
		if err != nil {
			return nil, fmt.Errorf("report filters of app %s: next link %q: %w", appID, *v.Links.Next.Href, err)
		}
		path, q = u.Path, u.Query()
	}
	return nil, fmt.Errorf("report filters of app %s: more than 1000 pages", appID)
}

// readReportFilters is spec.reportFilters of the app, by name.
func readReportFilters(ctx context.Context, t *Tenant, appID string) ([]appReportFilter, error) {
	live, err := listReportFilters(ctx, t, appID)
	if err != nil {
		return nil, err
	}
	out := make([]appReportFilter, 0, len(live))
	for _, f := range live {
		out = append(out, docFilter(f))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func docFilter(f apiReportFilter) appReportFilter {
	d := appReportFilter{Name: f.Name, Description: f.Description, Type: f.FilterType, Definition: f.Definition}
	if f.Version != defaultFilterVersion {
		d.Version = f.Version
	}
	return d
}

func (f appReportFilter) version() string {
	if f.Version == "" {
		return defaultFilterVersion
	}
	return f.Version
}

// sameReportFilters reports whether two lists hold the same filters.
func sameReportFilters(a, b []appReportFilter) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// syncReportFilters makes the app's filters the document's: creates the
// missing ones, replaces the changed ones in place (same id), deletes the
// ones the document lacks. A filter whose type changed is created again
// (Qlik cannot patch filterType).
func syncReportFilters(ctx context.Context, t *Tenant, appID string, want []appReportFilter) error {
	live, err := listReportFilters(ctx, t, appID)
	if err != nil {
		return fmt.Errorf("list the report filters of app %s: %w", appID, err)
	}
	byName := make(map[string]apiReportFilter, len(live))
	for _, f := range live {
		byName[f.Name] = f
	}
	wanted := make(map[string]bool, len(want))
	for _, w := range want {
		wanted[w.Name] = true
		have, ok := byName[w.Name]
		if ok && have.FilterType != w.Type {
			if err := deleteReportFilter(ctx, t, appID, have); err != nil {
				return err
			}
			ok = false
		}
		switch {
		case !ok:
			body := map[string]any{"name": w.Name, "description": w.Description, "filterType": w.Type,
				"filterVersion": w.version()}
			if w.Definition != nil {
				body["filterV1_0"] = w.Definition
			}
			if err := t.API.Do(ctx, http.MethodPost, reportFiltersPath(appID), body, nil); err != nil {
				return fmt.Errorf("create report filter %q of app %s: %w", w.Name, appID, err)
			}
		case !reflect.DeepEqual(docFilter(have), w):
			patch := map[string]any{"name": w.Name, "description": w.Description, "filterVersion": w.version()}
			if w.Definition != nil {
				patch["filterV1_0"] = w.Definition
			}
			body := []any{map[string]any{"op": "replace", "path": "/filter", "value": map[string]any{"Filter": patch}}}
			if err := t.API.Do(ctx, http.MethodPatch, reportFiltersPath(appID, "/"+url.PathEscape(have.ID)), body, nil); err != nil {
				return fmt.Errorf("update report filter %q of app %s: %w", w.Name, appID, err)
			}
		}
	}
	for _, f := range live {
		if !wanted[f.Name] {
			if err := deleteReportFilter(ctx, t, appID, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func deleteReportFilter(ctx context.Context, t *Tenant, appID string, f apiReportFilter) error {
	if err := t.API.Do(ctx, http.MethodDelete, reportFiltersPath(appID, "/"+url.PathEscape(f.ID)), nil, nil); err != nil {
		return fmt.Errorf("delete report filter %q of app %s: %w", f.Name, appID, err)
	}
	return nil
}
