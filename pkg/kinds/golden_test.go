package kinds_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// go test ./pkg/kinds -run Golden -update rewrites testdata/golden.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const goldenDir = "../../testdata/golden/demo-tenant"

// exportDemo reads every kind of the default registry from a deterministic
// simulator seeded with the demo tenant, through a fresh Tenant, and encodes
// the documents as export writes them.
func exportDemo(t *testing.T, c *qlik.Client) snapshot.Files {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg := kinds.Default()
	tn := kinds.NewTenant(c)
	var docs []resource.Document
	for _, h := range reg.All() {
		ds, err := h.Read(ctx, tn)
		if err != nil {
			t.Fatalf("read %s: %v", h.Kind(), err)
		}
		docs = append(docs, ds...)
	}
	// The demo seed holds a webhook Qlik disabled and one automation only
	// its owner may read; those warnings are expected, any other is not.
	want := []string{
		`webhook "App changes to Teams" is exported as disabled: Qlik disabled it (WEBHOOK_DELIVERY_FAILED): The webhook was disabled after 10 consecutive failed deliveries (HTTP 410 from the target).`,
		`automation "Sales Weekly Digest" (owner carol.white@example.com): its definition is visible only to its owner; exported without the workspace`}
	if w := tn.Warnings(); !slices.Equal(w, want) {
		t.Errorf("reading the demo tenant warned: %q", w)
	}
	files, err := snapshot.Encode(reg, docs)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return files
}

func demoClient(t *testing.T) *qlik.Client {
	t.Helper()
	// A fixed clock: apps, data connections and automations carry their modified times.
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := sim.New(sim.Options{APIKey: "golden-key", Deterministic: true, Now: func() time.Time { return at }})
	if err := s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "golden-key", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGoldenDemoTenant(t *testing.T) {
	got := exportDemo(t, demoClient(t))
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for p, b := range got {
			dst := filepath.Join(goldenDir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("rewrote %d golden files in %s", len(got), goldenDir)
		return
	}
	want := snapshot.Files{}
	err := filepath.WalkDir(goldenDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(goldenDir, p)
		if err != nil {
			return err
		}
		want[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatalf("read goldens (run go test ./pkg/kinds -run Golden -update to create them): %v", err)
	}
	for _, p := range sortedKeys(want) {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s: in the goldens but not exported", p)
			continue
		}
		if !bytes.Equal(g, want[p]) {
			t.Errorf("%s differs from the golden (-golden +exported):\n%s", p, cmp.Diff(string(want[p]), string(g)))
		}
	}
	for _, p := range sortedKeys(got) {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: exported but not in the goldens", p)
		}
	}
	if t.Failed() {
		t.Log("if the change is intended: go test ./pkg/kinds -run Golden -update, and review the diff")
	}
}

// TestGoldenDeterministic: two reads of the same tenant, and reads of two
// tenants seeded alike, encode byte for byte the same.
func TestGoldenDeterministic(t *testing.T) {
	c := demoClient(t)
	first := exportDemo(t, c)
	for i, again := range []snapshot.Files{exportDemo(t, c), exportDemo(t, c), exportDemo(t, demoClient(t))} {
		if diff := cmp.Diff(stringFiles(first), stringFiles(again)); diff != "" {
			t.Errorf("export %d differs from the first (-first +again):\n%s", i+2, diff)
		}
	}
}

func sortedKeys(f snapshot.Files) []string {
	ks := make([]string, 0, len(f))
	for k := range f {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func stringFiles(f snapshot.Files) map[string]string {
	out := make(map[string]string, len(f))
	for k, v := range f {
		out[k] = string(v)
	}
	return out
}
