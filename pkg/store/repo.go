package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Files is a snapshot: repo-relative slash paths → file content.
type Files map[string][]byte

// Sentinel errors, wrapped with context; test them with errors.Is.
var (
	// ErrNoCommits means the repo has no commit yet ("nothing exported yet").
	ErrNoCommits = errors.New("repository has no commits yet")
	// ErrNoRuns means refs/qlikops/runs does not exist yet.
	ErrNoRuns = errors.New("no run recorded yet")
	// ErrUnknownRevision means a rev did not name a commit.
	ErrUnknownRevision = errors.New("unknown revision")
	// ErrInvalidPath means a path failed validation; nothing was written.
	ErrInvalidPath = errors.New("invalid path")
)

// Repo is a non-bare Git repository whose working tree root is Dir. A Repo
// is not safe for concurrent use; take Lock to exclude other processes.
type Repo struct {
	dir       string // absolute working tree root
	gitDir    string // absolute .git directory (holds index and our lock)
	repo      *git.Repository
	fs        *filesystem.Storage
	packStamp time.Time // mtime of objects/pack when go-git last indexed it
}

// Open opens an existing repository whose working tree root is dir. It does
// not search parent folders: every path the package handles is relative to
// dir, so opening an enclosing repo by accident would misplace files.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repo %s: %w", dir, err)
	}
	gr, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("open repo %s: not a git repository (no .git here)", abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open repo %s: %w", abs, err)
	}
	return wrap(abs, gr)
}

// OpenOrInit opens dir, creating the folder and an empty repository whose
// default branch is main when it is not a repository yet.
func OpenOrInit(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repo %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create repo folder %s: %w", abs, err)
	}
	if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
		return Open(abs)
	}
	gr, err := git.PlainInitWithOptions(abs, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, fmt.Errorf("init repo %s: %w", abs, err)
	}
	return wrap(abs, gr)
}

// wrap reopens the repository on a storage that keeps a few pack files
// open: go-git's default reopens the pack for every object it reads, which
// makes ReadRev of a packed repo cost one open() per file.
func wrap(abs string, gr *git.Repository) (*Repo, error) {
	wt, err := gr.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open repo %s: %w (a working tree is required)", abs, err)
	}
	plain, ok := gr.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("open repo %s: unsupported storage %T", abs, gr.Storer)
	}
	fs := filesystem.NewStorageWithOptions(plain.Filesystem(), cache.NewObjectLRUDefault(),
		filesystem.Options{MaxOpenDescriptors: maxOpenPacks})
	if gr, err = git.Open(fs, wt.Filesystem); err != nil {
		return nil, fmt.Errorf("open repo %s: %w", abs, err)
	}
	r := &Repo{dir: abs, gitDir: fs.Filesystem().Root(), repo: gr, fs: fs}
	r.packStamp = r.packDirStamp()
	return r, nil
}

// freshen makes go-git notice packs that changed under it. go-git loads the
// pack indexes once, so after a `git gc` (by a user or git's auto-gc) a
// long-lived Repo would report packed objects as missing. One stat per
// operation detects that; the reindex happens only when packs changed.
func (r *Repo) freshen() {
	if st := r.packDirStamp(); !st.Equal(r.packStamp) {
		r.fs.Reindex()
		r.packStamp = st
	}
}

func (r *Repo) packDirStamp() time.Time {
	objects := filepath.Join(r.gitDir, "objects")
	if common, err := os.ReadFile(filepath.Join(r.gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(common))
		if !filepath.IsAbs(c) {
			c = filepath.Join(r.gitDir, c)
		}
		objects = filepath.Join(c, "objects")
	}
	fi, err := os.Stat(filepath.Join(objects, "pack"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// maxOpenPacks bounds the file descriptors a Repo keeps; Close releases them.
const maxOpenPacks = 16

// Close releases the pack files the Repo keeps open. The Repo must not be
// used afterwards.
func (r *Repo) Close() error { return r.fs.Close() }

// Dir returns the absolute working tree root.
func (r *Repo) Dir() string { return r.dir }

// headTarget returns the branch HEAD points to and its current commit (zero
// hash while the branch is unborn). A detached HEAD is refused: a snapshot
// committed there would be lost on the next checkout.
func (r *Repo) headTarget() (plumbing.ReferenceName, plumbing.Hash, error) {
	head, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", plumbing.ZeroHash, fmt.Errorf("read HEAD in %s: %w", r.dir, err)
	}
	if head.Type() != plumbing.SymbolicReference {
		return "", plumbing.ZeroHash, fmt.Errorf("HEAD in %s is detached at %s: check out a branch first", r.dir, head.Hash())
	}
	name := head.Target()
	ref, err := r.repo.Storer.Reference(name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return name, plumbing.ZeroHash, nil
	}
	if err != nil {
		return "", plumbing.ZeroHash, fmt.Errorf("read %s in %s: %w", name, r.dir, err)
	}
	return name, ref.Hash(), nil
}
