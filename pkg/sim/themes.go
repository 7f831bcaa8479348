package sim

import "net/http"

// theme is filled in with the resource's fields when its routes are built.
type theme struct{}

func (s *Server) routeThemes(mux *http.ServeMux) {}

func (s *Server) seedThemes(st *state, dir string) error { return nil }
