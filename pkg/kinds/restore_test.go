package kinds_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func readAll(t *testing.T, e *kindtest.Env) map[string][]resource.Document {
	t.Helper()
	tn := e.Tenant()
	out := map[string][]resource.Document{}
	for _, h := range identityKinds() {
		docs, err := h.Read(testCtx(t), tn)
		if err != nil {
			t.Fatalf("read %s: %v", h.Kind(), err)
		}
		out[h.Kind()] = docs
	}
	return out
}

// TestRestoreIntoAnotherTenant exports the demo tenant and applies it, kind by
// kind in wave order, to a second tenant with other ids that holds the same
// roles, users and groups but no spaces: roles, groups and users must need zero writes
// (their ids differ, their documents do not), spaces are created, and the
// second tenant then reads back exactly as the first, ids aside. A second
// pass must write nothing.
func TestRestoreIntoAnotherTenant(t *testing.T) {
	src := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	want := readAll(t, src)

	noSpaces := t.TempDir()
	for _, f := range []string{"roles.yaml", "users.yaml", "groups.yaml"} {
		b, err := os.ReadFile(filepath.Join(demoSeed, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(noSpaces, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := kindtest.NewEnv(t, kindtest.Fixture{Seed: noSpaces}, false, nil)
	if len(readAll(t, dst)["Space"]) != 0 {
		t.Fatal("target tenant should start without spaces")
	}

	for pass := 1; pass <= 2; pass++ {
		have := readAll(t, dst)
		before := dst.Writes()
		tn := dst.Tenant() // one apply run
		for _, h := range identityKinds() {
			for _, d := range want[h.Kind()] {
				var res kinds.Result
				var err error
				if cur, ok := find(have[h.Kind()], d.Metadata.Name); ok {
					res, err = h.Update(testCtx(t), tn, d, cur)
				} else {
					res, err = h.Create(testCtx(t), tn, d)
				}
				if err != nil {
					t.Fatalf("pass %d: apply %s: %v", pass, d.Key(), err)
				}
				if res.Skipped != "" || len(res.Unresolved) > 0 {
					t.Errorf("pass %d: apply %s: %+v", pass, d.Key(), res)
				}
			}
			if h.Kind() != "Space" || pass == 2 {
				if w := dst.Writes() - before; w != 0 {
					t.Errorf("pass %d: %s needed %d writes in a tenant that already matches, want 0", pass, h.Kind(), w)
				}
			}
		}
		got := readAll(t, dst)
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(resource.Metadata{}, "ID")); diff != "" {
			t.Errorf("pass %d: target differs from source (-source +target):\n%s", pass, diff)
		}
	}
}

// identityKinds are the kinds this test restores handler by handler; the
// CLI script restore_all_kinds covers every kind through plan and apply.
func identityKinds() []kinds.Handler {
	return kinds.NewRegistry(kinds.Roles, kinds.Groups, kinds.Users, kinds.Spaces).All()
}

func find(docs []resource.Document, name string) (resource.Document, bool) {
	for _, d := range docs {
		if d.Metadata.Name == name {
			return d, true
		}
	}
	return resource.Document{}, false
}

// TestReadPagesThroughEverything: lists longer than one page (the client asks
// for 100 at a time) are read to the end, for groups, spaces and a space's
// members alike.
func TestReadPagesThroughEverything(t *testing.T) {
	const n = 130
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	ctx := testCtx(t)
	finance := ""
	spaces, err := kinds.Spaces.Read(ctx, e.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := find(spaces, "Finance"); ok {
		finance = d.Metadata.ID
	} else {
		t.Fatal("no Finance space in the demo tenant")
	}
	for i := range n {
		var g struct {
			ID string `json:"id"`
		}
		if err := e.Client.Do(ctx, http.MethodPost, "/api/v1/groups",
			map[string]any{"name": fmt.Sprintf("Paging Group %03d", i), "providerType": "custom"}, &g); err != nil {
			t.Fatal(err)
		}
		if err := e.Client.Do(ctx, http.MethodPost, "/api/v1/spaces/"+finance+"/assignments",
			map[string]any{"type": "group", "assigneeId": g.ID, "roles": []string{"consumer"}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.Client.Do(ctx, http.MethodPost, "/api/v1/spaces",
			map[string]any{"name": fmt.Sprintf("Paging Space %03d", i), "type": "shared"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	all := readAll(t, e)
	if got, want := len(all["Group"]), 5+n; got != want {
		t.Errorf("read %d groups, want %d", got, want)
	}
	if got, want := len(all["Space"]), 6+n; got != want {
		t.Errorf("read %d spaces, want %d", got, want)
	}
	d, _ := find(all["Space"], "Finance")
	if got, want := len(d.Spec["members"].([]any)), 3+n; got != want {
		t.Errorf("Finance has %d members, want %d", got, want)
	}
}
