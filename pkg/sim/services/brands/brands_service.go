package brands

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// brandsErrors is the brands ErrorResponse schema: errors[{code,title,detail}]
// and traceId; the spec's examples use HTTP-<status> codes.
var brandsErrors = &core.ErrorStyle{Code: "HTTP", Body: func(f core.ErrorFields) any { return core.ErrorsBody(f.Entry()) }}

// Service serves brands and their files.
var Service = core.Service{
	Name:   "brands",
	APIs:   []core.API{{Prefixes: []string{"/api/v1/brands"}, Errors: brandsErrors}},
	Routes: func(cs *core.Server, mux *core.RouteMux) { server{cs}.routeBrands(mux) },
	SimRoutes: func(cs *core.Server, mux *http.ServeMux) {
		server{cs}.routeSimBrands(mux)
	},
	Seed:  func(cs *core.Server, st *core.State, dir string) error { return server{cs}.seedBrands(st, dir) },
	Specs: []string{"qliksense-brands-api-openapi.yml"},
}
