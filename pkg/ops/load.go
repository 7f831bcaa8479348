package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
	"github.com/qlikops/qlikops/pkg/store"
)

// Snapshot is the desired state read from one revision (or the working tree).
type Snapshot struct {
	Commit string
	Docs   []resource.Document
	// Kinds are the kinds this snapshot manages: those with files, plus
	// those its manifest says were exported (a kind exported with zero
	// resources is still managed).
	Kinds []string
	// files and sources are the revision's files and the file of each
	// document, kept to locate a field for an error found after decoding.
	files   store.Files
	sources snapshot.Sources
}

// check runs the kinds' own rules, those a JSON Schema cannot express,
// with the same file, line and field errors as schema validation.
func (s Snapshot) check(reg *kinds.Registry) error {
	var errs []error
	for _, d := range s.Docs {
		for _, p := range reg.Check(d) {
			path := s.sources[d.Key()]
			errs = append(errs, snapshot.FieldAt(path, s.files[path], p.Field, p.Msg))
		}
	}
	return errors.Join(errs...)
}

// locate finds the file and line of a field of one of the snapshot's
// documents, for errors found after decoding (references, checks across
// fields).
func (s Snapshot) locate(k resource.Key, field string) (string, int) {
	p, ok := s.sources[k]
	if !ok {
		return "", 0
	}
	return p, snapshot.FieldAt(p, s.files[p], field, "").Line
}

// worktreeRev names the working tree where a revision is expected.
const worktreeRev = "WORKTREE"

// LoadSnapshot reads and validates every document of a revision straight
// from Git objects. rev "" means HEAD; "WORKTREE" means the working tree.
func LoadSnapshot(repo *store.Repo, reg *kinds.Registry, rev string) (Snapshot, error) {
	var files store.Files
	var err error
	snap := Snapshot{}
	if rev == worktreeRev {
		files, err = repo.ReadWorktree()
		snap.Commit = worktreeRev
	} else {
		if rev == "" {
			rev = "HEAD"
		}
		if snap.Commit, err = repo.ResolveRev(rev); err == nil {
			files, err = repo.ReadRev(rev)
		}
	}
	if errors.Is(err, store.ErrNoCommits) {
		return snap, fmt.Errorf("%s has no commits yet: run qlikops export first", repo.Dir())
	}
	if err != nil {
		return snap, err
	}
	all := kinds.Kinds(reg.All())
	docs, sources, err := snapshot.DecodeSources(reg, all, files)
	if err != nil {
		return snap, err
	}
	snap.Docs, snap.files, snap.sources = docs, files, sources
	if err := snap.check(reg); err != nil {
		return snap, err
	}
	snap.Kinds = managedKinds(reg, docs, files[ManifestPath])
	return snap, nil
}

func managedKinds(reg *kinds.Registry, docs []resource.Document, manifest []byte) []string {
	set := map[string]bool{}
	for _, d := range docs {
		set[d.Kind] = true
	}
	var m Manifest
	if json.Unmarshal(manifest, &m) == nil {
		for _, k := range m.Kinds {
			if _, ok := reg.Get(k.Kind); ok && k.Status == KindOK {
				set[k.Kind] = true
			}
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// scope is the kinds a command acts on: selected by flags and managed by the
// snapshot. A kind missing from the snapshot is not managed and left alone.
func scope(env Env, snap Snapshot) ([]kinds.Handler, error) {
	hs, err := env.Registry.Select(env.Include, env.Exclude)
	if err != nil {
		return nil, err
	}
	managed := map[string]bool{}
	for _, k := range snap.Kinds {
		managed[k] = true
	}
	var out []kinds.Handler
	for _, h := range hs {
		if managed[h.Kind()] {
			out = append(out, h)
		}
	}
	return out, nil
}

// liveKinds are the kinds readLive reads: those in scope plus users and
// groups.
func liveKinds(env Env, hs []kinds.Handler) []string {
	out := kinds.Kinds(hs)
	for _, name := range []string{"Group", "User"} {
		if h, ok := env.Registry.Get(name); ok {
			out = append(out, h.Kind())
		}
	}
	return out
}

// readLive reads the kinds in scope from the tenant, plus users and groups,
// which every reference resolves against. Any failed read fails the whole
// command: a kind that could not be read is never treated as empty.
func readLive(ctx context.Context, env Env, t *kinds.Tenant, hs []kinds.Handler) ([]resource.Document, error) {
	need := map[string]bool{}
	for _, k := range liveKinds(env, hs) {
		need[k] = true
	}
	var docs []resource.Document
	var errs []string
	for _, h := range env.Registry.All() {
		if !need[h.Kind()] {
			continue
		}
		d, err := readKind(ctx, t, h)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s", h.Folder(), oneLine(err)))
			continue
		}
		docs = append(docs, d...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("could not read the tenant, refusing to act on a partial view: %s", strings.Join(errs, "; "))
	}
	return docs, nil
}
