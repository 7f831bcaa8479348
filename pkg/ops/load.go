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
	commit := snap.Commit
	if commit == worktreeRev {
		// The working tree manages what its HEAD commit manages.
		if commit, err = repo.ResolveRev("HEAD"); errors.Is(err, store.ErrNoCommits) {
			commit = ""
		} else if err != nil {
			return snap, err
		}
	}
	if snap.Kinds, err = managedKinds(repo, reg, docs, commit, files); err != nil {
		return snap, err
	}
	return snap, nil
}

// managedKinds is the kinds a snapshot manages: those with documents, plus
// those it was exported with (see managedKindsAt).
func managedKinds(repo *store.Repo, reg *kinds.Registry, docs []resource.Document, commit string, files store.Files) ([]string, error) {
	set := map[string]bool{}
	for _, d := range docs {
		set[d.Kind] = true
	}
	exported, err := managedKindsAt(repo, reg, commit, files)
	if err != nil {
		return nil, err
	}
	for _, k := range exported {
		set[k] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// managedKindsAt reads which kinds the snapshot at commit was exported with,
// even those with zero resources: such a kind is still managed, so prune
// within it still works, while a kind never exported is left alone.
//
// The answer is the KindsTrailer of the export commit's message, taken from
// commit or its nearest first-parent ancestor that has one. A trailer travels
// with the commit wherever Git takes it: it is pushed and cloned with the
// branch (the runs ref may never be fetched), it never conflicts between
// branches, and a `git revert` or a merge, which makes a commit without one,
// is answered by the export it was made on. A repo written before the
// trailer existed kept a manifest file in the tree; it answers when no
// commit on the line has a trailer.
func managedKindsAt(repo *store.Repo, reg *kinds.Registry, commit string, files store.Files) ([]string, error) {
	if commit == "" {
		return nil, nil
	}
	value, found, err := repo.NearestTrailer(commit, KindsTrailer)
	if err != nil {
		return nil, err
	}
	var out []string
	if found {
		for _, f := range strings.Split(value, ",") {
			if h, ok := reg.Get(strings.TrimSpace(f)); ok {
				out = append(out, h.Kind())
			}
		}
		return out, nil
	}
	var m Manifest
	if json.Unmarshal(files[legacyManifestPath], &m) == nil {
		for _, k := range m.Kinds {
			if _, ok := reg.Get(k.Kind); ok && k.Status == KindOK {
				out = append(out, k.Kind)
			}
		}
	}
	return out, nil
}

// exportManaged is the trailer value of a new export commit: the kinds the
// base commit managed plus every kind read successfully now, as folders in
// registry order. A kind that failed or was not selected this time keeps
// its standing.
func exportManaged(repo *store.Repo, env Env, base string, baseFiles store.Files, reports []KindReport) ([]string, error) {
	prev, err := managedKindsAt(repo, env.Registry, base, baseFiles)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, k := range prev {
		set[k] = true
	}
	for _, r := range reports {
		if r.Status == KindOK {
			set[r.Kind] = true
		}
	}
	var out []string
	for _, h := range env.Registry.All() {
		if set[h.Kind()] {
			out = append(out, h.Folder())
		}
	}
	return out, nil
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

// liveKinds are the kinds readLive reads: those in scope plus the kinds
// references resolve against (users and groups), as the registry declares.
func liveKinds(env Env, hs []kinds.Handler) []string {
	return append(kinds.Kinds(hs), kinds.Kinds(env.Registry.Directories())...)
}

// readLive reads the kinds in scope from the tenant, plus the directory
// kinds, which every reference resolves against. Any failed read fails the whole
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
		return nil, fmt.Errorf("%w: %s", ErrPartialRead, strings.Join(errs, "; "))
	}
	return docs, nil
}

// ErrPartialRead is why plan, drift and apply refuse to act: a kind's read
// of the tenant failed, and a partial view must never pass for the tenant.
var ErrPartialRead = errors.New("could not read the tenant, refusing to act on a partial view")
