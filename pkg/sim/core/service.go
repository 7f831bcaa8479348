package core

import "net/http"

// A Service is one Qlik service the simulator serves. It is all the server
// needs to know about it: the server holds the list it was built with and
// calls each hook in that order, so that adding a service is its package plus
// one line in that list.
type Service struct {
	Name string
	// APIs are the service's path prefixes and the error style of each.
	APIs []API
	// Routes registers the service's Qlik API routes.
	Routes func(s *Server, mux *RouteMux)
	// SimRoutes registers the service's /_sim/ views (no auth), if any.
	SimRoutes func(s *Server, mux *http.ServeMux)
	// Init adds what a new, empty tenant already has (default roles, the
	// Everyone group), if anything.
	Init func(s *Server, st *State)
	// Seed adds the service's part of a seed directory: it reads its own
	// file(s) in dir, names them in errors, and writes only to st.
	Seed func(s *Server, st *State, dir string) error
	// SpaceContent counts what the service keeps in a space; a space that
	// holds anything may not be deleted.
	SpaceContent func(st *State, spaceID string) int
	// PrincipalDeleted drops what refers to a user or group that was just
	// deleted.
	PrincipalDeleted func(st *State, id string)
	// ReadOnlyWrites are "METHOD /path/pattern" (path.Match) of Tier-2
	// requests that change nothing in the tenant, such as an app export:
	// Stats counts them as Tier 2 but not as writes.
	ReadOnlyWrites []string
	// Specs are the Qlik OpenAPI spec files describing the routes.
	Specs []string
	// Admit runs before every authenticated /api request and may refuse it
	// (writing the answer and returning false), e.g. an IP allowlist. It
	// locks the state itself.
	Admit func(s *Server, w http.ResponseWriter, r *http.Request) bool
	// Written is told of every successful write to the API, with the
	// state locked (see Write); the audits service records events here.
	Written func(s *Server, st *State, w Write)
}

// admit runs every service's Admit hook after authentication.
func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			for _, svc := range s.services {
				if svc.Admit != nil && !svc.Admit(s, w, r) {
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// API is a set of path prefixes that share an error style.
type API struct {
	Prefixes []string
	Errors   *ErrorStyle
}

// spaceIsEmpty reports whether a space may be deleted. Qlik refuses to delete
// a space that still holds apps or other assets; members do not count.
func (s *Server) SpaceIsEmpty(st *State, spaceID string) bool {
	for _, svc := range s.services {
		if svc.SpaceContent != nil && svc.SpaceContent(st, spaceID) > 0 {
			return false
		}
	}
	return true
}

// principalDeleted tells every service that a user or group is gone.
func (s *Server) PrincipalDeleted(st *State, id string) {
	for _, svc := range s.services {
		if svc.PrincipalDeleted != nil {
			svc.PrincipalDeleted(st, id)
		}
	}
}

// Specs returns the OpenAPI spec files of every service, in service order.
func (s *Server) Specs() []string {
	var out []string
	for _, svc := range s.services {
		out = append(out, svc.Specs...)
	}
	return out
}

// routeAPI registers every route of Qlik's API that the simulator serves.
func (s *Server) RouteAPI(mux *RouteMux) {
	for _, svc := range s.services {
		if svc.Routes != nil {
			svc.Routes(s, mux)
		}
	}
}
