package store

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RunEntry is one record on the runs ref: the commit that holds it and its
// manifest.
type RunEntry struct {
	Hash     string
	Manifest []byte
}

// RunEntries returns the runs ref's tip and every record along its first
// parents, newest first. A repo without runs gives "" and no records.
func (r *Repo) RunEntries() (tip string, entries []RunEntry, err error) {
	r.freshen()
	ref, err := r.repo.Storer.Reference(RunsRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	commits, err := r.runChain(ref.Hash())
	if err != nil {
		return "", nil, err
	}
	for _, c := range commits {
		b, err := r.runManifest(c)
		if err != nil {
			return "", nil, err
		}
		entries = append(entries, RunEntry{Hash: c.Hash.String(), Manifest: b})
	}
	return ref.Hash().String(), entries, nil
}

func (r *Repo) runChain(h plumbing.Hash) ([]*object.Commit, error) {
	var out []*object.Commit
	for {
		c, err := r.repo.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
		}
		out = append(out, c)
		if len(c.ParentHashes) == 0 {
			return out, nil
		}
		h = c.ParentHashes[0]
	}
}

// beforeRunsMove runs between building the compacted chain and moving the
// ref; tests use it to stop a compaction at its most delicate point.
var beforeRunsMove = func() error { return nil }

// CompactRuns rewrites the runs ref, which must still point to tip, as a
// linear chain of the records keep accepts (by RunEntry.Hash), oldest first,
// each with its own tree, message, author and committer. The newest record
// is always kept: it is what status reads first.
//
// It is safe to kill at any moment: the new chain is written as new objects
// first and the ref moves last, by compare-and-swap from tip, so a reader
// sees the old chain or the new one, never a mix, and a run recorded in the
// meantime makes the move fail instead of being dropped. Records older than
// the first dropped one keep their commits unchanged. It returns the new tip
// and how many records were dropped; nothing is written when none is.
func (r *Repo) CompactRuns(tip string, keep func(hash string) bool) (newTip string, dropped int, err error) {
	r.freshen()
	old := plumbing.NewHash(tip)
	commits, err := r.runChain(old)
	if err != nil {
		return "", 0, err
	}
	var parent plumbing.Hash
	rewriting := false
	for i := len(commits) - 1; i >= 0; i-- {
		c := commits[i]
		if i > 0 && !keep(c.Hash.String()) {
			dropped++
			rewriting = true
			continue
		}
		if !rewriting {
			parent = c.Hash
			continue
		}
		if parent, err = r.rewriteRun(c, parent); err != nil {
			return "", 0, fmt.Errorf("compact %s in %s: %w", RunsRef, r.dir, err)
		}
	}
	if dropped == 0 {
		return tip, 0, nil
	}
	if err := beforeRunsMove(); err != nil {
		return "", 0, err
	}
	if err := r.moveRef(RunsRef, old, parent); err != nil {
		return "", 0, err
	}
	return parent.String(), dropped, nil
}

// rewriteRun stores a copy of run record c on top of parent (zero: a root).
func (r *Repo) rewriteRun(c *object.Commit, parent plumbing.Hash) (plumbing.Hash, error) {
	n := &object.Commit{Author: c.Author, Committer: c.Committer, Message: c.Message, TreeHash: c.TreeHash}
	if !parent.IsZero() {
		n.ParentHashes = []plumbing.Hash{parent}
	}
	obj := r.repo.Storer.NewEncodedObject()
	if err := n.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}
