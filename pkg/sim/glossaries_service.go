package sim

// GlossariesService serves glossaries with their categories, terms and
// links.
var GlossariesService = Service{
	Name: "glossaries",
	// errors[{code,title,detail}] and traceId; HTTP-n is glError's default,
	// the BG-n codes are the handlers'.
	APIs: []API{{Prefixes: []string{"/api/v1/glossaries"}, Errors: &ErrorStyle{Code: "HTTP",
		Body: func(f ErrorFields) any { return ErrorsBody(f.Entry()) }}}},
	Routes:       func(s *Server, mux *routeMux) { s.routeGlossaries(mux) },
	Seed:         func(s *Server, st *state, dir string) error { return s.seedGlossaries(st, dir) },
	SpaceContent: func(st *state, spaceID string) int { return glossariesInSpace(st, spaceID) },
	Specs: []string{
		"qliksense-glossaries-api-openapi.yml",
		"qliksense-categories-api-openapi.yml",
		"qliksense-terms-api-openapi.yml",
		"qliksense-links-api-openapi.yml",
	},
}
