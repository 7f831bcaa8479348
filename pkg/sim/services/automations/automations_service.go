package automations

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// autoErrors is the automations and automation-connections style:
// errors[{code,title,detail}] and traceId (spec ErrorResponse).
func autoErrors(code string) *core.ErrorStyle {
	return &core.ErrorStyle{Code: code, Body: func(f core.ErrorFields) any { return core.ErrorsBody(f.Entry()) }}
}

// Service serves automations and automation connections, under
// both the /api/v1 and the /api/workflows families.
var Service = core.Service{
	Name: "automations",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"}, Errors: autoErrors("AUTOMATION-CONNECTIONS")},
		{Prefixes: []string{"/api/v1/automations", "/api/workflows/automations"}, Errors: autoErrors("AUTOMATIONS")},
	},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}

		s.routeAutomations(mux)
		s.routeAutomationConnections(mux)
	},
	SimRoutes: func(cs *core.Server, mux *http.ServeMux) {
		s := server{cs}
		s.routeSimAutomationConnections(mux)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}

		if err := s.seedAutomationConnections(st, dir); err != nil {
			return err
		}
		return s.seedAutomations(st, dir)
	},
	SpaceContent: func(st *core.State, spaceID string) int { return automationsInSpace(st, spaceID) },
	Specs: []string{
		"qliksense-automations-api-openapi.yml",
		"qliksense-automation-connections-api-openapi.yml",
	},
}
