package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// CommitInfo summarizes one commit for `qlikops status`.
type CommitInfo struct {
	Hash    string    `json:"hash"`
	Message string    `json:"message"`
	Author  string    `json:"author"`
	When    time.Time `json:"when"`
}

// ResolveRev turns a commit-ish ("" or "HEAD", a branch, a tag, a full or
// short hash, "HEAD~1", "main^") into a full commit hash.
func (r *Repo) ResolveRev(rev string) (string, error) {
	c, err := r.resolveCommit(rev)
	if err != nil {
		return "", err
	}
	return c.Hash.String(), nil
}

func (r *Repo) resolveCommit(rev string) (c *object.Commit, err error) {
	r.freshen()
	if rev == "" {
		rev = "HEAD"
	}
	// rev comes from the user: a parser bug in a dependency must become an
	// error, never a crash (safety rule 8).
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("%w %q in %s", ErrUnknownRevision, rev, r.dir)
		}
	}()
	if rev == "HEAD" || strings.HasPrefix(rev, "HEAD~") || strings.HasPrefix(rev, "HEAD^") {
		if _, h, herr := r.headTarget(); herr == nil && h.IsZero() {
			return nil, fmt.Errorf("read %q in %s: %w", rev, r.dir, ErrNoCommits)
		}
	}
	if tooShortHash(rev) && !r.isRef(rev) {
		// go-git would expand a 0–3 digit prefix to any object; git needs 4.
		return nil, fmt.Errorf("%w %q in %s", ErrUnknownRevision, rev, r.dir)
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("%w %q in %s", ErrUnknownRevision, rev, r.dir)
	}
	c, err = r.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("%w %q in %s: %v", ErrUnknownRevision, rev, r.dir, err)
	}
	return c, nil
}

func tooShortHash(rev string) bool {
	base := rev
	if i := strings.IndexAny(rev, "~^@:{"); i >= 0 {
		base = rev[:i]
	}
	if len(base) >= 4 {
		return false
	}
	for _, ch := range base {
		if !strings.ContainsRune("0123456789abcdefABCDEF", ch) {
			return false
		}
	}
	return true
}

func (r *Repo) isRef(rev string) bool {
	base := rev
	if i := strings.IndexAny(rev, "~^@:{"); i >= 0 {
		base = rev[:i]
	}
	for _, rule := range plumbing.RefRevParseRules {
		if _, err := r.repo.Storer.Reference(plumbing.ReferenceName(fmt.Sprintf(rule, base))); err == nil {
			return true
		}
	}
	return false
}

// ReadRev reads every regular file of a revision straight from Git objects,
// without touching the working tree. Symlinks and submodules are skipped:
// qlikops never writes them, and their "content" is not a document.
func (r *Repo) ReadRev(rev string) (Files, error) {
	c, err := r.resolveCommit(rev)
	if err != nil {
		return nil, err
	}
	files := Files{}
	if err := r.readTree(c.TreeHash, "", files); err != nil {
		return nil, fmt.Errorf("read %q in %s: %w", rev, r.dir, err)
	}
	return files, nil
}

// readTree walks trees recursively itself (rather than Tree.Files) so it can
// skip non-regular entries and read blobs with a single object lookup each.
func (r *Repo) readTree(h plumbing.Hash, prefix string, out Files) error {
	t, err := object.GetTree(r.repo.Storer, h)
	if err != nil {
		return fmt.Errorf("tree %s%s: %w", prefix, h, err)
	}
	for _, e := range t.Entries {
		name := prefix + e.Name
		switch e.Mode {
		case filemode.Dir:
			if err := r.readTree(e.Hash, name+"/", out); err != nil {
				return err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			b, err := r.readBlob(e.Hash)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			out[name] = b
		}
	}
	return nil
}

func (r *Repo) readBlob(h plumbing.Hash) ([]byte, error) {
	obj, err := r.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var buf bytes.Buffer
	buf.Grow(int(obj.Size()))
	if _, err := io.Copy(&buf, rd); err != nil {
		return nil, err
	}
	if buf.Len() == 0 {
		return []byte{}, nil // an empty file is present, not nil
	}
	return buf.Bytes(), nil
}

// Log returns up to n commits reachable from HEAD, newest first
// (ErrNoCommits on an empty repo).
func (r *Repo) Log(n int) ([]CommitInfo, error) {
	c, err := r.resolveCommit("HEAD")
	if err != nil {
		return nil, err
	}
	iter := object.NewCommitPreorderIter(c, nil, nil)
	defer iter.Close()
	var out []CommitInfo
	for len(out) < n {
		c, err := iter.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("log in %s: %w", r.dir, err)
		}
		out = append(out, CommitInfo{
			Hash:    c.Hash.String(),
			Message: c.Message,
			Author:  c.Author.Name + " <" + c.Author.Email + ">",
			When:    c.Committer.When,
		})
	}
	return out, nil
}

// ToolCommit tells whether qlikops itself committed hash (the committer is
// the tool's identity, which CommitOptions never lets a caller change; a
// person who amends, cherry-picks or reverts the commit becomes its
// committer), with its message and parents.
func (r *Repo) ToolCommit(hash string) (tool bool, msg string, parents []string, err error) {
	r.freshen()
	c, err := r.repo.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		return false, "", nil, fmt.Errorf("read %s in %s: %w", hash, r.dir, err)
	}
	for _, p := range c.ParentHashes {
		parents = append(parents, p.String())
	}
	tool = c.Committer.Name == defaultName && c.Committer.Email == defaultEmail
	return tool, c.Message, parents, nil
}
