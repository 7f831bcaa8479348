package csporigins

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// cspErrors is the csp-origins style (spec ErrorResponse): errors[{code,
// title, detail}] and no traceId.
var cspErrors = &core.ErrorStyle{Code: "CSP-ORIGINS", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}}
}}

// Service serves CSP origins. They live in no space.
var Service = core.Service{
	Name: "csporigins",
	APIs: []core.API{{Prefixes: []string{"/api/v1/csp-origins"}, Errors: cspErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		resource.Route(s, mux)
		mux.HandleFunc("GET /api/v1/csp-origins/actions/generate-header", generateHeader(s))
	},
	Seed:  seed,
	Specs: []string{"qliksense-csp-origins-api-openapi.yml"},
}

// csp-origins.yaml holds CSPEntryContent objects (name, origin,
// description, the directive flags), created by the API-key caller.
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "csp-origins.yaml")
	var entries []json.RawMessage
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, raw := range entries {
		var c cspOrigin
		err := strictDecode(raw, &c)
		if err == nil {
			err = resource.Insert(s, st, &c, core.CallerOf(st).ID)
		}
		if err != nil {
			return fmt.Errorf("%s: csp-origins[%d] (%q): %w", path, i, c.Origin, err)
		}
	}
	return nil
}

// strictDecode refuses fields a CSP entry does not have, and the
// server-managed ones, so that a typo in the seed is an error.
func strictDecode(raw json.RawMessage, c *cspOrigin) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	known := map[string]bool{"name": true, "origin": true, "description": true}
	for _, d := range allDirectives {
		known[d.field] = true
	}
	for k := range m {
		if !known[k] {
			return fmt.Errorf("unknown field %q", k)
		}
	}
	return json.Unmarshal(raw, c)
}
