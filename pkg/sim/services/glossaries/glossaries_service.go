package glossaries

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Service serves glossaries with their categories, terms and
// links.
var Service = core.Service{
	Name: "glossaries",
	// errors[{code,title,detail}] and traceId; HTTP-n is glError's default,
	// the BG-n codes are the handlers'.
	APIs: []core.API{{Prefixes: []string{"/api/v1/glossaries"}, Errors: &core.ErrorStyle{Code: "HTTP",
		Body: func(f core.ErrorFields) any { return core.ErrorsBody(f.Entry()) }}}},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}
		s.routeGlossaries(mux)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}
		return s.seedGlossaries(st, dir)
	},
	SpaceContent: func(st *core.State, spaceID string) int { return GlossariesInSpace(st, spaceID) },
	Specs: []string{
		"qliksense-glossaries-api-openapi.yml",
		"qliksense-categories-api-openapi.yml",
		"qliksense-terms-api-openapi.yml",
		"qliksense-links-api-openapi.yml",
	},
}
