// Package kindtest is the shared conformance suite every kind handler runs
// against the simulator, in the style of rclone's backend test suite: each
// kind's test is one line, Run(t, handler, fixture), and the fixture says only
// what differs between kinds.
//
// Every subtest runs on a fresh simulator with random ids, so ids differ from
// one tenant to the next, and documents are always read back through a fresh
// kinds.Tenant (what the next run of qlikops would see), never from a cache.
package kindtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// APIKey is the bearer key of every simulator the suite starts. It is also a
// secret sentinel: it must never appear in an encoded file.
const APIKey = "kindtest-api-key-7f3c9a1e-SENTINEL"

// ForeignID is a metadata.id from "another tenant": documents handed to
// Create carry it, and Create must ignore it.
const ForeignID = "0123456789abcdef01234567"

// MissingID is an id no simulator hands out (random ids are 24 hex digits
// drawn at random, deterministic ones count up from 0x101).
const MissingID = "fffffffffffffffffffffffe"

// Fixture is what differs between kinds.
type Fixture struct {
	// Seed is a seed directory for sim.LoadSeed ("" = none), relative to the
	// test's working directory.
	Seed string
	// SeedFunc, if set, seeds each fresh simulator after Seed.
	SeedFunc func(t *testing.T, s *sim.Server)

	// New is a document to create, exactly as Read must return it afterwards
	// (metadata.id aside). For a kind that never creates (NeverCreates), New
	// must describe a resource the seed already holds, as Read returns it:
	// Create is then expected to skip it, and Update and Delete act on it.
	New resource.Document
	// Modified is New after a change; Update(Modified, live) followed by Read
	// must return it. Its metadata.name must equal New's.
	Modified resource.Document

	// NeverCreates: Create returns Result.Skipped and writes nothing.
	NeverCreates bool
	// NeverDeletes: Delete returns Result.Skipped and writes nothing.
	NeverDeletes bool

	// FailPaths are path.Match patterns of GET paths that Read depends on.
	// For each, Read against a tenant that answers 500 there must fail.
	FailPaths []string

	// Secrets are sentinel values seeded into the tenant that must never
	// appear in an encoded file of this kind. APIKey is always checked.
	Secrets []string
}

// Run runs the conformance suite for one handler.
func Run(t *testing.T, h kinds.Handler, f Fixture) {
	t.Helper()
	if f.New.Metadata.Name == "" || f.Modified.Metadata.Name != f.New.Metadata.Name {
		t.Fatalf("fixture: New needs a name and Modified must have the same name (New %q, Modified %q)", f.New.Metadata.Name, f.Modified.Metadata.Name)
	}
	if f.New.Kind != h.Kind() || f.Modified.Kind != h.Kind() {
		t.Fatalf("fixture: New and Modified must be of kind %s", h.Kind())
	}
	s := &suite{h: h, f: f, newDoc: canonical(t, f.New), modified: canonical(t, f.Modified)}
	t.Run("read", s.testRead)
	t.Run("round-trip", s.testRoundTrip)
	t.Run("update", s.testUpdate)
	t.Run("idempotence", s.testIdempotence)
	t.Run("delete", s.testDelete)
	t.Run("not-found", s.testNotFound)
	t.Run("failed-read-is-not-absent", s.testFailedRead)
	t.Run("secret-stripping", s.testSecrets)
}

type suite struct {
	h        kinds.Handler
	f        Fixture
	newDoc   resource.Document
	modified resource.Document
}

// Env is one fresh simulator behind a loopback server, and a client for it.
type Env struct {
	Sim    *sim.Server
	URL    string
	Client *qlik.Client
}

// NewEnv starts a simulator seeded as the fixture says. wrap, if not nil,
// wraps the simulator's handler (fault injection); the client then does not
// retry, so an injected failure is seen at once.
func NewEnv(t *testing.T, f Fixture, deterministic bool, wrap func(http.Handler) http.Handler) *Env {
	t.Helper()
	s := sim.New(sim.Options{APIKey: APIKey, Deterministic: deterministic})
	if f.Seed != "" {
		if err := s.LoadSeed(f.Seed); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	if f.SeedFunc != nil {
		f.SeedFunc(t, s)
	}
	var handler http.Handler = s.Handler()
	retries := 0
	if wrap != nil {
		handler = wrap(handler)
		retries = -1
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: APIKey, Tier1PerMin: -1, Tier2PerMin: -1,
		MaxRetries: retries, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Sim: s, URL: srv.URL, Client: c}
}

// Tenant is a fresh view of the tenant, with no directory cached.
func (e *Env) Tenant() *kinds.Tenant { return kinds.NewTenant(e.Client) }

// Writes is the number of write requests the simulator has served.
func (e *Env) Writes() int64 { return e.Sim.Stats().Writes }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func canonical(t *testing.T, d resource.Document) resource.Document {
	t.Helper()
	c, err := resource.Canonical(d)
	if err != nil {
		t.Fatalf("fixture %s: %v", d.Key(), err)
	}
	return c
}

// ignoreID compares documents with metadata.id aside.
var ignoreID = cmpopts.IgnoreFields(resource.Metadata{}, "ID")

func (s *suite) read(t *testing.T, e *Env) []resource.Document {
	t.Helper()
	docs, err := s.h.Read(ctx(t), e.Tenant())
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return docs
}

// find returns the document named name, or fails when it is absent.
func (s *suite) find(t *testing.T, e *Env, name string) resource.Document {
	t.Helper()
	d, ok := lookup(s.read(t, e), name)
	if !ok {
		t.Fatalf("Read has no %s %q", s.h.Kind(), name)
	}
	return d
}

func lookup(docs []resource.Document, name string) (resource.Document, bool) {
	for _, d := range docs {
		if d.Metadata.Name == name {
			return d, true
		}
	}
	return resource.Document{}, false
}

// live brings the fixture's resource into a fresh tenant (Create, or for
// never-create kinds it is already seeded) and returns it as Read sees it.
func (s *suite) live(t *testing.T, e *Env) resource.Document {
	t.Helper()
	if !s.f.NeverCreates {
		want := s.newDoc
		want.Metadata.ID = ForeignID
		res, err := s.h.Create(ctx(t), e.Tenant(), want)
		if err != nil {
			t.Fatalf("Create(%s): %v", want.Key(), err)
		}
		if res.Skipped != "" || len(res.Unresolved) > 0 {
			t.Fatalf("Create(%s) = %+v, want a plain success", want.Key(), res)
		}
	}
	return s.find(t, e, s.newDoc.Metadata.Name)
}

// testRead: every document is canonical and well formed, the list is sorted
// and without duplicates, and no spec value is an id of the tenant.
func (s *suite) testRead(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	if !s.f.NeverCreates {
		s.live(t, e) // so that the list holds at least the fixture's resource
	}
	docs := s.read(t, e)
	if len(docs) == 0 {
		t.Fatalf("Read returned no %s; the fixture's tenant should hold some", s.h.Kind())
	}
	seen := map[string]bool{}
	for i, d := range docs {
		if d.APIVersion != resource.APIVersion {
			t.Errorf("%s: apiVersion %q, want %q", d.Key(), d.APIVersion, resource.APIVersion)
		}
		if d.Kind != s.h.Kind() {
			t.Errorf("%s: kind %q, want %q", d.Key(), d.Kind, s.h.Kind())
		}
		if d.Metadata.Name == "" {
			t.Errorf("document %d (id %s) has an empty name", i, d.Metadata.ID)
		}
		if d.Metadata.ID == "" {
			t.Errorf("%s: metadata.id is empty", d.Key())
		}
		if seen[d.Metadata.Name] {
			t.Errorf("%s: listed twice", d.Key())
		}
		seen[d.Metadata.Name] = true
		if i > 0 && docs[i-1].Metadata.Name > d.Metadata.Name {
			t.Errorf("not sorted by name: %q before %q", docs[i-1].Metadata.Name, d.Metadata.Name)
		}
		if d.Spec == nil {
			t.Errorf("%s: spec is nil", d.Key())
		}
		if diff := cmp.Diff(canonical(t, d), d); diff != "" {
			t.Errorf("%s: not canonical (-canonical +read):\n%s", d.Key(), diff)
		}
	}
	ids := TenantIDs(t, e.Sim)
	for _, d := range docs {
		for _, hit := range IDsIn(d.Spec, ids) {
			t.Errorf("%s: spec holds a tenant id: %s; references must be by natural key", d.Key(), hit)
		}
	}
}

// testRoundTrip: Create(New) then Read returns New, metadata.id aside. The
// document handed to Create carries another tenant's id, which must not leak.
func (s *suite) testRoundTrip(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	if s.f.NeverCreates {
		before := e.Writes()
		want := s.newDoc
		want.Metadata.ID = ForeignID
		res, err := s.h.Create(ctx(t), e.Tenant(), want)
		if err != nil {
			t.Fatalf("Create(%s) of a never-create kind: %v", want.Key(), err)
		}
		if res.Skipped == "" {
			t.Errorf("Create(%s) of a never-create kind did not report Skipped", want.Key())
		}
		if w := e.Writes() - before; w != 0 {
			t.Errorf("Create(%s) of a never-create kind made %d writes, want 0", want.Key(), w)
		}
	}
	got := s.live(t, e)
	if diff := cmp.Diff(s.newDoc, got, ignoreID); diff != "" {
		t.Errorf("Read after Create differs (-created +read):\n%s", diff)
	}
	if got.Metadata.ID == ForeignID {
		t.Errorf("%s: Read returned the foreign metadata.id handed to Create", got.Key())
	}
}

// testUpdate: Update(Modified, live) then Read returns Modified.
func (s *suite) testUpdate(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	have := s.live(t, e)
	want := s.modified
	want.Metadata.ID = ForeignID // Update must act on have's id, not want's
	res, err := s.h.Update(ctx(t), e.Tenant(), want, have)
	if err != nil {
		t.Fatalf("Update(%s): %v", want.Key(), err)
	}
	if res.Skipped != "" || len(res.Unresolved) > 0 {
		t.Errorf("Update(%s) = %+v, want a plain success", want.Key(), res)
	}
	got := s.find(t, e, s.modified.Metadata.Name)
	if diff := cmp.Diff(s.modified, got, ignoreID); diff != "" {
		t.Errorf("Read after Update differs (-modified +read):\n%s", diff)
	}
	if got.Metadata.ID != have.Metadata.ID {
		t.Errorf("Update changed the id from %s to %s", have.Metadata.ID, got.Metadata.ID)
	}
}

// testIdempotence: an Update whose want equals have writes nothing, right
// after a Create (Create, Read, Update with the same document) and right after
// an Update (a second apply of the same commit).
func (s *suite) testIdempotence(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	have := s.live(t, e)
	s.expectNoWrites(t, e, "after Create, Update(New, live)", s.newDoc, have)
	s.expectNoWrites(t, e, "after Create, Update(live, live)", have, have)

	if _, err := s.h.Update(ctx(t), e.Tenant(), s.modified, have); err != nil {
		t.Fatalf("Update(%s): %v", s.modified.Key(), err)
	}
	have = s.find(t, e, s.modified.Metadata.Name)
	s.expectNoWrites(t, e, "after Update, Update(Modified, live)", s.modified, have)
}

func (s *suite) expectNoWrites(t *testing.T, e *Env, what string, want, have resource.Document) {
	t.Helper()
	before := e.Writes()
	res, err := s.h.Update(ctx(t), e.Tenant(), want, have)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if len(res.Unresolved) > 0 {
		t.Errorf("%s: unresolved %v", what, res.Unresolved)
	}
	if w := e.Writes() - before; w != 0 {
		t.Errorf("%s made %d writes, want 0", what, w)
	}
}

// testDelete: Delete(live) then Read no longer lists it; for a never-delete
// kind, Delete reports Skipped, writes nothing and the resource stays.
func (s *suite) testDelete(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	have := s.live(t, e)
	before := e.Writes()
	res, err := s.h.Delete(ctx(t), e.Tenant(), have)
	if err != nil {
		t.Fatalf("Delete(%s): %v", have.Key(), err)
	}
	_, still := lookup(s.read(t, e), have.Metadata.Name)
	if s.f.NeverDeletes {
		if res.Skipped == "" {
			t.Errorf("Delete(%s) of a never-delete kind did not report Skipped", have.Key())
		}
		if w := e.Writes() - before; w != 0 {
			t.Errorf("Delete(%s) of a never-delete kind made %d writes, want 0", have.Key(), w)
		}
		if !still {
			t.Errorf("Delete(%s) of a never-delete kind removed it", have.Key())
		}
		return
	}
	if res.Skipped != "" {
		t.Errorf("Delete(%s) skipped: %s", have.Key(), res.Skipped)
	}
	if still {
		t.Errorf("Read still lists %s after Delete", have.Key())
	}
}

// testNotFound: Update and Delete of a document whose id is not in the tenant
// fail with an error qlik.IsNotFound recognises (or skip, for kinds that never
// write that way). Never nil, never a panic.
func (s *suite) testNotFound(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	have := s.newDoc
	have.Metadata.ID = MissingID
	want := s.modified
	want.Metadata.ID = MissingID

	t.Run("update", func(t *testing.T) {
		res, err := callNoPanic(t, "Update", func() (kinds.Result, error) {
			return s.h.Update(ctx(t), e.Tenant(), want, have)
		})
		if !qlik.IsNotFound(err) {
			t.Errorf("Update of a missing %s: result %+v, err %v; want an error for which qlik.IsNotFound is true", s.h.Kind(), res, err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		before := e.Writes()
		res, err := callNoPanic(t, "Delete", func() (kinds.Result, error) {
			return s.h.Delete(ctx(t), e.Tenant(), have)
		})
		if s.f.NeverDeletes {
			if err != nil || res.Skipped == "" {
				t.Errorf("Delete of a missing %s (never-delete kind): result %+v, err %v; want Skipped", s.h.Kind(), res, err)
			}
			if w := e.Writes() - before; w != 0 {
				t.Errorf("Delete of a never-delete kind made %d writes, want 0", w)
			}
			return
		}
		if !qlik.IsNotFound(err) {
			t.Errorf("Delete of a missing %s: result %+v, err %v; want an error for which qlik.IsNotFound is true", s.h.Kind(), res, err)
		}
	})
}

func callNoPanic(t *testing.T, what string, f func() (kinds.Result, error)) (res kinds.Result, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s panicked: %v", what, r)
		}
	}()
	return f()
}

// testFailedRead: when a list the kind depends on answers 500, Read fails;
// it never passes an empty or partial list off as the tenant's content.
func (s *suite) testFailedRead(t *testing.T) {
	if len(s.f.FailPaths) == 0 {
		t.Fatal("fixture: FailPaths is empty; name at least the kind's list path")
	}
	for _, pattern := range s.f.FailPaths {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(pattern, "/"), "/", "_"), func(t *testing.T) {
			var hits atomic.Int64
			fail := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if ok, _ := path.Match(pattern, r.URL.Path); ok && r.Method == http.MethodGet {
						hits.Add(1)
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusInternalServerError)
						_, _ = w.Write([]byte(`{"errors":[{"code":"HTTP-500","title":"Internal Server Error","status":500}],"traceId":"kindtest"}`))
						return
					}
					next.ServeHTTP(w, r)
				})
			}
			e := NewEnv(t, s.f, false, fail)
			docs, err := s.h.Read(ctx(t), e.Tenant())
			if hits.Load() == 0 {
				t.Fatalf("Read never requested %s; fix the fixture's FailPaths", pattern)
			}
			if err == nil {
				t.Fatalf("Read succeeded with %d documents although GET %s answered 500; a failed read must be an error, never an empty or partial list", len(docs), pattern)
			}
			if strings.Contains(err.Error(), APIKey) {
				t.Errorf("Read error leaks the API key: %v", err)
			}
		})
	}
}

// testSecrets: no sentinel secret appears in any encoded file of the kind, nor
// in the tenant's warnings.
func (s *suite) testSecrets(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	if !s.f.NeverCreates {
		s.live(t, e)
	}
	tn := e.Tenant()
	docs, err := s.h.Read(ctx(t), tn)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	files, err := snapshot.Encode(kinds.NewRegistry(s.h), docs)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("Encode wrote no files")
	}
	secrets := append([]string{APIKey}, s.f.Secrets...)
	for p, b := range files {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(string(b), sec) {
				t.Errorf("%s contains the secret sentinel %q", p, sec)
			}
		}
	}
	for _, w := range tn.Warnings() {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(w, sec) {
				t.Errorf("warning contains the secret sentinel %q: %s", sec, w)
			}
		}
	}
}

// TenantIDs returns every id the simulator holds: the ids of spaces,
// assignments, users, groups and roles, the caller's and the tenant's, and
// the built-in Everyone group's.
func TenantIDs(t *testing.T, s *sim.Server) []string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "state.json")
	if err := s.SaveState(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		TenantID string `json:"tenantId"`
		CallerID string `json:"callerId"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	ids := []string{st.TenantID, st.CallerID, sim.EveryoneGroupID}
	for _, k := range []string{"spaces", "assignments", "users", "groups", "roles"} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(all[k], &m); err != nil {
			t.Fatalf("state %s: %v", k, err)
		}
		if len(m) == 0 && k != "assignments" && k != "spaces" {
			t.Fatalf("state has no %s; the state format changed?", k)
		}
		for id := range m {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// hexID looks like a Qlik object id, whether or not this tenant knows it.
var hexID = regexp.MustCompile(`\b[0-9a-f]{24}\b`)

// IDsIn scans every string (keys included) in v for one of ids, or for
// anything shaped like an object id, and describes each hit by its path.
func IDsIn(v any, ids []string) []string {
	var hits []string
	var walk func(p string, v any)
	check := func(p, s string) {
		for _, id := range ids {
			if id != "" && strings.Contains(s, id) {
				hits = append(hits, fmt.Sprintf("%s = %q (tenant id %s)", p, s, id))
				return
			}
		}
		if hexID.MatchString(s) {
			hits = append(hits, fmt.Sprintf("%s = %q (looks like an id)", p, s))
		}
	}
	walk = func(p string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				check(p+"{key}", k)
				walk(p+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", p, i), e)
			}
		case string:
			check(p, x)
		}
	}
	walk("spec", v)
	slices.Sort(hits)
	return hits
}
