package kinds_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// The conformance suite is only worth something if it fails on broken
// handlers. Each mutant below wraps a real handler and breaks one thing;
// TestConformanceCatchesMutants runs the suite on it in a subprocess and
// checks that the expected subtests fail.

const mutantEnv = "KINDTEST_MUTANT"

type mutant struct {
	kinds.Handler
	read   func(ctx context.Context, t *kinds.Tenant) ([]resource.Document, error)
	create func(ctx context.Context, t *kinds.Tenant, want resource.Document) (kinds.Result, error)
	update func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error)
	delete func(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error)
}

func (m mutant) Read(ctx context.Context, t *kinds.Tenant) ([]resource.Document, error) {
	if m.read != nil {
		return m.read(ctx, t)
	}
	return m.Handler.Read(ctx, t)
}

func (m mutant) Create(ctx context.Context, t *kinds.Tenant, want resource.Document) (kinds.Result, error) {
	if m.create != nil {
		return m.create(ctx, t, want)
	}
	return m.Handler.Create(ctx, t, want)
}

func (m mutant) Update(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
	if m.update != nil {
		return m.update(ctx, t, want, have)
	}
	return m.Handler.Update(ctx, t, want, have)
}

func (m mutant) Delete(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error) {
	if m.delete != nil {
		return m.delete(ctx, t, have)
	}
	return m.Handler.Delete(ctx, t, have)
}

// mapRead changes every document Read returns.
func mapRead(h kinds.Handler, f func(docs []resource.Document) []resource.Document) func(context.Context, *kinds.Tenant) ([]resource.Document, error) {
	return func(ctx context.Context, t *kinds.Tenant) ([]resource.Document, error) {
		docs, err := h.Read(ctx, t)
		if err != nil {
			return nil, err
		}
		return f(docs), nil
	}
}

func eachSpec(f func(d *resource.Document)) func([]resource.Document) []resource.Document {
	return func(docs []resource.Document) []resource.Document {
		for i := range docs {
			docs[i].Spec = cloneSpec(docs[i].Spec)
			f(&docs[i])
		}
		return docs
	}
}

func cloneSpec(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// writeSomething makes one harmless write, for mutants that must not write.
func writeSomething(ctx context.Context, t *kinds.Tenant) error {
	return t.API.Do(ctx, http.MethodPost, "/api/v1/groups",
		map[string]any{"name": "mutant-side-effect", "providerType": "custom"}, nil)
}

type mutantCase struct {
	h        kinds.Handler
	f        kindtest.Fixture
	mustFail []string // subtests (relative to the test) that must fail
}

func mutants() map[string]mutantCase {
	g := kinds.Groups
	u := kinds.Users
	return map[string]mutantCase{
		"read-unsorted": {mutant{Handler: g, read: mapRead(g, func(d []resource.Document) []resource.Document {
			slices.Reverse(d)
			return d
		})}, customGroupsFixture, []string{"read"}},
		"read-duplicate": {mutant{Handler: g, read: mapRead(g, func(d []resource.Document) []resource.Document {
			return append(d, d[len(d)-1])
		})}, customGroupsFixture, []string{"read"}},
		"read-bad-apiversion": {mutant{Handler: g, read: mapRead(g, eachSpec(func(d *resource.Document) {
			d.APIVersion = "qlikops.dev/v0"
		}))}, customGroupsFixture, []string{"read", "round-trip"}},
		"read-empty-name": {mutant{Handler: g, read: mapRead(g, func(d []resource.Document) []resource.Document {
			d[0].Metadata.Name = ""
			return d
		})}, customGroupsFixture, []string{"read"}},
		"read-no-id": {mutant{Handler: g, read: mapRead(g, eachSpec(func(d *resource.Document) {
			d.Metadata.ID = ""
		}))}, customGroupsFixture, []string{"read"}},
		"read-not-canonical": {mutant{Handler: g, read: mapRead(g, eachSpec(func(d *resource.Document) {
			d.Spec["tags"] = []string{"typed", "slice"}
		}))}, customGroupsFixture, []string{"read"}},
		"read-id-in-spec": {mutant{Handler: g, read: mapRead(g, eachSpec(func(d *resource.Document) {
			d.Spec["ownerId"] = d.Metadata.ID
		}))}, customGroupsFixture, []string{"read", "round-trip"}},
		"read-id-nested-in-spec": {mutant{Handler: kinds.Spaces, read: mapRead(kinds.Spaces, eachSpec(func(d *resource.Document) {
			d.Spec["links"] = []any{map[string]any{"self": "/api/v1/spaces/" + d.Metadata.ID}}
		}))}, spacesFixture, []string{"read", "round-trip"}},
		"read-ignores-errors": {mutant{Handler: g, read: func(ctx context.Context, t *kinds.Tenant) ([]resource.Document, error) {
			docs, err := g.Read(ctx, t)
			if err != nil {
				return []resource.Document{}, nil
			}
			return docs, nil
		}}, customGroupsFixture, []string{"failed-read-is-not-absent"}},
		"create-noop": {mutant{Handler: g, create: func(context.Context, *kinds.Tenant, resource.Document) (kinds.Result, error) {
			return kinds.Result{}, nil
		}}, customGroupsFixture, []string{"round-trip", "update", "delete"}},
		"create-drops-a-field": {mutant{Handler: g, create: func(ctx context.Context, t *kinds.Tenant, want resource.Document) (kinds.Result, error) {
			want.Spec = cloneSpec(want.Spec)
			delete(want.Spec, "description")
			return g.Create(ctx, t, want)
		}}, customGroupsFixture, []string{"round-trip"}},
		"update-noop": {mutant{Handler: g, update: func(context.Context, *kinds.Tenant, resource.Document, resource.Document) (kinds.Result, error) {
			return kinds.Result{}, nil
		}}, customGroupsFixture, []string{"update"}},
		"update-always-writes": {mutant{Handler: g, update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
			have.Spec = cloneSpec(have.Spec)
			delete(have.Spec, "roles")
			return g.Update(ctx, t, want, have)
		}}, customGroupsFixture, []string{"idempotence"}},
		"delete-noop": {mutant{Handler: g, delete: func(context.Context, *kinds.Tenant, resource.Document) (kinds.Result, error) {
			return kinds.Result{}, nil
		}}, customGroupsFixture, []string{"delete", "not-found/delete"}},
		"not-found-swallowed": {mutant{Handler: g,
			update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
				r, err := g.Update(ctx, t, want, have)
				if qlik.IsNotFound(err) {
					return r, nil
				}
				return r, err
			},
			delete: func(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error) {
				r, err := g.Delete(ctx, t, have)
				if qlik.IsNotFound(err) {
					return r, nil
				}
				return r, err
			}}, customGroupsFixture, []string{"not-found/update", "not-found/delete"}},
		"not-found-flattened": {mutant{Handler: kinds.Spaces,
			update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
				r, err := kinds.Spaces.Update(ctx, t, want, have)
				if err != nil {
					err = fmt.Errorf("%v", err) // loses the *qlik.Error
				}
				return r, err
			}}, spacesFixture, []string{"not-found/update"}},
		"secret-in-spec": {mutant{Handler: g, read: mapRead(g, eachSpec(func(d *resource.Document) {
			d.Spec["description"] = "key " + kindtest.APIKey
		}))}, customGroupsFixture, []string{"secret-stripping"}},
		"users-create-writes": {mutant{Handler: u, create: func(ctx context.Context, t *kinds.Tenant, want resource.Document) (kinds.Result, error) {
			if err := writeSomething(ctx, t); err != nil {
				return kinds.Result{}, err
			}
			return u.Create(ctx, t, want)
		}}, usersFixture, []string{"round-trip"}},
		"users-create-not-skipped": {mutant{Handler: u, create: func(context.Context, *kinds.Tenant, resource.Document) (kinds.Result, error) {
			return kinds.Result{}, nil
		}}, usersFixture, []string{"round-trip"}},
		"users-delete-writes": {mutant{Handler: u, delete: func(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error) {
			if err := writeSomething(ctx, t); err != nil {
				return kinds.Result{}, err
			}
			return u.Delete(ctx, t, have)
		}}, usersFixture, []string{"delete", "not-found/delete"}},
		"idp-group-deleted": {mutant{Handler: g, delete: func(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error) {
			return kinds.Result{}, t.API.Do(ctx, http.MethodDelete, "/api/v1/groups/"+have.Metadata.ID, nil, nil)
		}}, idpGroupsFixture, []string{"delete"}},
	}
}

// allMutants are the identity kinds' mutants and the content kinds' ones.
func allMutants() map[string]mutantCase {
	all := mutants()
	for name, c := range contentMutants() {
		all[name] = c
	}
	return all
}

// TestConformanceMutant runs the suite on the mutant named by $KINDTEST_MUTANT.
// It is meant to fail; it only runs as the subprocess of the test below.
func TestConformanceMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("runs only as a subprocess of TestConformanceCatchesMutants")
	}
	c, ok := allMutants()[name]
	if !ok {
		t.Fatalf("no mutant %q", name)
	}
	kindtest.Run(t, c.h, c.f)
}

func TestConformanceCatchesMutants(t *testing.T) {
	if os.Getenv(mutantEnv) != "" {
		t.Skip("inside a mutant run")
	}
	if testing.Short() {
		t.Skip("spawns one test process per mutant")
	}
	ms := allMutants()
	names := make([]string, 0, len(ms))
	for n := range ms {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConformanceMutant$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), mutantEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed on mutant %s; it should fail:\n%s", name, out)
			}
			if strings.Contains(string(out), "panic:") {
				t.Errorf("the suite panicked on mutant %s:\n%s", name, out)
			}
			for _, sub := range ms[name].mustFail {
				if !strings.Contains(string(out), "--- FAIL: TestConformanceMutant/"+sub+" ") {
					t.Errorf("mutant %s: subtest %s did not fail:\n%s", name, sub, out)
				}
			}
		})
	}
}
