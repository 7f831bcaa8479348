package qext

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
)

// qextErrors is the themes and extensions `error` schema: a single object,
// code and title required.
func qextErrors(code string) *core.ErrorStyle {
	return &core.ErrorStyle{Code: code, SingleObject: true, Body: func(f core.ErrorFields) any {
		body := map[string]any{"code": f.Code, "title": f.Title, "status": f.Status, "traceId": core.NewTraceID(),
			"meta": map[string]any{"message": f.Detail}}
		if f.Source != nil {
			body["source"] = f.Source
		}
		return body
	}}
}

// Service serves themes and extensions, which share one shape.
var Service = core.Service{
	Name: "themes and extensions",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/themes"}, Errors: qextErrors("THEMES")},
		{Prefixes: []string{"/api/v1/extensions"}, Errors: qextErrors("EXTENSIONS")},
	},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}

		s.routeQext(mux, themesKind)
		s.routeQext(mux, extensionsKind)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}

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
