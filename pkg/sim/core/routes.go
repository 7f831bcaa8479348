package core

import "net/http"

// routeMux is the ServeMux of Qlik's API (/api/...). It keeps every pattern
// registered, so that tests can hold each route against Qlik's OpenAPI specs
// (routes_test.go). The simulator's own /_sim/ endpoints live on the root mux.
type RouteMux struct {
	*http.ServeMux
	Patterns []string
}

func NewRouteMux() *RouteMux { return &RouteMux{ServeMux: http.NewServeMux()} }

// HandleFunc registers h for pattern and records the pattern.
func (m *RouteMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Patterns = append(m.Patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}
