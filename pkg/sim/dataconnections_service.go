package sim

import "net/http"

// DataConnectionsService serves data connections.
var DataConnectionsService = Service{
	Name: "data-connections",
	// errors[{code,title,detail,status}], no traceId (ResponseErrors)
	APIs: []API{{Prefixes: []string{"/api/v1/data-connections"}, Errors: &ErrorStyle{Code: "DCERROR", StatusDigits: 4,
		Body: func(f ErrorFields) any {
			e := f.Entry()
			e["status"] = f.Status
			return map[string]any{"errors": []any{e}}
		}}}},
	Routes:       func(s *Server, mux *routeMux) { s.routeDataConnections(mux) },
	SimRoutes:    func(s *Server, mux *http.ServeMux) { s.routeSimDataConnections(mux) },
	Seed:         func(s *Server, st *state, dir string) error { return s.seedDataConnections(st, dir) },
	SpaceContent: func(st *state, spaceID string) int { return dataConnectionsInSpace(st, spaceID) },
	Specs:        []string{"qliksense-data-connections-api-openapi.yml"},
}
