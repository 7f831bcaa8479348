package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// CommitOptions sets author and committer. Name and Email are the author;
// the committer is always qlikops, the tool that wrote the commit, so `git
// log --format='%an %cn'` tells who asked from what did it. Empty fields get
// defaults (qlikops <qlikops@localhost>, now) because git fsck rejects an
// empty email.
type CommitOptions struct {
	Name, Email string
	When        time.Time
}

func (o CommitOptions) signature() object.Signature {
	s := object.Signature{Name: o.Name, Email: o.Email, When: o.When}
	if s.Name == "" {
		s.Name = defaultName
	}
	if s.Email == "" {
		s.Email = defaultEmail
	}
	if s.When.IsZero() {
		s.When = time.Now()
	}
	return s
}

func (o CommitOptions) committer() object.Signature {
	return CommitOptions{When: o.When}.signature()
}

const (
	defaultName  = "qlikops"
	defaultEmail = "qlikops@localhost"
)

// stageOp says what a commit does with one path.
type stageOp int

const (
	opPut        stageOp = iota // the path is a file: store its bytes
	opDelete                    // nothing is there: drop the entry, file or folder
	opDeleteFile                // a folder is there now: drop a file entry only
)

type staged struct {
	path string
	op   stageOp
	hash plumbing.Hash
	mode filemode.FileMode
	info os.FileInfo // for the index entry (opPut only)
}

// Commit stages exactly paths (adds and removals, as found in the working
// tree) and commits them on the branch HEAD points to.
//
// Design choice, for speed: it never calls worktree.Status or Worktree.Add,
// which hash or stat the whole tree. It edits the HEAD tree directly, reading
// and rewriting only the tree objects on the paths that changed, then writes
// the commit and moves the branch with compare-and-swap. The index is updated
// for the same paths so `git status` stays clean; other index entries,
// including changes a user staged, are kept as they are.
func (r *Repo) Commit(paths []string, msg string, opts CommitOptions) (string, bool, error) {
	r.freshen()
	if strings.TrimSpace(msg) == "" {
		return "", false, fmt.Errorf("commit in %s: empty commit message", r.dir)
	}
	branch, parent, err := r.headTarget()
	if err != nil {
		return "", false, err
	}
	items, err := r.stage(paths)
	if err != nil {
		return "", false, err
	}
	idx, err := r.loadIndex()
	if err != nil {
		return "", false, err
	}
	var base plumbing.Hash
	if !parent.IsZero() {
		pc, err := r.repo.CommitObject(parent)
		if err != nil {
			return "", false, fmt.Errorf("read %s in %s: %w", branch, r.dir, err)
		}
		base = pc.TreeHash
	}
	tree, n, err := r.editTree(base, buildEdit(items))
	if err != nil {
		return "", false, fmt.Errorf("commit in %s: %w", r.dir, err)
	}
	if tree == base || (parent.IsZero() && n == 0) {
		if err := r.syncIndex(idx, items); err != nil {
			return "", false, err
		}
		return "", false, r.forgetWrites(items)
	}
	var parents []plumbing.Hash
	if !parent.IsZero() {
		parents = []plumbing.Hash{parent}
	}
	h, err := r.writeCommit(tree, parents, msg, opts)
	if err != nil {
		return "", false, fmt.Errorf("commit in %s: %w", r.dir, err)
	}
	if err := r.moveRef(branch, parent, h); err != nil {
		return "", false, err
	}
	// A kill here leaves the branch moved and the index behind; the next
	// WriteTree repairs it (repairIndex).
	crashPoint("branch moved")
	if err := r.syncIndex(idx, items); err != nil {
		return h.String(), true, err
	}
	return h.String(), true, r.forgetWrites(items)
}

// stage reads each path from the working tree and stores new blobs.
func (r *Repo) stage(paths []string) ([]staged, error) {
	seen := map[string]bool{}
	var out []staged
	batch := r.newBlobBatch()
	// A non-folder parent just means the path is gone; a symlinked one
	// would let us commit content from outside the repo.
	parents := newParentChecker(r.dir, func(string) bool { return true })
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		if err := checkPath(p); err != nil {
			return nil, err
		}
		if err := parents.check(p); err != nil {
			return nil, err
		}
		s, err := r.stageOne(p, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := batch.flush(); err != nil {
		return nil, fmt.Errorf("stage in %s: %w", r.dir, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func (r *Repo) stageOne(p string, batch *blobBatch) (staged, error) {
	fi, err := os.Lstat(r.abs(p))
	switch {
	case missing(err):
		return staged{path: p, op: opDelete}, nil
	case err != nil:
		return staged{}, fmt.Errorf("stage %s: %w", p, err)
	case fi.IsDir():
		return staged{path: p, op: opDeleteFile}, nil
	case !fi.Mode().IsRegular():
		return staged{}, fmt.Errorf("stage %s: not a regular file (symlinks are not committed)", p)
	}
	data, err := os.ReadFile(r.abs(p))
	if err != nil {
		return staged{}, fmt.Errorf("stage %s: %w", p, err)
	}
	h, err := batch.add(data)
	if err != nil {
		return staged{}, fmt.Errorf("stage %s: %w", p, err)
	}
	mode := filemode.Regular
	if fi.Mode()&0o111 != 0 {
		mode = filemode.Executable
	}
	return staged{path: p, op: opPut, hash: h, mode: mode, info: fi}, nil
}

// missing reports an error meaning "nothing at this path", including ENOTDIR
// when a parent became a file.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// putObject stores an object unless it already exists, so unchanged content
// costs a hash and a lookup, not a write.
func (r *Repo) putObject(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(t, data)
	if r.repo.Storer.HasEncodedObject(h) == nil {
		return h, nil
	}
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return h, err
	}
	if _, err := w.Write(data); err != nil {
		return h, err
	}
	if err := w.Close(); err != nil {
		return h, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

func (r *Repo) writeCommit(tree plumbing.Hash, parents []plumbing.Hash, msg string, opts CommitOptions) (plumbing.Hash, error) {
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n" // as the git CLI stores it
	}
	c := &object.Commit{Author: opts.signature(), Committer: opts.committer(), Message: msg, TreeHash: tree, ParentHashes: parents}
	obj := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

// moveRef sets name to h only if it still points to old (zero: unborn), so a
// concurrent writer is detected instead of silently overwritten. It writes
// the loose ref by git's lock-file protocol (replaceLocked), not through
// go-git, which truncates the ref file and then writes it in place: a kill
// between the two left an empty ref, a branch pointing nowhere.
func (r *Repo) moveRef(name plumbing.ReferenceName, old, h plumbing.Hash) error {
	if err := name.Validate(); err != nil || !strings.HasPrefix(name.String(), "refs/") {
		return fmt.Errorf("update %s in %s: invalid ref name", name, r.dir)
	}
	check := func() error {
		cur, err := r.repo.Storer.Reference(name)
		switch {
		case old.IsZero() && errors.Is(err, plumbing.ErrReferenceNotFound):
			return nil
		case old.IsZero() && err == nil:
			return errors.New("it was created concurrently")
		case err != nil:
			return err
		case cur.Type() != plumbing.HashReference || cur.Hash() != old:
			return errors.New("it was moved concurrently")
		}
		return nil
	}
	if err := r.replaceLocked(name.String(), []byte(h.String()+"\n"), check); err != nil {
		return fmt.Errorf("update %s in %s: %w", name, r.dir, err)
	}
	return nil
}

// CommitFiles commits on branch (a short name such as "main" or
// "qlikops/drift") a tree built from the commit parent (a full hash; ""
// starts an unborn branch) with put written and del removed, straight from
// Git objects: the working tree and the index are not touched, which is what
// lets export commit to a branch that is not checked out. The branch moves
// only if it still points to old ("" when it must not exist yet), so a
// concurrent writer is detected. It returns "" when the tree is unchanged.
func (r *Repo) CommitFiles(branch, old, parent string, put Files, del []string, msg string, opts CommitOptions) (string, error) {
	r.freshen()
	if strings.TrimSpace(msg) == "" {
		return "", fmt.Errorf("commit in %s: empty commit message", r.dir)
	}
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil || branch == "" {
		return "", fmt.Errorf("commit in %s: invalid branch name %q", r.dir, branch)
	}
	items, err := r.stageBytes(put, del)
	if err != nil {
		return "", err
	}
	var base plumbing.Hash
	var parents []plumbing.Hash
	if parent != "" {
		pc, err := r.repo.CommitObject(plumbing.NewHash(parent))
		if err != nil {
			return "", fmt.Errorf("read %s in %s: %w", parent, r.dir, err)
		}
		base, parents = pc.TreeHash, []plumbing.Hash{pc.Hash}
	}
	tree, n, err := r.editTree(base, buildEdit(items))
	if err != nil {
		return "", fmt.Errorf("commit in %s: %w", r.dir, err)
	}
	if tree == base || (parent == "" && n == 0) {
		return "", nil
	}
	h, err := r.writeCommit(tree, parents, msg, opts)
	if err != nil {
		return "", fmt.Errorf("commit in %s: %w", r.dir, err)
	}
	var oldHash plumbing.Hash
	if old != "" {
		oldHash = plumbing.NewHash(old)
	}
	if err := r.moveRef(name, oldHash, h); err != nil {
		return "", err
	}
	return h.String(), nil
}

// stageBytes stores the blobs of put and lists the edits, validating every
// path first so a bad one means nothing is written.
func (r *Repo) stageBytes(put Files, del []string) ([]staged, error) {
	var out []staged
	for _, p := range del {
		if err := checkPath(p); err != nil {
			return nil, err
		}
		if _, ok := put[p]; !ok {
			out = append(out, staged{path: p, op: opDelete})
		}
	}
	paths := sortedKeys(put)
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return nil, err
		}
	}
	batch := r.newBlobBatch()
	for _, p := range paths {
		h, err := batch.add(put[p])
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", p, err)
		}
		out = append(out, staged{path: p, op: opPut, hash: h, mode: filemode.Regular})
	}
	if err := batch.flush(); err != nil {
		return nil, fmt.Errorf("stage in %s: %w", r.dir, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}
