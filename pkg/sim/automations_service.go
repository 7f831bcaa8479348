package sim

import "net/http"

// autoErrors is the automations and automation-connections style:
// errors[{code,title,detail}] and traceId (spec ErrorResponse).
func autoErrors(code string) *ErrorStyle {
	return &ErrorStyle{Code: code, Body: func(f ErrorFields) any { return ErrorsBody(f.Entry()) }}
}

// AutomationsService serves automations and automation connections, under
// both the /api/v1 and the /api/workflows families.
var AutomationsService = Service{
	Name: "automations",
	APIs: []API{
		{Prefixes: []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"}, Errors: autoErrors("AUTOMATION-CONNECTIONS")},
		{Prefixes: []string{"/api/v1/automations", "/api/workflows/automations"}, Errors: autoErrors("AUTOMATIONS")},
	},
	Routes: func(s *Server, mux *routeMux) {
		s.routeAutomations(mux)
		s.routeAutomationConnections(mux)
	},
	SimRoutes: func(s *Server, mux *http.ServeMux) { s.routeSimAutomationConnections(mux) },
	Seed: func(s *Server, st *state, dir string) error {
		if err := s.seedAutomationConnections(st, dir); err != nil {
			return err
		}
		return s.seedAutomations(st, dir)
	},
	SpaceContent: func(st *state, spaceID string) int { return automationsInSpace(st, spaceID) },
	Specs: []string{
		"qliksense-automations-api-openapi.yml",
		"qliksense-automation-connections-api-openapi.yml",
	},
}
