package reporttemplates

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// rtErrors is the report-templates ErrorResult: errors[{code,title,detail}]
// and statusCode, no traceId.
var rtErrors = &core.ErrorStyle{Code: "REPORT-TEMPLATES", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}, "statusCode": f.Status}
}}

// Service serves report templates.
var Service = core.Service{
	Name: "reporttemplates",
	APIs: []core.API{{Prefixes: []string{base}, Errors: rtErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		templates.Route(s, mux)
		inner := core.NewRouteMux()
		templatesPut.Route(s, inner)
		mux.HandleFunc("PUT "+base+"/{id}", func(w http.ResponseWriter, r *http.Request) {
			inner.ServeHTTP(&created{ResponseWriter: w}, r)
		})
		mux.HandleFunc("POST "+base+"/{id}/actions/download", download(s))
	},
	Seed: seed,
	// A download changes nothing.
	ReadOnlyWrites: []string{"POST " + base + "/*/actions/download"},
	Specs:          []string{"qliksense-report-templates-api-openapi.yml"},
}

// created turns the generic PUT's 200 into the 201 the spec gives.
type created struct{ http.ResponseWriter }

func (c *created) WriteHeader(status int) {
	if status == http.StatusOK {
		status = http.StatusCreated
	}
	c.ResponseWriter.WriteHeader(status)
}

func download(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		t := templates.Lookup(w, r, s.St)
		if t == nil {
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", t.FileName))
		w.Header().Set("Content-Length", strconv.Itoa(len(t.File)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(t.File)
	}
}

// seedTemplate is an entry of report-templates.yaml: file is a path below
// the seed directory; space and app name the source app ("" none); owner
// a user email ("" the API-key caller).
type seedTemplate struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Space       string `json:"space,omitempty"`
	App         string `json:"app,omitempty"`
	Owner       string `json:"owner,omitempty"`
	File        string `json:"file"`
}

func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "report-templates.yaml")
	var entries []seedTemplate
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := seedOne(s, st, dir, e); err != nil {
			return fmt.Errorf("%s: entry %d (%q): %w", path, i+1, e.Name, err)
		}
	}
	return nil
}

func seedOne(s *core.Server, st *core.State, dir string, e seedTemplate) error {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(e.File)))
	if err != nil {
		return fmt.Errorf("file: %w", err)
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	t := &template{Name: e.Name, Description: e.Description}
	if e.App != "" {
		spaceID, err := core.SeedSpaceID(st, e.Space)
		if err != nil {
			return err
		}
		for _, a := range apps.Apps.In(st) {
			if !a.Deleted && a.Name == e.App && a.SpaceID == spaceID {
				t.SourceAppID = a.ID
			}
		}
		if t.SourceAppID == "" {
			return fmt.Errorf("app: %q is not an app of space %q", e.App, e.Space)
		}
	}
	// Seeded files skip temp contents: clients cannot set File (it is
	// read-only), so only a seed arrives with one.
	t.File, t.FileName = data, filepath.Base(e.File)
	return templates.Insert(s, st, t, owner.ID)
}
