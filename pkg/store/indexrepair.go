package store

import (
	"os"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// repairIndex makes the index agree with HEAD for the paths in scope whose
// working-tree file is exactly what HEAD holds (or, like HEAD, absent) but
// whose index entry is not. That is the state a run killed between moving
// its branch and writing the index leaves: git status would show each file
// it committed as staged for deletion and untracked, or as a staged revert.
// No later run commits those paths again (they match HEAD), so without this
// the index would stay wrong.
//
// Only paths already as HEAD has them are touched, so no content is lost:
// a file that differs from HEAD is local work, which FindLocalWork reports
// and export refuses or saves. Root files (roots) sit outside the owned
// folders and are the user's; one is repaired only when the write journal
// shows a run wrote exactly HEAD's content there, never because the user
// staged something (git rm --cached qlikops.yaml stays staged).
func (r *Repo) repairIndex(folders, roots []string) error {
	sc := newScope(folders, roots)
	head, err := r.headFiles(sc)
	if err != nil {
		return err
	}
	idx, err := r.loadIndex()
	if err != nil {
		return err
	}
	stale := map[string]bool{}
	indexed := map[string]bool{}
	for _, e := range idx {
		if !sc.has(e.name) {
			continue
		}
		indexed[e.name] = true
		if h, ok := head[e.name]; !ok || e.hash != h || e.stage() != 0 {
			stale[e.name] = true
		}
	}
	for p := range head {
		if !indexed[p] {
			stale[p] = true
		}
	}
	if len(stale) == 0 {
		return nil
	}
	j, err := r.readJournal()
	if err != nil {
		return err
	}
	isRoot := map[string]bool{}
	for _, rf := range roots {
		isRoot[rf] = true
	}
	paths := make([]string, 0, len(stale))
	for p := range stale {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	parents := newParentChecker(r.dir, func(string) bool { return true })
	var items []staged
	for _, p := range paths {
		h, inHead := head[p]
		if isRoot[p] {
			if want, ok := j[p]; !ok || want != hashString(h) {
				continue
			}
		}
		if checkPath(p) != nil || parents.check(p) != nil {
			continue // not a path we would write: leave its entry alone
		}
		if s, ok := r.asInHead(p, h, inHead); ok {
			items = append(items, s)
		}
	}
	if err := r.syncIndex(idx, items); err != nil {
		return err
	}
	return r.forgetWrites(items)
}

// asInHead reports whether the working tree holds p exactly as HEAD does
// (blob h, or absent when !inHead), and if so the index edit that says so.
// The file is hashed, not stored: its blob is HEAD's, already in the repo.
func (r *Repo) asInHead(p string, h plumbing.Hash, inHead bool) (staged, bool) {
	fi, err := os.Lstat(r.abs(p))
	switch {
	case missing(err):
		return staged{path: p, op: opDelete}, !inHead
	case err != nil || !inHead:
		return staged{}, false
	case fi.IsDir():
		return staged{}, false
	case !fi.Mode().IsRegular():
		return staged{}, false
	}
	data, err := os.ReadFile(r.abs(p))
	if err != nil || plumbing.ComputeHash(plumbing.BlobObject, data) != h {
		return staged{}, false
	}
	mode := filemode.Regular
	if fi.Mode()&0o111 != 0 {
		mode = filemode.Executable
	}
	return staged{path: p, op: opPut, hash: h, mode: mode, info: fi}, true
}
