package store

import (
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

var tagOpts = git.CreateTagOptions{Message: "release 2", Tagger: &object.Signature{Name: "T", Email: "t@example.com", When: testOpts.When}}

func hashOf(t *testing.T, s string) plumbing.Hash {
	t.Helper()
	h := plumbing.NewHash(s)
	if h.IsZero() {
		t.Fatalf("bad hash %q", s)
	}
	return h
}

func writeBranch(t *testing.T, r *Repo, name, h string) {
	t.Helper()
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), hashOf(t, h))
	if err := r.repo.Storer.SetReference(ref); err != nil {
		t.Fatal(err)
	}
}
