package identity

import (
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// identityErrors is the users and groups style: a numeric status per error.
func identityErrors(code, notFound string) *core.ErrorStyle {
	return &core.ErrorStyle{Code: code, NotFoundCode: notFound, Body: func(f core.ErrorFields) any {
		e := f.Entry()
		e["status"] = f.Status
		if f.Source != nil {
			e["source"] = f.Source
		}
		return core.ErrorsBody(e)
	}}
}

// Service serves users, groups and roles.
var Service = core.Service{
	Name: "identity",
	APIs: []core.API{
		{Prefixes: []string{"/api/v1/users"}, Errors: identityErrors("USERS", "USERS-7")},
		{Prefixes: []string{"/api/v1/groups"}, Errors: identityErrors("GROUPS", "GROUPS-7")},
		// roles: a source, no status
		{Prefixes: []string{"/api/v1/roles"}, Errors: &core.ErrorStyle{Code: "IDENTITIES", NotFoundCode: "IDENTITIES-10402", Body: core.GenericErrors.Body}},
	},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}

		s.routeUsers(mux)
		s.routeGroups(mux)
		s.routeRoles(mux)
	},
	Init: func(cs *core.Server, st *core.State) {
		s := server{cs}
		s.initIdentity(st)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}
		return s.seedIdentity(st, dir)
	},
	Specs: []string{
		"qliksense-users-api-openapi.yml",
		"qliksense-groups-api-openapi.yml",
		"qliksense-roles-api-openapi.yml",
	},
}

// initIdentity adds the default roles, the Everyone group and the built-in
// service user that owns what the API key creates until a seed names a
// TenantAdmin.
func (s server) initIdentity(st *core.State) {
	now := s.Now()
	for _, d := range defaultRoles {
		r := &core.Role{ID: st.NewID(s.Opts.Deterministic), Name: d.name, Description: d.desc,
			Type: "default", Level: d.level, Permissions: []string{}, CreatedAt: now, Seq: st.NextSeq()}
		core.Roles.In(st)[r.ID] = r
	}
	core.Groups.In(st)[core.EveryoneGroupID] = &core.Group{ID: core.EveryoneGroupID, Name: "Everyone", ProviderType: "custom",
		Status: "active", RoleIDs: []string{}, System: true, CreatedAt: now, LastUpdatedAt: now, Seq: st.NextSeq()}
	bot := &core.User{ID: st.NewID(s.Opts.Deterministic), Subject: core.BotSubject, Name: core.BotSubject, Status: "active",
		GroupIDs: []string{}, CreatedAt: now, LastUpdatedAt: now, Seq: st.NextSeq()}
	bot.RoleIDs = []string{core.RoleByName(st, "TenantAdmin").ID}
	core.Users.In(st)[bot.ID] = bot
	st.CallerID = bot.ID
}

// seedIdentity reads roles.yaml (custom roles), groups.yaml and
// users.yaml, in that order: groups and users name roles.
func (s server) seedIdentity(st *core.State, dir string) error {
	var roles []seedRole
	var groups []seedGroup
	var users []seedUser
	for _, f := range []struct {
		name string
		v    any
	}{{"roles.yaml", &roles}, {"groups.yaml", &groups}, {"users.yaml", &users}} {
		if err := core.ReadSeedFile(filepath.Join(dir, f.name), f.v); err != nil {
			return err
		}
	}
	if err := s.seedRoles(st, roles); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "roles.yaml"), err)
	}
	if err := s.seedGroups(st, groups); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "groups.yaml"), err)
	}
	if err := s.seedUsers(st, users); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "users.yaml"), err)
	}
	return nil
}
