package sim

import "net/http"

// automation is filled in with the resource's fields when its routes are built.
type automation struct{}

func (s *Server) routeAutomations(mux *http.ServeMux) {}

func (s *Server) seedAutomations(st *state, dir string) error { return nil }

func (st *state) automationsInSpace(spaceID string) int { return 0 }
