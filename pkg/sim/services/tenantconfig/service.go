package tenantconfig

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Error shapes, from each spec's error schema: tenants carry a string
// status per error; tenant settings a numeric code and a title only;
// licences the deprecated top-level error and message besides errors.
// Groups settings answer as groups do (their prefix is the groups
// service's); auth, API-key, items and sharing settings in the generic
// errors[{code,title,detail,source}] shape, which their schemas admit.
var (
	tenantErrors = &core.ErrorStyle{Code: "TENANTS", Body: func(f core.ErrorFields) any {
		e := f.Entry()
		e["status"] = fmt.Sprint(f.Status)
		if f.Source != nil {
			e["source"] = f.Source
		}
		return core.ErrorsBody(e)
	}}
	tenantSettingsErrors = &core.ErrorStyle{Code: "TENANT-SETTINGS", Body: func(f core.ErrorFields) any {
		title := f.Title
		if f.Detail != "" {
			title += ": " + f.Detail
		}
		return map[string]any{"errors": []any{map[string]any{"code": f.Status, "title": title}}, "traceId": core.NewTraceID()}
	}}
	LicenseErrors = &core.ErrorStyle{Code: "LICENSES", Body: func(f core.ErrorFields) any {
		msg := f.Title
		if f.Detail != "" {
			msg = f.Detail
		}
		return map[string]any{"errors": []any{f.Entry()}, "error": f.Title, "message": msg}
	}}
)

// Service serves the tenant's configuration singletons.
var Service = core.Service{
	Name: "tenantconfig",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/tenants"}, Errors: tenantErrors},
		{Prefixes: []string{"/api/v1/tenant-settings"}, Errors: tenantSettingsErrors},
		{Prefixes: []string{"/api/v1/licenses"}, Errors: LicenseErrors},
	},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		mux.HandleFunc("GET /api/v1/tenants/me", func(w http.ResponseWriter, r *http.Request) {
			s.Mu.Lock()
			id := s.St.TenantID
			s.Mu.Unlock()
			http.Redirect(w, r, "/api/v1/tenants/"+id, http.StatusFound)
		})
		for _, set := range settings {
			mux.HandleFunc("GET "+set.path, set.get(s))
			if set.put {
				mux.HandleFunc("PUT "+set.path, set.write(s, decodePut))
			} else {
				mux.HandleFunc("PATCH "+set.path, set.write(s, decodePatch))
			}
		}
	},
	Seed: seed,
	Specs: []string{"qliksense-tenants-api-openapi.yml", "qliksense-tenant-settings-api-openapi.yml",
		"qliksense-api-keys-configurations-api-openapi.yml", "qliksense-groups-settings-api-openapi.yml",
		"qliksense-items-settings-api-openapi.yml", "qliksense-sharing-settings-api-openapi.yml",
		"qliksense-licenses-api-openapi.yml", "qliksense-iam-resources-api-openapi.yml"},
}

// ownTenant: a {tenantId} in the path must be the tenant's own.
func (set *setting) ownTenant(st *core.State, r *http.Request) bool {
	return !strings.Contains(set.path, "{tenantId}") || r.PathValue("tenantId") == st.TenantID
}

func (set *setting) get(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if !set.ownTenant(s.St, r) {
			core.NotFound(w, r, "tenant not found")
			return
		}
		core.WriteJSON(w, http.StatusOK, set.view(s.St))
	}
}

func (set *setting) view(st *core.State) map[string]any {
	f, r := set.current(st)
	return set.render(st, copyOf(f), r)
}

// change is one field a write sets: its pointer and value.
type change struct {
	pointer string
	value   any
}

// refusal is why a write is refused: the offending body pointer and why.
type refusal struct{ pointer, detail string }

// decodePatch reads RFC 6902 operations; only replace is served (and add,
// which tenant settings also accept, for the same writable paths).
func decodePatch(set *setting, r *http.Request) ([]change, *refusal) {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := core.DecodeBody(r, &ops); err != nil {
		return nil, &refusal{"", "the body must be a JSON array of patch operations"}
	}
	var out []change
	for i, op := range ops {
		if op.Op != "replace" && !(op.Op == "add" && set.key == "tenant-settings") {
			return nil, &refusal{fmt.Sprintf("/%d/op", i), fmt.Sprintf("op %q is not supported; use replace", op.Op)}
		}
		var v any
		if len(op.Value) == 0 || json.Unmarshal(op.Value, &v) != nil {
			return nil, &refusal{fmt.Sprintf("/%d/value", i), "value is required"}
		}
		out = append(out, change{op.Path, v})
	}
	return out, nil
}

// decodePut reads a whole body: every field is a change.
func decodePut(set *setting, r *http.Request) ([]change, *refusal) {
	var body map[string]any
	if err := core.DecodeBody(r, &body); err != nil {
		return nil, &refusal{"", "the body must be a JSON object"}
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []change
	for _, k := range keys {
		out = append(out, change{"/" + k, body[k]})
	}
	return out, nil
}

// write checks every change first and applies them all or none.
func (set *setting) write(s *core.Server, decode func(*setting, *http.Request) ([]change, *refusal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if !set.ownTenant(s.St, r) {
			core.NotFound(w, r, "tenant not found")
			return
		}
		changes, bad := decode(set, r)
		if bad == nil {
			bad = set.check(changes)
		}
		if bad != nil {
			core.BadRequest(w, r, bad.pointer, bad.detail)
			return
		}
		f, row := set.current(s.St)
		for _, c := range changes {
			apply(f, c)
		}
		row.UpdatedAt, row.UpdatedBy = s.Now(), s.St.CallerID
		if set.patchStatus == http.StatusNoContent {
			core.NoContentJSON(w)
			return
		}
		core.WriteJSON(w, http.StatusOK, set.view(s.St))
	}
}

func (set *setting) check(changes []change) *refusal {
	for i, c := range changes {
		chk, ok := set.fields[c.pointer]
		if !ok {
			return &refusal{fmt.Sprintf("/%d/path", i), fmt.Sprintf("%s cannot be changed (read-only or unknown); writable: %s", c.pointer, strings.Join(set.writable(), ", "))}
		}
		if msg := chk(c.value); msg != "" {
			return &refusal{fmt.Sprintf("/%d/value", i), fmt.Sprintf("%s %s", c.pointer, msg)}
		}
	}
	return nil
}

func (set *setting) writable() []string {
	out := make([]string, 0, len(set.fields))
	for p := range set.fields {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// apply sets a checked change. /hostnames/1 is the alias: it is set or
// replaced, and the tenant's own hostname stays first.
func apply(f map[string]any, c change) {
	if c.pointer == "/hostnames/1" {
		hs, _ := f["hostnames"].([]any)
		if len(hs) == 0 {
			hs = []any{DefaultHostname}
		}
		f["hostnames"] = append([]any{hs[0], c.value}, hs[min(2, len(hs)):]...)
		return
	}
	f[strings.TrimPrefix(c.pointer, "/")] = c.value
}

// tenant-config.yaml holds one block per setting (tenant, tenant-settings,
// auth-settings, api-keys-config, group-settings, items-settings,
// sharing-settings, licenses-settings) of writable fields, checked as a
// write would check them; hostnames may list the alias after the
// tenant's own hostname.
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "tenant-config.yaml")
	var blocks map[string]map[string]any
	if err := core.ReadSeedFile(path, &blocks); err != nil {
		return err
	}
	byKey := map[string]*setting{}
	for _, set := range settings {
		byKey[set.key] = set
	}
	keys := make([]string, 0, len(blocks))
	for k := range blocks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := byKey[k]
		if !ok {
			return fmt.Errorf("%s: unknown setting %q", path, k)
		}
		var changes []change
		for field, v := range normalize(blocks[k]).(map[string]any) {
			if field == "hostnames" && k == "tenant" {
				hs, _ := v.([]any)
				if len(hs) == 2 && hs[0] == DefaultHostname {
					changes = append(changes, change{"/hostnames/1", hs[1]})
					continue
				}
				return fmt.Errorf("%s: tenant.hostnames must be [%s, ALIAS]", path, DefaultHostname)
			}
			changes = append(changes, change{"/" + field, v})
		}
		if bad := set.check(changes); bad != nil {
			return fmt.Errorf("%s: %s: %s", path, k, bad.detail)
		}
		f, _ := set.current(st)
		for _, c := range changes {
			apply(f, c)
		}
	}
	return nil
}

// normalize turns YAML numbers into JSON's float64, as a request body
// decodes them.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
