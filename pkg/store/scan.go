package store

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// VisitBlobs reads the regular files of many commits, each distinct tree
// and blob once: snapshots of one repo share nearly all of their subtrees,
// so scanning sixty kept snapshots of a 10,000-file repo costs about one
// snapshot plus what changed, not sixty. match judges a file by its base
// name (a shared subtree is walked once, whatever path it appears under);
// visit gets the path it was first seen at and the content. A commit or
// object that cannot be read is an error: the caller must not act on a
// partial scan.
func (r *Repo) VisitBlobs(commits []string, match func(name string) bool, visit func(path string, data []byte) error) error {
	r.freshen()
	seen := map[plumbing.Hash]bool{}
	for _, h := range commits {
		c, err := r.repo.CommitObject(plumbing.NewHash(h))
		if err != nil {
			return fmt.Errorf("read commit %s in %s: %w", h, r.dir, err)
		}
		if err := r.visitTree(c.TreeHash, "", seen, match, visit); err != nil {
			return fmt.Errorf("read commit %.12s in %s: %w", h, r.dir, err)
		}
	}
	return nil
}

func (r *Repo) visitTree(h plumbing.Hash, prefix string, seen map[plumbing.Hash]bool, match func(string) bool, visit func(string, []byte) error) error {
	if seen[h] {
		return nil
	}
	seen[h] = true
	t, err := object.GetTree(r.repo.Storer, h)
	if err != nil {
		return fmt.Errorf("tree %s%s: %w", prefix, h, err)
	}
	for _, e := range t.Entries {
		name := prefix + e.Name
		switch e.Mode {
		case filemode.Dir:
			if err := r.visitTree(e.Hash, name+"/", seen, match, visit); err != nil {
				return err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			if seen[e.Hash] || !match(e.Name) {
				continue
			}
			seen[e.Hash] = true
			b, err := r.readBlob(e.Hash)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := visit(name, b); err != nil {
				return err
			}
		}
	}
	return nil
}
