package sim

import (
	"fmt"
	"path/filepath"
)

// identityErrors is the users and groups style: a numeric status per error.
func identityErrors(code, notFound string) *ErrorStyle {
	return &ErrorStyle{Code: code, NotFoundCode: notFound, Body: func(f ErrorFields) any {
		e := f.Entry()
		e["status"] = f.Status
		if f.Source != nil {
			e["source"] = f.Source
		}
		return ErrorsBody(e)
	}}
}

// IdentityService serves users, groups and roles.
var IdentityService = Service{
	Name: "identity",
	APIs: []API{
		{Prefixes: []string{"/api/v1/users"}, Errors: identityErrors("USERS", "USERS-7")},
		{Prefixes: []string{"/api/v1/groups"}, Errors: identityErrors("GROUPS", "GROUPS-7")},
		// roles: a source, no status
		{Prefixes: []string{"/api/v1/roles"}, Errors: &ErrorStyle{Code: "IDENTITIES", NotFoundCode: "IDENTITIES-10402", Body: GenericErrors.Body}},
	},
	Routes: func(s *Server, mux *routeMux) {
		s.routeUsers(mux)
		s.routeGroups(mux)
		s.routeRoles(mux)
	},
	Init: func(s *Server, st *state) { s.initIdentity(st) },
	Seed: func(s *Server, st *state, dir string) error { return s.seedIdentity(st, dir) },
	Specs: []string{
		"qliksense-users-api-openapi.yml",
		"qliksense-groups-api-openapi.yml",
		"qliksense-roles-api-openapi.yml",
	},
}

// initIdentity adds the default roles, the Everyone group and the built-in
// service user that owns what the API key creates until a seed names a
// TenantAdmin.
func (s *Server) initIdentity(st *state) {
	now := s.now()
	for _, d := range defaultRoles {
		r := &role{ID: st.newID(s.opts.Deterministic), Name: d.name, Description: d.desc,
			Type: "default", Level: d.level, Permissions: []string{}, CreatedAt: now, Seq: st.nextSeq()}
		Roles.In(st)[r.ID] = r
	}
	Groups.In(st)[EveryoneGroupID] = &group{ID: EveryoneGroupID, Name: "Everyone", ProviderType: "custom",
		Status: "active", RoleIDs: []string{}, System: true, CreatedAt: now, LastUpdatedAt: now, Seq: st.nextSeq()}
	bot := &user{ID: st.newID(s.opts.Deterministic), Subject: botSubject, Name: botSubject, Status: "active",
		GroupIDs: []string{}, CreatedAt: now, LastUpdatedAt: now, Seq: st.nextSeq()}
	bot.RoleIDs = []string{roleByName(st, "TenantAdmin").ID}
	Users.In(st)[bot.ID] = bot
	st.CallerID = bot.ID
}

// seedIdentity reads groups.yaml and users.yaml.
func (s *Server) seedIdentity(st *state, dir string) error {
	var groups []seedGroup
	var users []seedUser
	for _, f := range []struct {
		name string
		v    any
	}{{"groups.yaml", &groups}, {"users.yaml", &users}} {
		if err := readSeedFile(filepath.Join(dir, f.name), f.v); err != nil {
			return err
		}
	}
	if err := s.seedGroups(st, groups); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "groups.yaml"), err)
	}
	if err := s.seedUsers(st, users); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "users.yaml"), err)
	}
	return nil
}
