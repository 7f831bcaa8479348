package sim

import "net/http"

// glossary is filled in with the resource's fields when its routes are built.
type glossary struct{}

func (s *Server) routeGlossaries(mux *http.ServeMux) {}

func (s *Server) seedGlossaries(st *state, dir string) error { return nil }

func (st *state) glossariesInSpace(spaceID string) int { return 0 }
