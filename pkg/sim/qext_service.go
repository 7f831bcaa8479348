package sim

// qextErrors is the themes and extensions `error` schema: a single object,
// code and title required.
func qextErrors(code string) *ErrorStyle {
	return &ErrorStyle{Code: code, SingleObject: true, Body: func(f ErrorFields) any {
		body := map[string]any{"code": f.Code, "title": f.Title, "status": f.Status, "traceId": newTraceID(),
			"meta": map[string]any{"message": f.Detail}}
		if f.Source != nil {
			body["source"] = f.Source
		}
		return body
	}}
}

// QextService serves themes and extensions, which share one shape.
var QextService = Service{
	Name: "themes and extensions",
	APIs: []API{
		{Prefixes: []string{"/api/v1/themes"}, Errors: qextErrors("THEMES")},
		{Prefixes: []string{"/api/v1/extensions"}, Errors: qextErrors("EXTENSIONS")},
	},
	Routes: func(s *Server, mux *routeMux) {
		s.routeQext(mux, themesKind)
		s.routeQext(mux, extensionsKind)
	},
	Seed: func(s *Server, st *state, dir string) error {
		if err := s.seedQext(st, dir, themesKind); err != nil {
			return err
		}
		return s.seedQext(st, dir, extensionsKind)
	},
	Specs: []string{
		"qliksense-themes-api-openapi.yml",
		"qliksense-extensions-api-openapi.yml",
	},
}
