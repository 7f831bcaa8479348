package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// SavedRefPrefix holds the commits SaveLocalWork makes: one per forced run,
// outside refs/heads so no branch or push carries them by accident.
const SavedRefPrefix = "refs/qlikops/saved/"

// LocalWork is what a write into the working tree would put at risk.
type LocalWork struct {
	// Modified are tracked paths whose working-tree or staged content
	// differs from HEAD, deleted ones included.
	Modified []string
	// Untracked are files HEAD does not track. A folder holding no tracked
	// file at all is listed once, as "folder/".
	Untracked []string
	// Nested are folders holding their own repository ("folder/"). Nothing
	// ever writes into or deletes them.
	Nested []string
}

// Empty reports whether there is no local work at all.
func (w LocalWork) Empty() bool {
	return len(w.Modified) == 0 && len(w.Untracked) == 0 && len(w.Nested) == 0
}

// CheckBranch refuses a detached HEAD: a snapshot committed there would be
// lost on the next checkout, so it must be refused before any file is
// written, not at commit time.
func (r *Repo) CheckBranch() error {
	_, _, err := r.headTarget()
	return err
}

// FindLocalWork lists local work inside the folders (top-level names) and
// among the rootFiles. It is fast on a clean tree: a tracked file whose size
// and mtime match its index entry is trusted as git does, so only files
// that look changed are read and hashed; the folders are listed, not read.
// What a killed run wrote and did not commit is not local work (see
// journalName), as long as it is still exactly what that run wrote.
func (r *Repo) FindLocalWork(folders, rootFiles []string) (LocalWork, error) {
	r.freshen()
	var w LocalWork
	sc := newScope(folders, rootFiles)
	head, err := r.headFiles(sc)
	if err != nil {
		return w, err
	}
	idx, err := r.loadIndex()
	if err != nil {
		return w, err
	}
	indexed := map[string]*idxEntry{}
	for _, e := range idx {
		if sc.has(e.name) {
			indexed[e.name] = e
		}
	}
	racy := r.indexStamp()
	for p, h := range head {
		changed, err := r.differs(p, h, indexed[p], racy)
		if err != nil {
			return w, err
		}
		if changed {
			w.Modified = append(w.Modified, p)
		}
	}
	for p := range indexed {
		if _, ok := head[p]; !ok { // staged as new
			w.Modified = append(w.Modified, p)
		}
	}
	tracked := trackedDirs(head, indexed)
	for _, rf := range rootFiles {
		if _, ok := head[rf]; ok {
			continue
		}
		if _, ok := indexed[rf]; ok {
			continue
		}
		if fi, err := os.Lstat(r.abs(rf)); err == nil && !fi.IsDir() {
			w.Untracked = append(w.Untracked, rf)
		} else if err != nil && !missing(err) {
			return w, fmt.Errorf("%s: %w", rf, err)
		}
	}
	for _, f := range folders {
		if err := r.findUntracked(f, head, indexed, tracked, &w); err != nil {
			return w, err
		}
	}
	if err := r.dropOurs(&w); err != nil {
		return w, err
	}
	sort.Strings(w.Modified)
	sort.Strings(w.Untracked)
	sort.Strings(w.Nested)
	return w, nil
}

// scope is the paths a check covers: everything below the folders, and the
// root files.
type scope struct {
	folders, roots, rootDirs map[string]bool
}

func newScope(folders, rootFiles []string) scope {
	s := scope{folders: map[string]bool{}, roots: map[string]bool{}, rootDirs: map[string]bool{}}
	for _, f := range folders {
		s.folders[f] = true
	}
	for _, rf := range rootFiles {
		s.roots[rf] = true
		for d := path.Dir(rf); d != "."; d = path.Dir(d) {
			s.rootDirs[d] = true
		}
	}
	return s
}

func (s scope) has(p string) bool {
	top, _, nested := strings.Cut(p, "/")
	return s.roots[p] || (nested && s.folders[top])
}

// enters reports whether the folder d may hold paths in scope.
func (s scope) enters(d string) bool {
	top, _, _ := strings.Cut(d, "/")
	return s.folders[top] || s.rootDirs[d]
}

// differs reports whether the tracked path p (blob h in HEAD) has local
// changes, staged or not.
func (r *Repo) differs(p string, h plumbing.Hash, e *idxEntry, racy time.Time) (bool, error) {
	if e != nil && (e.hash != h || e.stage() != 0) {
		return true, nil // staged change or conflict
	}
	fi, err := os.Lstat(r.abs(p))
	switch {
	case missing(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", p, err)
	case !fi.Mode().IsRegular():
		return true, nil
	}
	// The index says HEAD's blob; its stat data says whether the file is
	// still what was hashed. An entry as new as the index itself may hide a
	// change made in the same instant ("racily clean"), so it is hashed.
	if e != nil && int64(e.size()) == fi.Size() && e.mtime().Equal(fi.ModTime()) && e.mtime().Before(racy) {
		return false, nil
	}
	data, err := os.ReadFile(r.abs(p))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data) != h, nil
}

// indexStamp is the index file's mtime; zero (everything racy) without one.
func (r *Repo) indexStamp() time.Time {
	fi, err := os.Stat(filepath.Join(r.gitDir, "index"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// trackedDirs lists every folder that holds a tracked path somewhere below.
func trackedDirs(head map[string]plumbing.Hash, indexed map[string]*idxEntry) map[string]bool {
	dirs := map[string]bool{}
	add := func(p string) {
		for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for p := range head {
		add(p)
	}
	for p := range indexed {
		add(p)
	}
	return dirs
}

// findUntracked walks one folder without following symlinks. A nested
// repository is listed and not entered; a folder with nothing tracked below
// it is listed once if it holds any file.
func (r *Repo) findUntracked(folder string, head map[string]plumbing.Hash, indexed map[string]*idxEntry, tracked map[string]bool, w *LocalWork) error {
	fi, err := os.Lstat(r.abs(folder))
	if missing(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", folder, err)
	}
	if !fi.IsDir() {
		w.Untracked = append(w.Untracked, folder)
		return nil
	}
	var walk func(rel string) (bool, error)
	// walk reports whether rel holds any file; it lists untracked files only
	// in folders that hold tracked ones.
	walk = func(rel string) (bool, error) {
		entries, err := os.ReadDir(r.abs(rel))
		if err != nil {
			return false, fmt.Errorf("read folder %s: %w", rel, err)
		}
		for _, e := range entries {
			if e.Name() == ".git" {
				w.Nested = append(w.Nested, rel+"/")
				return false, nil
			}
		}
		listHere := tracked[rel]
		holdsFile := false
		for _, e := range entries {
			p := rel + "/" + e.Name()
			switch {
			case e.IsDir():
				holds, err := walk(p)
				if err != nil {
					return false, err
				}
				if holds && listHere && !tracked[p] {
					w.Untracked = append(w.Untracked, p+"/")
				}
				holdsFile = holdsFile || holds
			case strings.HasPrefix(e.Name(), tmpPrefix):
				// Our own leftover from a crash: removed silently.
			default:
				_, inHead := head[p]
				_, inIndex := indexed[p]
				if !inHead && !inIndex {
					holdsFile = true
					if listHere {
						w.Untracked = append(w.Untracked, p)
					}
				}
			}
		}
		return holdsFile, nil
	}
	holds, err := walk(folder)
	if err == nil && holds && !tracked[folder] {
		w.Untracked = append(w.Untracked, folder+"/")
	}
	return err
}

// headFiles maps every non-folder entry of HEAD's tree that is in scope to
// its blob. Only the trees on the way are read, never a blob. An unborn
// branch gives an empty map.
func (r *Repo) headFiles(sc scope) (map[string]plumbing.Hash, error) {
	out := map[string]plumbing.Hash{}
	_, parent, err := r.headTarget()
	if err != nil {
		// A detached HEAD still names the snapshot the working tree came from.
		ref, rerr := r.repo.Storer.Reference(plumbing.HEAD)
		if rerr != nil || ref.Type() != plumbing.HashReference {
			return nil, err
		}
		parent = ref.Hash()
	}
	if parent.IsZero() {
		return out, nil
	}
	c, err := r.repo.CommitObject(parent)
	if err != nil {
		return nil, fmt.Errorf("read HEAD in %s: %w", r.dir, err)
	}
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		t, err := object.GetTree(r.repo.Storer, h)
		if err != nil {
			return fmt.Errorf("read HEAD tree %s in %s: %w", prefix, r.dir, err)
		}
		for _, e := range t.Entries {
			name := prefix + e.Name
			switch {
			case e.Mode == filemode.Dir:
				if sc.enters(name) {
					if err := walk(e.Hash, name+"/"); err != nil {
						return err
					}
				}
			case e.Mode == filemode.Submodule:
			case sc.has(name):
				out[name] = e.Hash
			}
		}
		return nil
	}
	return out, walk(c.TreeHash, "")
}

// SaveLocalWork commits the working-tree state of paths (files, deleted
// files, and "folder/" entries, whose files are taken whole) on top of HEAD's
// tree, with HEAD as parent, to a new ref under SavedRefPrefix named after
// when (UTC). Nested repositories and symlinks are left out: they are never
// touched anyway. It returns the ref; `git show REF:PATH` gives a saved file.
func (r *Repo) SaveLocalWork(paths []string, msg string, when time.Time) (string, error) {
	r.freshen()
	var stage []string
	for _, p := range paths {
		if strings.HasSuffix(p, "/") {
			files, err := r.filesUnder(strings.TrimSuffix(p, "/"))
			if err != nil {
				return "", err
			}
			stage = append(stage, files...)
			continue
		}
		if fi, err := os.Lstat(r.abs(p)); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			continue // a symlink: its target is not ours to copy
		}
		stage = append(stage, p)
	}
	items, err := r.stage(stage)
	if err != nil {
		return "", fmt.Errorf("save local work: %w", err)
	}
	var base plumbing.Hash
	var parents []plumbing.Hash
	_, head, err := r.headTarget()
	if err != nil {
		return "", err
	}
	if !head.IsZero() {
		c, err := r.repo.CommitObject(head)
		if err != nil {
			return "", fmt.Errorf("save local work: read HEAD: %w", err)
		}
		base, parents = c.TreeHash, []plumbing.Hash{head}
	}
	tree, _, err := r.editTree(base, buildEdit(items))
	if err != nil {
		return "", fmt.Errorf("save local work: %w", err)
	}
	sig := CommitOptions{When: when}
	h, err := r.writeCommit(tree, parents, msg, sig)
	if err != nil {
		return "", fmt.Errorf("save local work: %w", err)
	}
	stamp := when.UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		name := SavedRefPrefix + stamp
		if n > 1 {
			name = fmt.Sprintf("%s-%d", name, n)
		}
		err := r.moveRef(plumbing.ReferenceName(name), plumbing.ZeroHash, h)
		if err == nil {
			return name, nil
		}
		if _, lerr := r.repo.Storer.Reference(plumbing.ReferenceName(name)); lerr != nil || n >= 100 {
			return "", err
		}
	}
}

// filesUnder lists the regular files below rel, skipping nested
// repositories and symlinks.
func (r *Repo) filesUnder(rel string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(r.abs(rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Lstat(filepath.Join(p, ".git")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		relp, err := filepath.Rel(r.dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(relp))
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save local work: %w", err)
	}
	return out, nil
}
