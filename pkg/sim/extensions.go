package sim

import "net/http"

// extension is filled in with the resource's fields when its routes are built.
type extension struct{}

func (s *Server) routeExtensions(mux *http.ServeMux) {}

func (s *Server) seedExtensions(st *state, dir string) error { return nil }
