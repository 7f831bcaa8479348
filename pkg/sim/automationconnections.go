package sim

import "net/http"

// automationConnection is filled in with the resource's fields when its routes are built.
type automationConnection struct{}

func (s *Server) routeAutomationConnections(mux *http.ServeMux) {}

func (s *Server) seedAutomationConnections(st *state, dir string) error { return nil }
