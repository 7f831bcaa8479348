package webintegrations

import (
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// webIntegrationErrors is the web-integrations style (spec Errors):
// errors[{code, title, detail, source, status}] with status a string, and
// traceId.
var webIntegrationErrors = &core.ErrorStyle{Code: "WEBINTEGRATIONS", NotFoundCode: "WEBINTEGRATIONS_NOT_FOUND",
	Body: func(f core.ErrorFields) any {
		e := f.Entry()
		e["status"] = fmt.Sprint(f.Status)
		if f.Source != nil {
			e["source"] = f.Source
		}
		return core.ErrorsBody(e)
	}}

// Service serves web integrations. They live in no space.
var Service = core.Service{
	Name:   "webintegrations",
	APIs:   []core.API{{Prefixes: []string{"/api/v1/web-integrations"}, Errors: webIntegrationErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) { resource.Route(s, mux) },
	Seed:   seed,
	Specs:  []string{"qliksense-web-integrations-api-openapi.yml"},
}

// seedWebIntegration is one entry of web-integrations.yaml; createdBy is a
// user email (absent: the API-key caller).
type seedWebIntegration struct {
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins,omitempty"`
	CreatedBy    string   `json:"createdBy,omitempty"`
}

func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "web-integrations.yaml")
	var entries []seedWebIntegration
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		by, err := s.SeedOwner(st, e.CreatedBy)
		if err == nil {
			err = resource.Insert(s, st, &webIntegration{Name: e.Name, ValidOrigins: e.ValidOrigins}, by.ID)
		}
		if err != nil {
			return fmt.Errorf("%s: web-integrations[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}
