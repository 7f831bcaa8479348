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
	"bytes"
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
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
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

// MissingUUID is MissingID for kinds whose ids are UUIDs (data connections,
// automations, glossaries, themes...): a well-formed version-4 UUID that no
// simulator hands out, so that "not found" is not mistaken for "malformed".
const MissingUUID = "ffffffff-ffff-4fff-bfff-fffffffffffe"

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Fixture is what differs between kinds.
type Fixture struct {
	// Seed is a seed directory for sim.LoadSeed ("" = none), relative to the
	// test's working directory.
	Seed string
	// SeedFunc, if set, seeds each fresh simulator after Seed.
	SeedFunc func(t *testing.T, s *sim.Server)

	// New is a document to create, exactly as Read must return it afterwards
	// (metadata.id aside), side files (Document.Files) included, byte for
	// byte. Documents are found by key (kind, metadata.space, metadata.name). For a kind that never creates (NeverCreates), New
	// must describe a resource the seed already holds, as Read returns it:
	// Create is then expected to skip it, and Update and Delete act on it.
	New resource.Document
	// Modified is New after a change; Update(Modified, live) followed by Read
	// must return it. Its key (metadata.name and metadata.space) must equal
	// New's.
	Modified resource.Document

	// Twin, if set, is another resource of the kind that shares New's name
	// under another key (the same name in another space). The suite creates
	// it before New and checks that Create, Update and Delete of New leave
	// it as it was: lookups go by key, never by name alone.
	Twin *resource.Document

	// Partial are other changes of New (same key) that the API may not be
	// able to make, e.g. the definition of an automation the caller cannot
	// see. Update(Partial[i], live) must either apply the change (Read then
	// returns it) or name what it left out in Result.NotApplied: never a
	// silent success.
	Partial []resource.Document

	// NeverCreates: Create returns Result.Skipped and writes nothing.
	NeverCreates bool
	// NeverDeletes: Delete returns Result.Skipped and writes nothing.
	NeverDeletes bool

	// FailPaths are path.Match patterns of GET paths that Read depends on.
	// For each, Read against a tenant that answers 500 there must fail.
	FailPaths []string

	// Secrets are sentinel values seeded into the tenant (by the seed, or
	// through SecretStore on Create) that must never appear in an encoded
	// file of this kind nor in a warning. APIKey is always checked.
	Secrets []string

	// SecretStore supplies the values of New's and Modified's placeholders
	// to Create and Update (kinds.Tenant.Secrets). nil supplies none.
	SecretStore *secrets.Store
	// Stored, if set, returns the write-only values the tenant keeps for the
	// resource d (read through a test-only view of the simulator, e.g.
	// GET /_sim/data-connections/{qID}/secrets). The secret-stripping
	// subtest then checks that it returns WantStored right after
	// Create(New) with SecretStore, and still after Update(Modified) made
	// with no secrets supplied: an unsupplied secret keeps the stored one.
	Stored     func(t *testing.T, e *Env, d resource.Document) map[string]string
	WantStored map[string]string

	// MissingID overrides the id the not-found subtest uses. By default it
	// is MissingID, or MissingUUID for kinds whose ids are UUIDs.
	MissingID string
}

// Run runs the conformance suite for one handler.
func Run(t *testing.T, h kinds.Handler, f Fixture) {
	t.Helper()
	if f.New.Metadata.Name == "" || f.Modified.Key() != f.New.Key() {
		t.Fatalf("fixture: New needs a name and Modified must have the same key (New %s, Modified %s)", f.New.Key(), f.Modified.Key())
	}
	if f.Twin != nil && (f.Twin.Metadata.Name != f.New.Metadata.Name || f.Twin.Key() == f.New.Key() || f.NeverCreates) {
		t.Fatalf("fixture: Twin must share New's name under another key, of a kind that creates (Twin %s)", f.Twin.Key())
	}
	if (f.Stored == nil) != (f.WantStored == nil) {
		t.Fatal("fixture: Stored and WantStored go together")
	}
	if f.New.Kind != h.Kind() || f.Modified.Kind != h.Kind() {
		t.Fatalf("fixture: New and Modified must be of kind %s", h.Kind())
	}
	s := &suite{h: h, f: f, newDoc: canonical(t, f.New), modified: canonical(t, f.Modified)}
	if f.Twin != nil {
		twin := canonical(t, *f.Twin)
		s.twin = &twin
	}
	t.Run("read", s.testRead)
	t.Run("round-trip", s.testRoundTrip)
	t.Run("update", s.testUpdate)
	t.Run("idempotence", s.testIdempotence)
	t.Run("delete", s.testDelete)
	t.Run("not-found", s.testNotFound)
	t.Run("failed-read-is-not-absent", s.testFailedRead)
	t.Run("secret-stripping", s.testSecrets)
	if len(f.Partial) > 0 {
		t.Run("applied-or-reported", s.testPartial)
	}
}

type suite struct {
	h        kinds.Handler
	f        Fixture
	newDoc   resource.Document
	modified resource.Document
	twin     *resource.Document
}

// Env is one fresh simulator behind a loopback server, and a client for it.
type Env struct {
	Sim    *sim.Server
	URL    string
	Client *qlik.Client
	// Secrets is what Tenant() supplies to Create and Update.
	Secrets *secrets.Store
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
	return &Env{Sim: s, URL: srv.URL, Client: c, Secrets: f.SecretStore}
}

// Tenant is a fresh view of the tenant, with no directory cached, supplying
// the fixture's secrets.
func (e *Env) Tenant() *kinds.Tenant {
	tn := kinds.NewTenant(e.Client)
	tn.Secrets = e.Secrets
	return tn
}

// SimGet decodes a GET of one of the simulator's test-only /_sim/ views.
func (e *Env) SimGet(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get(e.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

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

// ignoreID compares documents with metadata.id (and metadata.updated, as
// tenant-specific) aside.
var ignoreID = cmpopts.IgnoreFields(resource.Metadata{}, "ID", "Updated")

// ignoreFiles leaves side files to sameFiles, which compares them byte for
// byte and says which file differs where.
var ignoreFiles = cmpopts.IgnoreFields(resource.Document{}, "Files")

// sameDoc reports (as errors) how got differs from want, metadata.id aside,
// side files included.
func sameDoc(t *testing.T, what string, want, got resource.Document) {
	t.Helper()
	if diff := cmp.Diff(want, got, ignoreID, ignoreFiles); diff != "" {
		t.Errorf("%s differs (-want +read):\n%s", what, diff)
	}
	for _, d := range FilesDiff(want.Files, got.Files) {
		t.Errorf("%s: side file %s", what, d)
	}
}

// FilesDiff compares side files byte for byte: missing, extra and changed
// files, with the first differing offset of a changed one.
func FilesDiff(want, got map[string][]byte) []string {
	var out []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: missing (want %d bytes)", name, len(w)))
		case !bytes.Equal(w, g):
			i := 0
			for i < len(w) && i < len(g) && w[i] == g[i] {
				i++
			}
			out = append(out, fmt.Sprintf("%s: differs from byte %d (want %d bytes, read %d): want %s, read %s",
				name, i, len(w), len(g), excerpt(w, i), excerpt(g, i)))
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok {
			out = append(out, fmt.Sprintf("%s: unexpected (%d bytes)", name, len(g)))
		}
	}
	slices.Sort(out)
	return out
}

func excerpt(b []byte, at int) string {
	end := min(at+24, len(b))
	return fmt.Sprintf("%q", b[at:end])
}
func (s *suite) read(t *testing.T, e *Env) []resource.Document {
	t.Helper()
	docs, err := s.h.Read(ctx(t), e.Tenant())
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return docs
}

// find returns the document of key k, or fails when it is absent.
func (s *suite) find(t *testing.T, e *Env, k resource.Key) resource.Document {
	t.Helper()
	d, ok := lookup(s.read(t, e), k)
	if !ok {
		t.Fatalf("Read has no %s", k)
	}
	return d
}

// lookup finds a document by key: by name within its space for kinds that
// live in spaces, never by name alone.
func lookup(docs []resource.Document, k resource.Key) (resource.Document, bool) {
	for _, d := range docs {
		if d.Key() == k {
			return d, true
		}
	}
	return resource.Document{}, false
}

// live brings the fixture's resource into a fresh tenant (Create, or for
// never-create kinds it is already seeded) and returns it as Read sees it.
func (s *suite) live(t *testing.T, e *Env) resource.Document {
	t.Helper()
	if s.twin != nil {
		twin := *s.twin
		twin.Metadata.ID = ForeignID
		res, err := s.h.Create(ctx(t), e.Tenant(), twin)
		if err != nil {
			t.Fatalf("Create(twin %s): %v", twin.Key(), err)
		}
		if res.Skipped != "" || len(res.Unresolved) > 0 {
			t.Fatalf("Create(twin %s) = %+v, want a plain success", twin.Key(), res)
		}
	}
	if !s.f.NeverCreates {
		want := s.newDoc
		want.Metadata.ID = ForeignID
		res, err := s.h.Create(ctx(t), e.Tenant(), want)
		if err != nil {
			t.Fatalf("Create(%s): %v", want.Key(), err)
		}
		if res.Skipped != "" || len(res.Unresolved) > 0 || len(res.NotApplied) > 0 {
			t.Fatalf("Create(%s) = %+v, want a plain success", want.Key(), res)
		}
		if s.f.SecretStore != nil && len(res.NeedsReentry) > 0 {
			t.Fatalf("Create(%s): NeedsReentry %v although the fixture supplies them", want.Key(), res.NeedsReentry)
		}
	}
	return s.find(t, e, s.newDoc.Key())
}

// checkTwin: the fixture's twin reads as created, whatever was done to New.
func (s *suite) checkTwin(t *testing.T, e *Env, after string) {
	t.Helper()
	if s.twin == nil {
		return
	}
	got, ok := lookup(s.read(t, e), s.twin.Key())
	if !ok {
		t.Errorf("after %s, Read no longer lists the twin %s", after, s.twin.Key())
		return
	}
	sameDoc(t, "twin "+s.twin.Key().String()+" after "+after, *s.twin, got)
}

// testRead: every document is canonical and well formed, the list is sorted
// by key and without duplicate keys, and no spec value (nor text side file)
// holds an id of the tenant.
func (s *suite) testRead(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	if !s.f.NeverCreates {
		s.live(t, e) // so that the list holds at least the fixture's resource
	}
	docs := s.read(t, e)
	if len(docs) == 0 {
		t.Fatalf("Read returned no %s; the fixture's tenant should hold some", s.h.Kind())
	}
	seen := map[resource.Key]bool{}
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
		if seen[d.Key()] {
			t.Errorf("%s: listed twice", d.Key())
		}
		seen[d.Key()] = true
		if i > 0 && d.Key().Less(docs[i-1].Key()) {
			t.Errorf("not sorted by key: %s before %s", docs[i-1].Key(), d.Key())
		}
		for name := range d.Files {
			if name == "" || path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") || strings.Contains(name, "\\") {
				t.Errorf("%s: side file name %q is not a clean relative path", d.Key(), name)
			}
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
		for name, b := range d.Files {
			if !utf8.Valid(b) {
				continue // binary: ids are text
			}
			for _, id := range ids {
				if id != "" && bytes.Contains(b, []byte(id)) {
					t.Errorf("%s: side file %s holds the tenant id %s; references must be by natural key", d.Key(), name, id)
				}
			}
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
	sameDoc(t, "Read after Create", s.newDoc, got)
	if got.Metadata.ID == ForeignID {
		t.Errorf("%s: Read returned the foreign metadata.id handed to Create", got.Key())
	}
	s.checkTwin(t, e, "Create")
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
	if res.Skipped != "" || len(res.Unresolved) > 0 || len(res.NotApplied) > 0 {
		t.Errorf("Update(%s) = %+v, want a plain success", want.Key(), res)
	}
	got := s.find(t, e, s.modified.Key())
	sameDoc(t, "Read after Update", s.modified, got)
	if got.Metadata.ID != have.Metadata.ID {
		t.Errorf("Update changed the id from %s to %s", have.Metadata.ID, got.Metadata.ID)
	}
	s.checkTwin(t, e, "Update")
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
	have = s.find(t, e, s.modified.Key())
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

// testPartial: an Update either does what the document says or reports, in
// NotApplied, what it did not.
func (s *suite) testPartial(t *testing.T) {
	for i, p := range s.f.Partial {
		p := canonical(t, p)
		if p.Key() != s.newDoc.Key() {
			t.Fatalf("fixture: Partial[%d] has the key %s, want %s", i, p.Key(), s.newDoc.Key())
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			e := NewEnv(t, s.f, false, nil)
			have := s.live(t, e)
			res, err := s.h.Update(ctx(t), e.Tenant(), p, have)
			if err != nil {
				t.Fatalf("Update(%s): %v", p.Key(), err)
			}
			got := s.find(t, e, p.Key())
			diff := cmp.Diff(p, got, ignoreID, ignoreFiles)
			files := FilesDiff(p.Files, got.Files)
			if (diff != "" || len(files) > 0) && len(res.NotApplied) == 0 {
				t.Errorf("Update(%s) = %+v: a plain success, but Read differs (-want +read):\n%s%s",
					p.Key(), res, diff, strings.Join(files, "\n"))
			}
		})
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
	_, still := lookup(s.read(t, e), have.Key())
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
	s.checkTwin(t, e, "Delete")
}

// testNotFound: Update and Delete of a document whose id is not in the tenant
// fail with an error qlik.IsNotFound recognises (or skip, for kinds that never
// write that way). Never nil, never a panic.
func (s *suite) testNotFound(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	missing := s.missingID(t)
	have := s.newDoc
	have.Metadata.ID = missing
	want := s.modified
	want.Metadata.ID = missing

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

// missingID is an id of the kind's shape that the tenant does not hold:
// the fixture's, else one shaped like the ids Read returns.
func (s *suite) missingID(t *testing.T) string {
	t.Helper()
	if s.f.MissingID != "" {
		return s.f.MissingID
	}
	e := NewEnv(t, s.f, false, nil)
	docs, err := s.h.Read(ctx(t), e.Tenant())
	if err != nil || len(docs) == 0 {
		docs = []resource.Document{s.live(t, e)}
	}
	if uuidRE.MatchString(docs[0].Metadata.ID) {
		return MissingUUID
	}
	return MissingID
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
// in the tenant's warnings, after Create and after Update. For kinds with
// write-only values (fixture Stored), Create stores the supplied ones and an
// Update made without them keeps them.
func (s *suite) testSecrets(t *testing.T) {
	e := NewEnv(t, s.f, false, nil)
	var have resource.Document
	if !s.f.NeverCreates {
		have = s.live(t, e)
	} else {
		have = s.find(t, e, s.newDoc.Key())
	}
	s.expectNoSecrets(t, e, "after Create")
	if s.f.Stored != nil {
		s.expectStored(t, e, "after Create with the secrets supplied", have)
	}

	// The next apply, made without any secrets: placeholders stay
	// unresolved, and what the tenant stores must survive.
	noSecrets := kinds.NewTenant(e.Client)
	res, err := s.h.Update(ctx(t), noSecrets, s.modified, have)
	if err != nil {
		t.Fatalf("Update(%s) with no secrets supplied: %v", s.modified.Key(), err)
	}
	if len(res.Unresolved) > 0 {
		t.Errorf("Update(%s) with no secrets supplied: unresolved %v", s.modified.Key(), res.Unresolved)
	}
	for _, w := range noSecrets.Warnings() {
		for _, sec := range s.sentinels() {
			if strings.Contains(w, sec) {
				t.Errorf("Update warning contains the secret sentinel %q: %s", sec, w)
			}
		}
	}
	got := s.find(t, e, s.modified.Key())
	sameDoc(t, "Read after Update with no secrets supplied", s.modified, got)
	if s.f.Stored != nil {
		s.expectStored(t, e, "after Update with no secrets supplied", got)
	}
	s.expectNoSecrets(t, e, "after Update")
}

func (s *suite) sentinels() []string {
	var out []string
	for _, sec := range append([]string{APIKey}, s.f.Secrets...) {
		if sec != "" {
			out = append(out, sec)
		}
	}
	return out
}

// expectNoSecrets reads the kind, encodes it as export would, and looks for
// every sentinel in every file and warning.
func (s *suite) expectNoSecrets(t *testing.T, e *Env, when string) {
	t.Helper()
	tn := e.Tenant()
	docs, err := s.h.Read(ctx(t), tn)
	if err != nil {
		t.Fatalf("Read %s: %v", when, err)
	}
	files, err := snapshot.Encode(kinds.NewRegistry(s.h), docs)
	if err != nil {
		t.Fatalf("Encode %s: %v", when, err)
	}
	if len(files) == 0 {
		t.Fatalf("Encode %s wrote no files", when)
	}
	for p, b := range files {
		for _, sec := range s.sentinels() {
			if bytes.Contains(b, []byte(sec)) {
				t.Errorf("%s: %s contains the secret sentinel %q", when, p, sec)
			}
		}
	}
	for _, w := range tn.Warnings() {
		for _, sec := range s.sentinels() {
			if strings.Contains(w, sec) {
				t.Errorf("%s: warning contains the secret sentinel %q: %s", when, sec, w)
			}
		}
	}
}

func (s *suite) expectStored(t *testing.T, e *Env, when string, d resource.Document) {
	t.Helper()
	got := s.f.Stored(t, e, d)
	for k, want := range s.f.WantStored {
		if g, ok := got[k]; !ok || g != want {
			// Values are test sentinels, so they may be shown.
			t.Errorf("%s: the tenant stores %s = %q, want %q", when, k, g, want)
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
