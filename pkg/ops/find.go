package ops

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/store"
)

// FindOptions are the filters of qlikops find. Empty ones match anything.
type FindOptions struct {
	Ref   string // where the walk starts ("" = HEAD)
	Kind  string // any spelling the registry takes
	Name  string // a glob (path.Match), case-insensitive
	Owner string // an email: spec.owner is user:EMAIL
	Space string // the space a resource lives in (or, for a Space, its name)
	// Field keeps changes that touch this field path or one under it
	// (spec.description, spec.members).
	Field string
	Since time.Time // only commits at or after this time (zero = all)
	Limit int       // at most this many commits (0 = all)
}

// FoundResource is one matching resource of a commit.
type FoundResource struct {
	Kind      string      `json:"kind"`
	Space     string      `json:"space,omitempty"`
	Name      string      `json:"name"`
	Action    string      `json:"action"` // added | changed | removed
	Fields    []string    `json:"fields,omitempty"`
	ChangedBy []ChangedBy `json:"changedBy"`
	// RestoreFrom is the newest snapshot that has the resource: this
	// commit, or for a removal its parent.
	RestoreFrom string `json:"restoreFrom"`
}

// FindHit is one snapshot in which matching resources changed.
type FindHit struct {
	Commit    string          `json:"commit"`
	When      time.Time       `json:"when"`
	Subject   string          `json:"subject"`
	Resources []FoundResource `json:"resources"`
}

// Find walks the snapshot history newest first and lists the commits in
// which a resource matching the filters was added, changed or removed,
// and what changed: the recovery points of that resource. It reads only
// the repo; a commit's files are read only for the documents it changed.
func Find(env Env, o FindOptions) ([]FindHit, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return nil, err
	}
	var folders []string
	kind := ""
	if o.Kind != "" {
		h, ok := env.Registry.Get(o.Kind)
		if !ok {
			return nil, fmt.Errorf("--kind %q: no such kind", o.Kind)
		}
		kind = h.Kind()
		folders = []string{env.Registry.Folder(kind)}
	}
	if o.Name != "" {
		if _, err := path.Match(strings.ToLower(o.Name), ""); err != nil {
			return nil, fmt.Errorf("--name %q: %w", o.Name, err)
		}
	}
	var hits []FindHit
	err = repo.WalkChanges(refOrHead(o.Ref), folders, func(c store.CommitChange) error {
		if !o.Since.IsZero() && c.When.Before(o.Since) {
			return store.ErrStopWalk
		}
		found, err := findIn(repo, env.Registry, c, kind, o)
		if err != nil || len(found) == 0 {
			return err
		}
		hits = append(hits, FindHit{Commit: c.Hash, When: c.When, Subject: subjectOf(c.Message), Resources: found})
		if o.Limit > 0 && len(hits) >= o.Limit {
			return store.ErrStopWalk
		}
		return nil
	})
	return hits, err
}

// findIn lists the matching resources one commit changed.
func findIn(repo *store.Repo, reg *kinds.Registry, c store.CommitChange, kind string, o FindOptions) ([]FoundResource, error) {
	exists := func(d string) bool {
		for _, commit := range []string{c.Hash, c.Parent} {
			if commit == "" {
				continue
			}
			if f, err := repo.ReadPaths(commit, []string{d}, nil); err == nil && len(f) > 0 {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	var out []FoundResource
	for _, p := range c.Paths {
		d, ok := docOf(reg, p, exists)
		if !ok || seen[d] {
			continue
		}
		seen[d] = true
		h, ok := handlerOfPath(reg, d)
		if !ok {
			continue
		}
		e, ok, err := changeAt(repo, reg, c, h.Kind(), d)
		if err != nil {
			return nil, err
		}
		if !ok || kind != "" && e.Key.Kind != kind || !matches(*e.Document, e.Fields, o) {
			continue
		}
		f := FoundResource{Kind: e.Key.Kind, Space: e.Key.Space, Name: e.Key.Name, Action: e.Action,
			ChangedBy: trailersFor(c.Message, keyLabel(e.Key)), RestoreFrom: c.Hash}
		for _, fd := range e.Fields {
			f.Fields = append(f.Fields, fd.Path)
		}
		if e.Action == ActionRemoved {
			f.RestoreFrom = c.Parent
		}
		out = append(out, f)
	}
	return out, nil
}

func handlerOfPath(reg *kinds.Registry, docPath string) (kinds.Handler, bool) {
	top, _, _ := strings.Cut(docPath, "/")
	for _, h := range reg.All() {
		if reg.Folder(h.Kind()) == top {
			return h, true // kinds that share a folder (tenant/): docAt tells them apart
		}
	}
	return nil, false
}

// matches applies the name, owner, space and field filters.
func matches(d resource.Document, fields []diff.Field, o FindOptions) bool {
	if o.Name != "" {
		if ok, _ := path.Match(strings.ToLower(o.Name), strings.ToLower(d.Metadata.Name)); !ok {
			return false
		}
	}
	if o.Owner != "" {
		owner, _ := d.Spec["owner"].(string)
		if !strings.EqualFold(strings.TrimPrefix(owner, "user:"), strings.TrimPrefix(o.Owner, "user:")) {
			return false
		}
	}
	if o.Space != "" && d.Metadata.Space != o.Space && !(d.Kind == "Space" && d.Metadata.Name == o.Space) {
		return false
	}
	if o.Field != "" {
		hit := false
		for _, f := range fields {
			if f.Path == o.Field || strings.HasPrefix(f.Path, o.Field+".") || strings.HasPrefix(f.Path, o.Field+"[") {
				hit = true
			}
		}
		return hit
	}
	return true
}

var sinceRE = regexp.MustCompile(`^(\d+)([dhmw])$`)

// ParseSince reads --changed-since: a span back from now (30d, 12h, 2w,
// 90m) or a date (2026-12-01) or time (RFC 3339).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if m := sinceRE.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--changed-since %q: want a span such as 30d, 12h, 2w, or a date 2026-12-01", s)
}
