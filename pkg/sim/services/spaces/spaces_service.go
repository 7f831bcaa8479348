package spaces

import (
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// spacesErrors is the spaces and assignments style: meta.source in the
// element and deprecated top-level copies of code, title, detail, source.
var spacesErrors = &core.ErrorStyle{Code: "SPACES", Body: func(f core.ErrorFields) any {
	e := f.Entry()
	body := map[string]any{"traceId": core.NewTraceID(), "code": f.Code, "title": f.Title}
	if f.Source != nil {
		e["meta"] = map[string]any{"source": f.Source}
		body["source"] = f.Source
	}
	if f.Detail != "" {
		body["detail"] = f.Detail
	}
	body["errors"] = []any{e}
	return body
}}

// Service serves spaces and their assignments.
var Service = core.Service{
	Name: "spaces",
	APIs: []core.API{{Prefixes: []string{"/api/v1/spaces"}, Errors: spacesErrors}},
	Routes: func(cs *core.Server, mux *core.RouteMux) {
		s := server{cs}

		s.routeSpaces(mux)
		s.routeAssignments(mux)
	},
	Seed: func(cs *core.Server, st *core.State, dir string) error {
		s := server{cs}
		return s.seedSpacesFile(st, dir)
	},
	SpaceContent: func(st *core.State, spaceID string) int {
		if sp := core.Spaces.Get(st, spaceID); sp != nil {
			return len(sp.Apps)
		}
		return 0
	},
	// Space assignments of a deleted user or group go with it (guess);
	// spaces a deleted user owns keep their ownerId.
	PrincipalDeleted: func(st *core.State, id string) {
		for aid, a := range Assignments.In(st) {
			if a.AssigneeID == id {
				Assignments.Delete(st, aid)
			}
		}
	},
	Specs: []string{
		"qliksense-spaces-api-openapi.yml",
		"qliksense-assignments-api-openapi.yml",
	},
}

// seedSpacesFile reads spaces.yaml. It first hands the API key to the
// first seeded TenantAdmin, so that spaces without an owner get that one.
func (s server) seedSpacesFile(st *core.State, dir string) error {
	var spaces []seedSpace
	path := filepath.Join(dir, "spaces.yaml")
	if err := core.ReadSeedFile(path, &spaces); err != nil {
		return err
	}
	s.adoptSeedCaller(st)
	if err := s.seedSpaces(st, spaces); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
