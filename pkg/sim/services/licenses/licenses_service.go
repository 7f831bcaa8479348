package licenses

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/tenantconfig"
)

// Service serves licence assignments and the licence overview. Errors are
// the licenses API's (the licence settings' style, from tenantconfig).
var Service = core.Service{
	Name: "licenses",
	APIs: []core.API{{Prefixes: []string{"/api/v1/licenses"}, Errors: tenantconfig.LicenseErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		mux.HandleFunc("GET /api/v1/licenses/assignments", listAssignments(s))
		mux.HandleFunc("POST /api/v1/licenses/assignments/actions/add", addAssignments(s))
		mux.HandleFunc("POST /api/v1/licenses/assignments/actions/update", updateAssignments(s))
		mux.HandleFunc("POST /api/v1/licenses/assignments/actions/delete", deleteAssignments(s))
		mux.HandleFunc("GET /api/v1/licenses/overview", overview(s))
		mux.HandleFunc("GET /api/v1/licenses/status", status(s))
	},
	Init:  func(s *core.Server, st *core.State) { Licence.Put(st, licenceRow, defaultLicence()) },
	Seed:  seed,
	Specs: []string{"qliksense-licenses-api-openapi.yml"},
}

// seedFile is licenses.yaml: the licence (replacing a new tenant's
// default when given) and the assignments, users by email or subject.
type seedFile struct {
	License     *licence `json:"license"`
	Assignments []struct {
		User string `json:"user"`
		Type string `json:"type"`
	} `json:"assignments"`
}

// seed loads licenses.yaml. Assignments are made as an add would make
// them, so a seed cannot hold more than the licence allows.
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "licenses.yaml")
	var f seedFile
	if err := core.ReadSeedFile(path, &f); err != nil {
		return err
	}
	if f.License != nil {
		if err := f.License.check(); err != nil {
			return fmt.Errorf("%s: license: %w", path, err)
		}
		Licence.Put(st, licenceRow, f.License)
	}
	for i, a := range f.Assignments {
		u := core.UserByEmail(st, a.User)
		if u == nil {
			u = core.UserBySubject(st, a.User)
		}
		if u == nil {
			return fmt.Errorf("%s: assignments[%d]: no user %q", path, i, a.User)
		}
		if res := add(s, st, u.Subject, a.Type); res.Status != 201 {
			return fmt.Errorf("%s: assignments[%d] (%s as %s): %s", path, i, a.User, a.Type, strings.ToLower(res.Title))
		}
	}
	return nil
}
