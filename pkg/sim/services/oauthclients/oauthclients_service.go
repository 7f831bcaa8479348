package oauthclients

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// oauthErrors is the oauth-clients ErrorResponse schema: errors[{code,title,
// detail}] and no traceId (reference notes 0.3).
var oauthErrors = &core.ErrorStyle{Code: "OAUTH-CLIENTS", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}}
}}

// Service serves OAuth clients, their secrets and connection configs.
var Service = core.Service{
	Name:   "oauth clients",
	APIs:   []core.API{{Prefixes: []string{"/api/v1/oauth-clients"}, Errors: oauthErrors}},
	Routes: func(cs *core.Server, mux *core.RouteMux) { server{cs}.routeOAuthClients(mux) },
	SimRoutes: func(cs *core.Server, mux *http.ServeMux) {
		server{cs}.routeSimOAuthClients(mux)
	},
	Seed:  func(cs *core.Server, st *core.State, dir string) error { return server{cs}.seedOAuthClients(st, dir) },
	Specs: []string{"qliksense-oauth-clients-api-openapi.yml"},
}
