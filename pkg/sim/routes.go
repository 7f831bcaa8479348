package sim

import "net/http"

// routeMux is the ServeMux of Qlik's API (/api/...). It keeps every pattern
// registered, so that tests can hold each route against Qlik's OpenAPI specs
// (routes_test.go). The simulator's own /_sim/ endpoints live on the root mux.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// HandleFunc registers h for pattern and records the pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}
