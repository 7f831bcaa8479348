package identityproviders

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// idpErrors is the idp spec's Errors: errors[{code, title, detail, source,
// status (a number)}] and no traceId.
var idpErrors = &core.ErrorStyle{Code: "IDP", Body: func(f core.ErrorFields) any {
	e := f.Entry()
	e["status"] = f.Status
	if f.Source != nil {
		e["source"] = f.Source
	}
	return map[string]any{"errors": []any{e}}
}}

// SignInHeader names, on every /api answer, the id of the identity
// provider the caller signs in through. It is the simulator's, not
// Qlik's: no Qlik API says it.
const SignInHeader = "Qliksim-Identity-Provider"

// resource serves the list (next/prev cursors, ?active) and lookups; the
// writes are the service's own (the protocols differ, and secrets are
// masked).
var resource = &core.Resource[idp]{
	Table: IDPs, Path: "/api/v1/identity-providers", Label: "identity provider",
	Verbs:   core.VerbList,
	Row:     func(p *idp) *core.Row { return &p.Row },
	Filters: map[string]core.Filter[idp]{"active": core.BoolFilter(func(p *idp) bool { return p.Active })},
	Render:  render,
}

// Service serves identity providers.
var Service = core.Service{
	Name: "identityproviders",
	APIs: []core.API{{Prefixes: []string{"/api/v1/identity-providers"}, Errors: idpErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		resource.Route(s, mux)
		const base = "/api/v1/identity-providers"
		mux.HandleFunc("POST "+base, create(s))
		mux.HandleFunc("GET "+base+"/status", status(s))
		mux.HandleFunc("GET "+base+"/me/meta", meMeta(s))
		mux.HandleFunc("GET "+base+"/.well-known/metadata.json", wellKnown(s))
		mux.HandleFunc("GET "+base+"/{id}", get(s))
		mux.HandleFunc("PATCH "+base+"/{id}", patch(s))
		mux.HandleFunc("DELETE "+base+"/{id}", remove(s))
	},
	SimRoutes: simRoutes,
	Init:      initBuiltIns,
	Seed:      seed,
	Admit:     admit,
	Specs:     []string{"qliksense-idp-api-openapi.yml"},
}

// admit names the caller's provider on the answer; it refuses nothing.
func admit(s *core.Server, w http.ResponseWriter, r *http.Request) bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := core.CallerOf(s.St); c != nil {
		if p := signInOf(s.St, c.ID); p != nil {
			w.Header().Set(SignInHeader, p.ID)
		}
	}
	return true
}

// simRoutes serves the test-only view (no auth, not counted):
// GET /_sim/identity-providers/{id}/secrets returns {"options": ...,
// "pendingOptions": ...}, the clientSecret values the API never returns.
func simRoutes(s *core.Server, mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/identity-providers/{id}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		p := IDPs.Get(s.St, r.PathValue("id"))
		if p == nil {
			core.NotFound(w, r, "no such identity provider")
			return
		}
		sec := func(m map[string]any) string { v, _ := m["clientSecret"].(string); return v }
		core.WriteJSON(w, http.StatusOK, map[string]string{"options": sec(p.Options), "pendingOptions": sec(p.PendingOptions)})
	})
}

// seedEntry is a create payload plus the users (by email or subject) who
// sign in through the provider.
type seedEntry struct {
	Protocol              string         `json:"protocol"`
	Provider              string         `json:"provider"`
	Description           string         `json:"description"`
	Interactive           bool           `json:"interactive"`
	Active                bool           `json:"active"`
	ClockToleranceSec     *int           `json:"clockToleranceSec"`
	CreateNewUsersOnLogin *bool          `json:"createNewUsersOnLogin"`
	PostLogoutRedirectURI string         `json:"postLogoutRedirectUri"`
	Options               map[string]any `json:"options"`
	PendingOptions        map[string]any `json:"pendingOptions"`
	SignIns               []string       `json:"signIns"`
}

// identity-providers.yaml holds the tenant's own providers (the built-in
// ones are always there).
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "identity-providers.yaml")
	var entries []seedEntry
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		p := &idp{Protocol: e.Protocol, Provider: e.Provider, Description: e.Description, Active: e.Active,
			Interactive: e.Interactive, ClockToleranceSec: 5, CreateNewUsersOnLogin: true,
			PostLogoutRedirectURI: e.PostLogoutRedirectURI, Options: e.Options, PendingOptions: e.PendingOptions}
		if e.ClockToleranceSec != nil {
			p.ClockToleranceSec = *e.ClockToleranceSec
		}
		if e.CreateNewUsersOnLogin != nil {
			p.CreateNewUsersOnLogin = *e.CreateNewUsersOnLogin
		}
		if p.PendingOptions != nil {
			p.PendingState = "pending"
		}
		for _, who := range e.SignIns {
			u := core.Users.Find(st, func(u *core.User) bool { return strings.EqualFold(u.Email, who) || u.Subject == who })
			if u == nil {
				return fmt.Errorf("%s: identity-providers[%d] (%q): signIns: no user %q", path, i, e.Description, who)
			}
			p.SignIns = append(p.SignIns, u.ID)
		}
		if bad := check(st, p, nil); bad != nil {
			return fmt.Errorf("%s: identity-providers[%d] (%q): %s: %s", path, i, e.Description, strings.TrimPrefix(bad.Pointer, "/"), bad.Detail)
		}
		now := s.Now()
		p.Row = core.Row{CreatedAt: now, UpdatedAt: now, CreatedBy: core.CallerOf(st).ID, UpdatedBy: core.CallerOf(st).ID}
		p.ID = newID(s, st)
		p.Seq = st.NextSeq()
		IDPs.Put(st, p.ID, p)
		syncQlikAccount(st)
	}
	return nil
}
