package ops_test

import (
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/store"
)

// Every document of the demo tenant's snapshot gets exactly one entry with
// one of the classes, and the totals add up to the documents, kind by kind.
func TestRestoreReportClassifiesEveryDocumentOnce(t *testing.T) {
	_, url := startSim(t, sim.Options{}, demoSeed)
	repo := t.TempDir()
	env := newEnv(t, repo, url, 0)
	if _, err := ops.Export(ctxFor(t, time.Minute), env); err != nil {
		t.Fatal(err)
	}
	r, err := ops.RestoreReportOf(ops.Env{RepoDir: repo, Registry: env.Registry}, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(repo)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := ops.LoadSnapshot(st, env.Registry, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	perKind := map[string]int{}
	for _, d := range snap.Docs {
		perKind[d.Kind]++
	}
	if len(r.Entries) != len(snap.Docs) {
		t.Fatalf("%d entries for %d documents", len(r.Entries), len(snap.Docs))
	}
	seen := map[string]bool{}
	known := map[ops.RestoreClass]bool{}
	for _, c := range ops.RestoreClasses {
		known[c] = true
	}
	for _, e := range r.Entries {
		if seen[e.Key().String()] {
			t.Fatalf("%s listed twice", e.Key())
		}
		seen[e.Key().String()] = true
		if !known[e.Class] {
			t.Fatalf("%s: unknown class %q", e.Key(), e.Class)
		}
	}
	for kind, n := range perKind {
		sum := 0
		for _, v := range r.Totals[kind] {
			sum += v
		}
		if sum != n {
			t.Errorf("%s: totals add up to %d, the snapshot has %d", kind, sum, n)
		}
	}
	for _, c := range ops.RestoreClasses {
		if r.Classes[c] == 0 {
			t.Errorf("the demo tenant has no resource of class %s", c)
		}
	}
}
