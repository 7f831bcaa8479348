package store

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrStopWalk, returned by a WalkChanges callback, ends the walk without
// an error.
var ErrStopWalk = errors.New("stop walking")

// CommitChange is one commit of a history walk and the files it changed
// against its first parent.
type CommitChange struct {
	Hash, Parent            string // Parent is "" for a root commit
	AuthorName, AuthorEmail string
	When                    time.Time // the author's time
	Message                 string
	Paths                   []string // changed files (added, modified or removed), sorted
}

// WalkChanges walks the first-parent history of rev, newest first, and
// calls fn for each commit that changed a file under one of folders (every
// folder when folders is nil), with those files. Only the trees that
// differ are compared: a folder whose tree hash is the parent's costs one
// lookup, so a walk's cost follows the changes, not the snapshot's size.
func (r *Repo) WalkChanges(rev string, folders []string, fn func(CommitChange) error) error {
	c, err := r.resolveCommit(rev)
	if err != nil {
		return err
	}
	for c != nil {
		var parent *object.Commit
		if len(c.ParentHashes) > 0 {
			if parent, err = r.repo.CommitObject(c.ParentHashes[0]); err != nil {
				return fmt.Errorf("read history of %q in %s: %w", rev, r.dir, err)
			}
		}
		paths, err := r.changedUnder(parent, c, folders)
		if err != nil {
			return fmt.Errorf("compare %.12s with its parent in %s: %w", c.Hash, r.dir, err)
		}
		if len(paths) > 0 {
			cc := CommitChange{Hash: c.Hash.String(), AuthorName: c.Author.Name, AuthorEmail: c.Author.Email,
				When: c.Author.When, Message: c.Message, Paths: paths}
			if parent != nil {
				cc.Parent = parent.Hash.String()
			}
			if err := fn(cc); errors.Is(err, ErrStopWalk) {
				return nil
			} else if err != nil {
				return err
			}
		}
		c = parent
	}
	return nil
}

// changedUnder lists the files that differ between parent (nil: none) and
// c under folders.
func (r *Repo) changedUnder(parent, c *object.Commit, folders []string) ([]string, error) {
	if folders == nil {
		folders = []string{""}
	}
	var out []string
	for _, f := range folders {
		a, err := subtree(parent, f)
		if err != nil {
			return nil, err
		}
		b, err := subtree(c, f)
		if err != nil {
			return nil, err
		}
		if a == nil && b == nil || a != nil && b != nil && a.Hash == b.Hash {
			continue
		}
		changes, err := object.DiffTree(a, b)
		if err != nil {
			return nil, err
		}
		for _, ch := range changes {
			name := ch.To.Name
			if name == "" {
				name = ch.From.Name
			}
			out = append(out, path.Join(f, name))
		}
	}
	sort.Strings(out)
	return out, nil
}

// subtree is the tree at folder in c ("" the root), nil when c is nil or
// has no such folder.
func subtree(c *object.Commit, folder string) (*object.Tree, error) {
	if c == nil {
		return nil, nil
	}
	t, err := c.Tree()
	if err != nil || folder == "" {
		return t, err
	}
	sub, err := t.Tree(folder)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, nil
	}
	return sub, err
}

// ReadPaths reads, at commit, the files of paths that exist and every file
// under dirs. A path or dir that is not there is left out.
func (r *Repo) ReadPaths(commit string, paths, dirs []string) (Files, error) {
	c, err := r.resolveCommit(commit)
	if err != nil {
		return nil, err
	}
	t, err := c.Tree()
	if err != nil {
		return nil, err
	}
	out := Files{}
	for _, p := range paths {
		e, err := t.FindEntry(p)
		if err != nil || !regularMode(e.Mode) {
			continue
		}
		b, err := r.readBlob(e.Hash)
		if err != nil {
			return nil, fmt.Errorf("%s at %.12s: %w", p, commit, err)
		}
		out[p] = b
	}
	for _, d := range dirs {
		e, err := t.FindEntry(strings.TrimSuffix(d, "/"))
		if err != nil || e.Mode != filemode.Dir {
			continue
		}
		if err := r.readTree(e.Hash, strings.TrimSuffix(d, "/")+"/", out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func regularMode(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}
