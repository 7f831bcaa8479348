package sim

import "net/http"

// dataConnection is filled in with the resource's fields when its routes are built.
type dataConnection struct{}

func (s *Server) routeDataConnections(mux *http.ServeMux) {}

func (s *Server) seedDataConnections(st *state, dir string) error { return nil }

func (st *state) dataConnectionsInSpace(spaceID string) int { return 0 }
