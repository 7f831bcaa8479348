package ippolicies

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// iamErrors is the iam-resources style (spec Errors): errors[{code, title,
// detail, source}] and a traceId.
var iamErrors = &core.ErrorStyle{Code: "IAM", Body: core.GenericErrors.Body}

// Service serves IP policies and enforces the enabled ones.
var Service = core.Service{
	Name: "ippolicies",
	APIs: []core.API{{Prefixes: []string{"/api/core/ip-policies"}, Errors: iamErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		resource.Route(s, mux)
		mux.HandleFunc("GET /api/core/ip-policies", list(s))
	},
	Admit: admit,
	Seed:  seed,
	Specs: []string{"qliksense-iam-resources-api-openapi.yml"},
}

// list pages with the spec's `page` cursor (links.next.href carries it),
// filters with SCIM on enabled, id, name and tenantId, and sorts.
func list(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, msg := core.ParseLimitIn(r, 20, 100)
		if msg != "" {
			core.BadRequest(w, r, "?limit", msg)
			return
		}
		field, desc := strings.TrimLeft(q.Get("sort"), "+-"), strings.HasPrefix(q.Get("sort"), "-")
		sorts := map[string]func(*ipPolicy) string{
			"": func(p *ipPolicy) string { return "" }, "name": func(p *ipPolicy) string { return strings.ToLower(p.Name) },
			"createdAt": func(p *ipPolicy) string { return core.FmtTime(p.CreatedAt) },
			"updatedAt": func(p *ipPolicy) string { return core.FmtTime(p.UpdatedAt) },
			"enabled":   func(p *ipPolicy) string { return strconv.FormatBool(p.Enabled) },
		}
		sortKey, ok := sorts[field]
		if !ok {
			core.BadRequest(w, r, "?sort", fmt.Sprintf("cannot sort by %q", field))
			return
		}
		var flt core.FilterExpr
		if f := q.Get("filter"); f != "" {
			var err error
			if flt, err = core.ParseFilter(f, "enabled", "id", "name", "tenantId"); err != nil {
				core.BadRequest(w, r, "?filter", err.Error())
				return
			}
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		st := s.St
		items := IPPolicies.List(st, func(p *ipPolicy) bool { return flt == nil || flt.Eval(attrs(st, p)) }, nil)
		page, err := core.Paginate(items, func(p *ipPolicy) core.SortKey { return core.SortKey{K: sortKey(p), S: p.Seq} },
			core.PageQuery{Limit: limit, Next: q.Get("page"), Desc: desc})
		if err != nil {
			core.BadRequest(w, r, "?page", "invalid page cursor")
			return
		}
		data := make([]any, 0, len(page.Items))
		for _, p := range page.Items {
			data = append(data, render(r, st, p))
		}
		base := core.BaseURL(r) + r.URL.Path
		links := map[string]any{"self": map[string]string{"href": base + core.EncodeQuery(q)}}
		if page.Next != "" {
			nq := r.URL.Query()
			nq.Set("page", page.Next)
			links["next"] = map[string]string{"href": base + core.EncodeQuery(nq)}
		}
		body := map[string]any{"data": data, "links": links}
		if q.Get("totalResults") == "true" {
			body["totalResults"] = page.Total
		}
		core.WriteJSON(w, http.StatusOK, body)
	}
}

func attrs(st *core.State, p *ipPolicy) func(string) []string {
	return func(attr string) []string {
		switch strings.ToLower(attr) {
		case "enabled":
			return []string{strconv.FormatBool(p.Enabled)}
		case "id":
			return []string{p.ID}
		case "name":
			return []string{p.Name}
		case "tenantid":
			return []string{st.TenantID}
		}
		return nil
	}
}

// ip-policies.yaml holds CreateIPPolicy objects, created by the API-key
// caller. The demo tenant's policy is disabled: an enabled one would lock
// out every request that does not come from its ranges.
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "ip-policies.yaml")
	var entries []json.RawMessage
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, raw := range entries {
		var p ipPolicy
		err := strictDecode(raw, &p)
		if err == nil {
			err = resource.Insert(s, st, &p, core.CallerOf(st).ID)
		}
		if err != nil {
			return fmt.Errorf("%s: ip-policies[%d] (%q): %w", path, i, p.Name, err)
		}
	}
	return nil
}

func strictDecode(raw json.RawMessage, p *ipPolicy) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k := range m {
		if k != "name" && k != "enabled" && k != "allowedIps" {
			return fmt.Errorf("unknown field %q", k)
		}
	}
	return json.Unmarshal(raw, p)
}
