package dataconnections

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Service serves data connections.
var Service = core.Service{
	Name: "data-connections",
	// errors[{code,title,detail,status}], no traceId (ResponseErrors)
	APIs: []core.API{{Prefixes: []string{"/api/v1/data-connections"}, Errors: &core.ErrorStyle{Code: "DCERROR", StatusDigits: 4,
		Body: func(f core.ErrorFields) any {
			e := f.Entry()
			e["status"] = f.Status
			return map[string]any{"errors": []any{e}}
		}}}},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}
		s.routeDataConnections(mux)
	},
	SimRoutes: func(cs *core.Server, mux *http.ServeMux) {
		s := server{cs}
		s.routeSimDataConnections(mux)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}
		return s.seedDataConnections(st, dir)
	},
	SpaceContent: func(st *core.State, spaceID string) int { return dataConnectionsInSpace(st, spaceID) },
	Specs:        []string{"qliksense-data-connections-api-openapi.yml"},
}
