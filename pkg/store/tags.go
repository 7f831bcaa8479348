package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Tags returns the lightweight and annotated tags whose short name starts
// with prefix, as short name → the commit they point to (an annotated tag is
// peeled to its commit).
func (r *Repo) Tags(prefix string) (map[string]string, error) {
	r.freshen()
	iter, err := r.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("list tags in %s: %w", r.dir, err)
	}
	out := map[string]string{}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if !ref.Name().IsTag() || ref.Type() != plumbing.HashReference {
			return nil
		}
		short := ref.Name().Short()
		if !strings.HasPrefix(short, prefix) {
			return nil
		}
		h := ref.Hash()
		if tag, err := r.repo.TagObject(h); err == nil {
			h = tag.Target
		}
		out[short] = h.String()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tags in %s: %w", r.dir, err)
	}
	return out, nil
}

// SetTag points the lightweight tag name (a short name such as
// qlikops/daily/2026-12-07) at commit, only if it still points to old (""
// when it must not exist yet), so a concurrent writer is detected.
func (r *Repo) SetTag(name, old, commit string) error {
	ref := plumbing.NewTagReferenceName(name)
	if err := ref.Validate(); err != nil || name == "" {
		return fmt.Errorf("invalid tag name %q", name)
	}
	if _, err := r.repo.CommitObject(plumbing.NewHash(commit)); err != nil {
		return fmt.Errorf("tag %s in %s: commit %s: %w", name, r.dir, commit, err)
	}
	var oldHash plumbing.Hash
	if old != "" {
		oldHash = plumbing.NewHash(old)
	}
	return r.moveRef(ref, oldHash, plumbing.NewHash(commit))
}

// DeleteTag removes the tag name if it still points to old. go-git has no
// compare-and-delete; the check and the removal are two steps, which is safe
// because callers hold the repo lock.
func (r *Repo) DeleteTag(name, old string) error {
	ref := plumbing.NewTagReferenceName(name)
	cur, err := r.repo.Storer.Reference(ref)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read tag %s in %s: %w", name, r.dir, err)
	}
	h := cur.Hash()
	if tag, err := r.repo.TagObject(h); err == nil {
		h = tag.Target
	}
	if h.String() != old {
		return fmt.Errorf("delete tag %s in %s: it moved to %.12s since it was read", name, r.dir, h)
	}
	if err := r.repo.Storer.RemoveReference(ref); err != nil {
		return fmt.Errorf("delete tag %s in %s: %w", name, r.dir, err)
	}
	return nil
}

// BranchTips returns every local branch's commit, short name → hash: what
// retention must never let go of, whatever the policy says.
func (r *Repo) BranchTips() (map[string]string, error) {
	r.freshen()
	iter, err := r.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("list branches in %s: %w", r.dir, err)
	}
	out := map[string]string{}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Name().IsBranch() && ref.Type() == plumbing.HashReference {
			out[ref.Name().Short()] = ref.Hash().String()
		}
		return nil
	})
	if err != nil && !errors.Is(err, storer.ErrStop) {
		return nil, fmt.Errorf("list branches in %s: %w", r.dir, err)
	}
	return out, nil
}
