package ops

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
	"github.com/qlikops/qlikops/pkg/store"
)

// Change actions in history and find.
const (
	ActionAdded   = "added"
	ActionChanged = "changed"
	ActionRemoved = "removed"
)

// ChangedBy is one Changed-by trailer of a commit, for one resource: who
// (an email, or "unknown" with why) and when.
type ChangedBy struct {
	Who     string     `json:"who"`
	At      *time.Time `json:"at,omitempty"`
	Unknown string     `json:"unknown,omitempty"`
}

// HistoryEntry is one snapshot in which a resource changed.
type HistoryEntry struct {
	Commit  string    `json:"commit"`
	When    time.Time `json:"when"`
	Subject string    `json:"subject"`
	Action  string    `json:"action"` // added | changed | removed
	// ChangedBy comes from the commit's trailers; empty when the commit has
	// none for the resource (an older qlikops, or the repo's first export).
	ChangedBy []ChangedBy        `json:"changedBy"`
	Fields    []diff.Field       `json:"fields"`
	Key       resource.Key       `json:"-"`
	Document  *resource.Document `json:"-"`
}

// HistoryOptions selects what History reads.
type HistoryOptions struct {
	Ref      string // where the walk starts ("" = HEAD)
	Resource string // KIND/NAME, or KIND/SPACE/NAME for kinds in spaces
	Limit    int    // at most this many entries (0 = all)
}

// History lists the snapshots in which one resource changed, newest first,
// with who changed it (Changed-by trailers) and the field-level diff. It
// reads only the repo, and only the commits that touched the resource's
// files.
func History(env Env, o HistoryOptions) (resource.Key, []HistoryEntry, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return resource.Key{}, nil, err
	}
	key, err := ParseResource(env.Registry, o.Resource)
	if err != nil {
		return key, nil, err
	}
	docPath := snapshot.PathOf(env.Registry, resource.Document{Kind: key.Kind, Metadata: resource.Metadata{Name: key.Name, Space: key.Space}})
	label := keyLabel(key)
	var out []HistoryEntry
	err = repo.WalkChanges(refOrHead(o.Ref), []string{env.Registry.Folder(key.Kind)}, func(c store.CommitChange) error {
		if !touches(env.Registry, key.Kind, docPath, c.Paths) {
			return nil
		}
		e, ok, err := changeAt(repo, env.Registry, c, key.Kind, docPath)
		if err != nil || !ok {
			return err
		}
		e.ChangedBy = trailersFor(c.Message, label)
		out = append(out, e)
		if o.Limit > 0 && len(out) >= o.Limit {
			return store.ErrStopWalk
		}
		return nil
	})
	return key, out, err
}

// ParseResource reads KIND/NAME (KIND/SPACE/NAME for a kind that lives in
// spaces); the kind is any spelling the registry takes.
func ParseResource(reg *kinds.Registry, s string) (resource.Key, error) {
	kind, rest, ok := strings.Cut(s, "/")
	if !ok || rest == "" {
		return resource.Key{}, fmt.Errorf("%q: want KIND/NAME, e.g. Space/Finance or DataConnection/Finance/Snowflake", s)
	}
	h, found := reg.Get(kind)
	if !found {
		return resource.Key{}, fmt.Errorf("%q: no kind %q", s, kind)
	}
	k := resource.Key{Kind: h.Kind(), Name: rest}
	if h.Declared().SpaceField != "" {
		space, name, ok := strings.Cut(rest, "/")
		if !ok || name == "" {
			return k, fmt.Errorf("%q: a %s lives in a space: want %s/SPACE/NAME", s, h.Kind(), h.Kind())
		}
		k.Space, k.Name = space, name
	}
	return k, nil
}

func keyLabel(k resource.Key) string {
	if k.Space != "" {
		return k.Kind + " " + k.Space + "/" + k.Name
	}
	return k.Kind + " " + k.Name
}

func refOrHead(ref string) string {
	if ref == "" {
		return "HEAD"
	}
	return ref
}

// touches reports whether a changed path is the document at docPath or
// one of its side files.
func touches(reg *kinds.Registry, kind, docPath string, paths []string) bool {
	for _, p := range paths {
		if p == docPath || ownFile(reg, kind, docPath, p) {
			return true
		}
	}
	return false
}

// ownFile reports whether p is a side file of the document at docPath.
func ownFile(reg *kinds.Registry, kind, docPath, p string) bool {
	fl := reg.Files(kind)
	if fl.Bundle != "" {
		return strings.HasPrefix(p, path.Dir(docPath)+"/")
	}
	base := strings.TrimSuffix(docPath, ".yaml")
	for _, s := range fl.SideFiles {
		if p == base+"."+s {
			return true
		}
	}
	return false
}

// docAt reads the document at docPath in commit, with its side files;
// false when the commit does not have it.
func docAt(repo *store.Repo, reg *kinds.Registry, commit, kind, docPath string) (*resource.Document, error) {
	if commit == "" {
		return nil, nil
	}
	fl := reg.Files(kind)
	var paths, dirs []string
	if fl.Bundle != "" {
		dirs = []string{path.Dir(docPath)}
	} else {
		paths = []string{docPath}
		base := strings.TrimSuffix(docPath, ".yaml")
		for _, s := range fl.SideFiles {
			paths = append(paths, base+"."+s)
		}
	}
	files, err := repo.ReadPaths(commit, paths, dirs)
	if err != nil {
		return nil, err
	}
	if _, ok := files[docPath]; !ok {
		return nil, nil
	}
	// Kinds that share a folder (tenant/) are told apart by the document.
	var inFolder []string
	for _, h := range reg.All() {
		if reg.Folder(h.Kind()) == reg.Folder(kind) {
			inFolder = append(inFolder, h.Kind())
		}
	}
	docs, err := snapshot.Decode(reg, inFolder, files)
	if err != nil {
		return nil, fmt.Errorf("at %.12s: %w", commit, err)
	}
	if len(docs) == 1 {
		return &docs[0], nil
	}
	return nil, nil
}

// changeAt compares the document at docPath in c with c's parent.
func changeAt(repo *store.Repo, reg *kinds.Registry, c store.CommitChange, kind, docPath string) (HistoryEntry, bool, error) {
	newDoc, err := docAt(repo, reg, c.Hash, kind, docPath)
	if err != nil {
		return HistoryEntry{}, false, err
	}
	oldDoc, err := docAt(repo, reg, c.Parent, kind, docPath)
	if err != nil {
		return HistoryEntry{}, false, err
	}
	e := HistoryEntry{Commit: c.Hash, When: c.When, Subject: subjectOf(c.Message), Action: ActionChanged}
	switch {
	case newDoc == nil && oldDoc == nil:
		return e, false, nil
	case oldDoc == nil:
		e.Action, e.Document = ActionAdded, newDoc
	case newDoc == nil:
		e.Action, e.Document = ActionRemoved, oldDoc
	default:
		e.Document = newDoc
		e.Fields = diff.Fields(*oldDoc, *newDoc)
		if len(e.Fields) == 0 {
			return e, false, nil // a file rewritten to the same document
		}
	}
	e.Key = e.Document.Key()
	return e, true, nil
}

func subjectOf(msg string) string {
	s, _, _ := strings.Cut(msg, "\n")
	return s
}

// trailersFor reads the Changed-by trailers a commit message has for the
// resource labelled label.
func trailersFor(msg, label string) []ChangedBy {
	out := []ChangedBy{}
	for _, l := range strings.Split(msg, "\n") {
		v, ok := strings.CutPrefix(l, ChangedByTrailer+": ")
		if !ok {
			continue
		}
		who, res, at, why, ok := ParseChangedBy(v)
		if !ok || res != trailerSafe(label) {
			continue
		}
		cb := ChangedBy{Who: who, Unknown: why}
		if !at.IsZero() {
			at := at
			cb.At = &at
		}
		out = append(out, cb)
	}
	return out
}
