package store

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// RunsRef is the side ref holding one commit per qlikops run. It lives outside
// refs/heads so the snapshot branch holds only real changes, yet it is an
// ordinary ref: `git push origin 'refs/qlikops/*:refs/qlikops/*'` backs it up.
const RunsRef = plumbing.ReferenceName("refs/qlikops/runs")

const runFile = "manifest.json"

// RecordRun appends a commit to RunsRef whose tree holds only manifest.json
// with the given bytes. It never touches HEAD, the branch, the index or the
// working tree.
func (r *Repo) RecordRun(manifest []byte, msg string, opts CommitOptions) (string, error) {
	r.freshen()
	if msg == "" {
		msg = "qlikops run"
	}
	var parent plumbing.Hash
	var parents []plumbing.Hash
	ref, err := r.repo.Storer.Reference(RunsRef)
	switch {
	case err == nil:
		parent = ref.Hash()
		parents = []plumbing.Hash{parent}
	case !errors.Is(err, plumbing.ErrReferenceNotFound):
		return "", fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	blob, err := r.putObject(plumbing.BlobObject, manifest)
	if err != nil {
		return "", fmt.Errorf("record run in %s: %w", r.dir, err)
	}
	tree, err := r.writeTree(map[string]object.TreeEntry{
		runFile: {Name: runFile, Mode: filemode.Regular, Hash: blob},
	}, plumbing.ZeroHash)
	if err != nil {
		return "", fmt.Errorf("record run in %s: %w", r.dir, err)
	}
	h, err := r.writeCommit(tree, parents, msg, opts)
	if err != nil {
		return "", fmt.Errorf("record run in %s: %w", r.dir, err)
	}
	if err := r.moveRef(RunsRef, parent, h); err != nil {
		return "", err
	}
	return h.String(), nil
}

// LastRun returns the manifest of the newest run record, or ErrNoRuns.
func (r *Repo) LastRun() ([]byte, error) {
	r.freshen()
	ref, err := r.repo.Storer.Reference(RunsRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, ErrNoRuns)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	return r.runManifest(c)
}

// Runs returns the manifests of the newest run records, newest first, at most
// limit of them (0 means all). Records are read along the runs ref's first
// parents. A repo without runs gives an empty list, not an error.
func (r *Repo) Runs(limit int) ([][]byte, error) {
	r.freshen()
	ref, err := r.repo.Storer.Reference(RunsRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	var out [][]byte
	h := ref.Hash()
	for limit <= 0 || len(out) < limit {
		c, err := r.repo.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
		}
		b, err := r.runManifest(c)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	return out, nil
}

func (r *Repo) runManifest(c *object.Commit) ([]byte, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", RunsRef, r.dir, err)
	}
	e, err := t.FindEntry(runFile)
	if err != nil {
		return nil, fmt.Errorf("read %s:%s in %s: %w", RunsRef, runFile, r.dir, err)
	}
	b, err := r.readBlob(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("read %s:%s in %s: %w", RunsRef, runFile, r.dir, err)
	}
	return b, nil
}
