package kinds_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/schemas"
)

// The places outside pkg/kinds that every kind must have. The invariants
// test reads them from disk, so that a kind added to the registry without
// one of them, or a line removed from one of them, fails here.
const (
	schemaDir      = "../../schemas"
	conformanceDir = "../../testdata/conformance"
	readmeFile     = "../../README.md"
)

// TestEveryKindHasItsPlaces fails when a registered kind lacks any of:
//   - a JSON Schema in schemas/ that pins its kind;
//   - simulator routes: qliksim answers its list path with 200;
//   - a sample in the demo tenant: reading the demo tenant gives at least
//     one document of the kind;
//   - a conformance test through @qlik/api that names its list path;
//   - a row in the README's "What is covered" table whose first cell names
//     it;
//   - a wave above every kind it depends on, and above every kind its demo
//     documents reference.
func TestEveryKindHasItsPlaces(t *testing.T) {
	reg := kinds.Default()
	env := newPlaces(t, reg)
	for _, h := range reg.All() {
		for _, p := range env.problems(reg, h) {
			t.Error(p)
		}
	}
}

// A kind registered without its places fails: the test is only worth
// something if it can fail. The fake kind has none of them, and depends on
// a kind that is not registered.
func TestInvariantsCatchAKindWithoutPlaces(t *testing.T) {
	fake := kinds.REST[struct{}, struct{}]{Desc: kinds.Desc{KindName: "Dashboard", FolderName: "dashboards",
		ListPath: "/api/v1/dashboards", Unpaged: true, DependsOn: []string{"Space", "Nowhere"}}}
	reg := kinds.NewRegistry(append(kinds.Default().All(), fake)...)
	env := newPlaces(t, reg)
	got := env.problems(reg, fake)
	for _, want := range []string{"no schema", "qliksim answers", "demo tenant", "no conformance test", "Coverage", "README", "not registered"} {
		found := false
		for _, p := range got {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("no problem mentions %q for a kind without places; got %q", want, got)
		}
	}
}

// places is what the invariants are checked against: a running qliksim
// with the demo tenant, the demo tenant as export reads it, and the files.
type places struct {
	simURL      string
	docs        map[string][]resource.Document
	conformance string
	covered     map[string]bool
}

func newPlaces(t *testing.T, reg *kinds.Registry) places {
	srv, client := demoSim(t)
	t.Cleanup(srv.Close)
	return places{simURL: srv.URL, docs: readDemo(t, reg, client), conformance: conformanceSources(t), covered: coverageRows(t)}
}

// problems lists what a kind lacks:
//   - a JSON Schema in schemas/ that pins its kind;
//   - simulator routes: qliksim answers its list path with 200;
//   - a sample in the demo tenant: reading the demo tenant gives at least
//     one document of the kind;
//   - a conformance test through @qlik/api that names its list path;
//   - a declared Coverage, and the README "What is covered" row generated
//     from it;
//   - a wave above every kind it depends on, and above every kind its demo
//     documents reference.
func (p places) problems(reg *kinds.Registry, h kinds.Handler) []string {
	d := h.Declared()
	var out []string
	bad := func(format string, args ...any) { out = append(out, d.KindName+": "+fmt.Sprintf(format, args...)) }
	if msg := schemaProblem(d); msg != "" {
		bad("%s", msg)
	}
	if msg := simRouteProblem(p.simURL, d); msg != "" {
		bad("%s", msg)
	}
	if len(p.docs[d.KindName]) == 0 {
		bad("the demo tenant (%s) has no sample; add one to its seed so that export, restore and the fuzz corpus cover the kind", demoSeed)
	}
	if !strings.Contains(p.conformance, d.ListPath) {
		bad("no conformance test in %s names %s; add one that drives qliksim through @qlik/api", conformanceDir, d.ListPath)
	}
	if c := d.Coverage; c.Exported == "" || c.Restored == "" || c.Reentry == "" || c.LeftOut == "" {
		bad("its Desc declares no Coverage, or leaves a cell empty (\"-\" says none); the README row is generated from it")
	}
	if !p.covered[d.KindName] {
		bad("the README's \"What is covered\" table has no row for it; run go test ./pkg/kinds -run TestReadmeCoverage -update")
	}
	w := reg.Wave(d.KindName)
	for _, dep := range d.DependsOn {
		if _, ok := reg.Get(dep); !ok {
			bad("depends on %s, which is not registered", dep)
		} else if reg.Wave(dep) >= w {
			bad("wave %d depends on %s in wave %d, not lower", w, dep, reg.Wave(dep))
		}
	}
	for _, doc := range p.docs[d.KindName] {
		for _, r := range h.Refs(doc) {
			if reg.Wave(r.Key.Kind) >= w {
				bad("%s references %s at %s, which is not in a lower wave; declare it in DependsOn", doc.Metadata.Name, r.Key, r.Field)
			}
		}
	}
	return out
}

// schemaProblem checks the parts every kind's schema shares, as the kind
// declares them: its $id and kind, the envelope, a required name, and a
// metadata.space exactly when the kind lives in spaces (Desc.SpaceField).
func schemaProblem(d kinds.Desc) string {
	file := schemas.FileName(d.KindName)
	b, err := os.ReadFile(filepath.Join(schemaDir, file))
	if err != nil {
		return fmt.Sprintf("no schema: %v", err)
	}
	type constant struct {
		Const string `json:"const"`
	}
	var s struct {
		ID         string   `json:"$id"`
		Required   []string `json:"required"`
		Properties struct {
			APIVersion constant `json:"apiVersion"`
			Kind       constant `json:"kind"`
			Metadata   struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"metadata"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Sprintf("schema %s: %v", file, err)
	}
	_, hasSpace := s.Properties.Metadata.Properties["space"]
	switch {
	case s.Properties.Kind.Const != d.KindName:
		return fmt.Sprintf("schema %s does not pin kind to %q", file, d.KindName)
	case !strings.HasSuffix(s.ID, "/"+file):
		return fmt.Sprintf("schema %s has $id %q", file, s.ID)
	case s.Properties.APIVersion.Const != resource.APIVersion:
		return fmt.Sprintf("schema %s does not pin apiVersion to %q", file, resource.APIVersion)
	case strings.Join(s.Required, ",") != "apiVersion,kind,metadata,spec":
		return fmt.Sprintf("schema %s requires %v, want apiVersion, kind, metadata, spec", file, s.Required)
	case len(s.Properties.Metadata.Required) == 0 || s.Properties.Metadata.Required[0] != "name":
		return fmt.Sprintf("schema %s does not require metadata.name", file)
	case hasSpace != (d.SpaceField != ""):
		return fmt.Sprintf("schema %s: metadata.space is allowed %v, but the kind lives in a space: %v", file, hasSpace, d.SpaceField != "")
	}
	return ""
}

// simRouteProblem asks the running simulator over HTTP, not its internals.
func simRouteProblem(base string, d kinds.Desc) string {
	path := d.ListPath
	if strings.Contains(path, "{tenantId}") {
		// A singleton under the tenant's id (the API-key configuration).
		path = strings.ReplaceAll(path, "{tenantId}", tenantIDOf(base))
	}
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+invariantsKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Sprintf("GET %s: %v", d.ListPath, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("qliksim answers GET %s with %d; it needs the service's routes", d.ListPath, resp.StatusCode)
	}
	return ""
}

const invariantsKey = "invariants-key"

// tenantIDOf asks the simulator for its tenant's id, as a client would.
func tenantIDOf(base string) string {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+invariantsKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var me struct {
		TenantID string `json:"tenantId"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&me)
	return me.TenantID
}

func demoSim(t *testing.T) (*httptest.Server, *qlik.Client) {
	t.Helper()
	s := sim.New(sim.Options{APIKey: invariantsKey, Deterministic: true})
	if err := s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: invariantsKey, Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// readDemo exports the demo tenant, kind by kind, as export does.
func readDemo(t *testing.T, reg *kinds.Registry, c *qlik.Client) map[string][]resource.Document {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tn := kinds.NewTenantFor(c, reg)
	out := map[string][]resource.Document{}
	for _, h := range reg.All() {
		docs, err := h.Read(ctx, tn)
		if err != nil {
			t.Logf("read %s from the demo tenant: %v", h.Kind(), err)
		}
		out[h.Kind()] = docs
	}
	return out
}

func conformanceSources(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance tests in %s (%v)", conformanceDir, err)
	}
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	return all.String()
}

// coverageRows are the kinds named in the first cell of the README's "What
// is covered" table ("Theme, Extension" names two).
func coverageRows(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## What is covered\n")
	if !ok {
		t.Fatal(`README has no "## What is covered" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	out := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.HasPrefix(strings.TrimSpace(cells[1]), "-") {
			continue
		}
		for _, k := range strings.Split(cells[1], ",") {
			out[strings.TrimSpace(k)] = true
		}
	}
	if len(out) == 0 {
		t.Fatal(`README's "What is covered" table has no rows`)
	}
	return out
}
