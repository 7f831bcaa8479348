package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ConflictError means a rebase would have to merge: the remote changed a
// file the local commits change too (or one with uncommitted local work).
// Nothing was moved.
type ConflictError struct {
	Ref   string
	Onto  string
	Paths []string
	Why   string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("cannot rebase %s onto %.12s: %s: %v", e.Ref, e.Onto, e.Why, e.Paths)
}

// maxRebaseCommits bounds the local commits a rebase replays.
const maxRebaseCommits = 1000

// RebaseBranch re-creates the commits branch has and onto lacks on top of
// onto, as `git rebase` would, when none of them touches a file that onto
// changed since they forked: then no merge is needed and the result is
// exactly both sides' changes. Otherwise it returns a *ConflictError and
// moves nothing. Authors and messages are kept. When branch is checked out,
// the working tree and the index get onto's changes; a file among them with
// uncommitted local changes is a conflict too. It returns the new tip and
// which new commit replaced which old one, for the run records.
func (r *Repo) RebaseBranch(branch, onto string) (string, map[string]string, error) {
	r.freshen()
	name := plumbing.NewBranchReferenceName(branch)
	tip, err := r.RefTip(name.String())
	if err != nil || tip == "" {
		return "", nil, fmt.Errorf("rebase %s in %s: branch not found (%v)", branch, r.dir, err)
	}
	local, base, err := r.forkedCommits(tip, onto, name.String())
	if err != nil || local == nil && base == nil {
		return tip, nil, err // onto is already contained
	}
	ontoC, err := r.repo.CommitObject(plumbing.NewHash(onto))
	if err != nil {
		return "", nil, fmt.Errorf("rebase %s: %w", branch, err)
	}
	remote, err := r.treeChanges(base, ontoC)
	if err != nil {
		return "", nil, err
	}
	replays, clash, err := r.localEdits(local, remote)
	if err != nil {
		return "", nil, fmt.Errorf("rebase %s: %w", branch, err)
	}
	if len(clash) > 0 {
		return "", nil, &ConflictError{Ref: branch, Onto: onto, Paths: clash, Why: "the remote changed the same files"}
	}
	head, _, herr := r.headTarget()
	checkedOut := herr == nil && head == name
	if checkedOut {
		if dirty := r.dirtyAgainst(base, remote); len(dirty) > 0 {
			return "", nil, &ConflictError{Ref: branch, Onto: onto, Paths: dirty, Why: "uncommitted local changes to files the remote changed"}
		}
	}
	newTip, replaced, err := r.replayOnto(ontoC, local, replays)
	if err != nil {
		return "", nil, fmt.Errorf("rebase %s: %w", branch, err)
	}
	if err := r.moveRef(name, plumbing.NewHash(tip), newTip); err != nil {
		return "", nil, err
	}
	if checkedOut {
		if err := r.checkoutPaths(remote); err != nil {
			return newTip.String(), replaced, fmt.Errorf("rebase %s: %s moved to %.12s but the working tree is behind: %w (git checkout -- . fixes it)", branch, branch, newTip, err)
		}
	}
	return newTip.String(), replaced, nil
}

// localEdits lists each local commit's edits and the paths among them that
// remote (the other side's edits since the fork) changed too.
func (r *Repo) localEdits(local []*object.Commit, remote []staged) ([][]staged, []string, error) {
	var replays [][]staged
	var clash []string
	for _, c := range local {
		parent, err := c.Parent(0)
		if err != nil {
			return nil, nil, err
		}
		items, err := r.treeChanges(parent, c)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range items {
			if _, ok := findStaged(remote, s.path); ok {
				clash = append(clash, s.path)
			}
		}
		replays = append(replays, items)
	}
	if len(clash) > 0 {
		clash = dedupeSorted(clash)
	}
	return replays, clash, nil
}

// replayOnto writes each local commit again on top of onto with its edits,
// keeping author, date and message, and says which new commit replaced
// which old one. No ref moves.
func (r *Repo) replayOnto(onto *object.Commit, local []*object.Commit, replays [][]staged) (plumbing.Hash, map[string]string, error) {
	newTip, treeHash := onto.Hash, onto.TreeHash
	replaced := map[string]string{}
	for i, c := range local {
		var err error
		if treeHash, _, err = r.editTree(treeHash, buildEdit(replays[i])); err != nil {
			return plumbing.ZeroHash, nil, err
		}
		opts := CommitOptions{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
		if newTip, err = r.writeCommit(treeHash, []plumbing.Hash{newTip}, c.Message, opts); err != nil {
			return plumbing.ZeroHash, nil, err
		}
		replaced[c.Hash.String()] = newTip.String()
	}
	return newTip, replaced, nil
}

// ReplayRuns puts the run records this repo has and onto (the remote's runs
// ref; "" when it has none) lacks on top of onto, oldest first, so the runs
// ref stays one line of records that contains both sides'. Records never
// conflict: each commit holds one whole manifest. A replayed record that
// names a commit in replaced names its replacement instead, so a rebased
// snapshot commit stays known as exported.
func (r *Repo) ReplayRuns(onto string, replaced map[string]string) (string, error) {
	r.freshen()
	tip, err := r.RefTip(RunsRef.String())
	if err != nil || tip == "" {
		if err == nil && onto != "" {
			err = r.moveRef(RunsRef, plumbing.ZeroHash, plumbing.NewHash(onto))
		}
		return onto, err
	}
	var local []*object.Commit
	if onto == "" {
		local, err = r.firstParents(tip)
	} else {
		local, _, err = r.forkedCommits(tip, onto, RunsRef.String())
		if err == nil && local == nil && len(replaced) > 0 && tip != onto {
			// The remote's records are all here already: only ours after
			// them need rewriting.
			local, err = r.commitsSince(tip, onto)
		}
	}
	if err != nil || (local == nil && onto != "" && tip == onto) {
		return tip, err
	}
	var parents []plumbing.Hash
	if onto != "" {
		parents = []plumbing.Hash{plumbing.NewHash(onto)}
	}
	newTip := plumbing.ZeroHash
	for _, c := range local {
		tree, err := r.rewriteRecord(c, replaced)
		if err != nil {
			return "", err
		}
		opts := CommitOptions{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
		if newTip, err = r.writeCommit(tree, parents, c.Message, opts); err != nil {
			return "", fmt.Errorf("replay %s: %w", RunsRef, err)
		}
		parents = []plumbing.Hash{newTip}
	}
	if newTip.IsZero() {
		return tip, nil
	}
	return newTip.String(), r.moveRef(RunsRef, plumbing.NewHash(tip), newTip)
}

// rewriteRecord returns the tree of a run record whose manifest names the
// replacements of the commits in replaced.
func (r *Repo) rewriteRecord(c *object.Commit, replaced map[string]string) (plumbing.Hash, error) {
	if len(replaced) == 0 {
		return c.TreeHash, nil
	}
	b, err := r.runManifest(c)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	out := b
	for old, repl := range replaced {
		out = bytes.ReplaceAll(out, []byte(old), []byte(repl))
	}
	if bytes.Equal(out, b) {
		return c.TreeHash, nil
	}
	blob, err := r.putObject(plumbing.BlobObject, out)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return r.writeTree(map[string]object.TreeEntry{runFile: {Name: runFile, Mode: filemode.Regular, Hash: blob}}, plumbing.ZeroHash)
}

// firstParents lists tip's first-parent history, oldest first.
func (r *Repo) firstParents(tip string) ([]*object.Commit, error) {
	return r.commitsSince(tip, "")
}

// commitsSince lists the first-parent commits after stop up to tip, oldest
// first; stop "" means the whole history.
func (r *Repo) commitsSince(tip, stop string) ([]*object.Commit, error) {
	var out []*object.Commit
	h := plumbing.NewHash(tip)
	for h.String() != stop {
		if len(out) == maxRebaseCommits {
			return nil, &ConflictError{Ref: RunsRef.String(), Onto: stop, Why: "too many records to replay; push them by hand"}
		}
		c, err := r.repo.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", RunsRef, err)
		}
		out = append(out, c)
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// forkedCommits lists the first-parent commits from the merge base of tip
// and onto (exclusive) to tip, oldest first, and the merge base. Both are
// nil when tip already contains onto; local is empty (base set) when tip is
// behind onto, so a replay is a fast-forward.
func (r *Repo) forkedCommits(tip, onto, what string) ([]*object.Commit, *object.Commit, error) {
	if tip == onto {
		return nil, nil, nil
	}
	tipC, err := r.repo.CommitObject(plumbing.NewHash(tip))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", what, err)
	}
	ontoC, err := r.repo.CommitObject(plumbing.NewHash(onto))
	if err != nil {
		return nil, nil, fmt.Errorf("read the remote's %s: %w", what, err)
	}
	bases, err := tipC.MergeBase(ontoC)
	if err != nil {
		return nil, nil, fmt.Errorf("merge base of %s: %w", what, err)
	}
	if len(bases) == 0 {
		return nil, nil, &ConflictError{Ref: what, Onto: onto, Why: "no common history with the remote"}
	}
	base := bases[0]
	if base.Hash == ontoC.Hash {
		return nil, nil, nil
	}
	var local []*object.Commit
	for c := tipC; c.Hash != base.Hash; {
		if len(c.ParentHashes) != 1 || len(local) == maxRebaseCommits {
			return nil, nil, &ConflictError{Ref: what, Onto: onto, Why: fmt.Sprintf("commit %.12s is a merge or the history is too long; rebase by hand", c.Hash)}
		}
		local = append(local, c)
		if c, err = c.Parent(0); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", what, err)
		}
	}
	for i, j := 0, len(local)-1; i < j; i, j = i+1, j-1 {
		local[i], local[j] = local[j], local[i]
	}
	return local, base, nil
}

// treeChanges lists what changed from a to b as edits editTree can apply.
func (r *Repo) treeChanges(a, b *object.Commit) ([]staged, error) {
	at, err := a.Tree()
	if err != nil {
		return nil, err
	}
	bt, err := b.Tree()
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTree(at, bt)
	if err != nil {
		return nil, fmt.Errorf("diff %.12s %.12s: %w", a.Hash, b.Hash, err)
	}
	var out []staged
	for _, ch := range changes {
		switch {
		case ch.To.Name == "":
			out = append(out, staged{path: ch.From.Name, op: opDelete})
		default:
			if ch.From.Name != "" && ch.From.Name != ch.To.Name {
				out = append(out, staged{path: ch.From.Name, op: opDelete})
			}
			out = append(out, staged{path: ch.To.Name, op: opPut, hash: ch.To.TreeEntry.Hash, mode: ch.To.TreeEntry.Mode})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func findStaged(items []staged, p string) (staged, bool) {
	i := sort.Search(len(items), func(i int) bool { return items[i].path >= p })
	if i < len(items) && items[i].path == p {
		return items[i], true
	}
	return staged{}, false
}

// dirtyAgainst lists the paths among changes whose working-tree content is
// not base's: checking them out would destroy local work.
func (r *Repo) dirtyAgainst(base *object.Commit, changes []staged) []string {
	bt, err := base.Tree()
	if err != nil {
		return []string{"(base tree unreadable)"}
	}
	var dirty []string
	for _, s := range changes {
		disk, derr := os.ReadFile(r.abs(s.path))
		f, ferr := bt.File(s.path)
		switch {
		case missing(derr) && errors.Is(ferr, object.ErrFileNotFound):
		case derr != nil || ferr != nil:
			dirty = append(dirty, s.path)
		default:
			want, err := f.Contents()
			if err != nil || !bytes.Equal([]byte(want), disk) {
				dirty = append(dirty, s.path)
			}
		}
	}
	return dirty
}

// checkoutPaths writes changes into the working tree and the index.
func (r *Repo) checkoutPaths(changes []staged) error {
	var paths []string
	for _, s := range changes {
		paths = append(paths, s.path)
		if s.op == opDelete {
			if err := os.Remove(r.abs(s.path)); err != nil && !missing(err) {
				return err
			}
			continue
		}
		data, err := r.readBlob(s.hash)
		if err != nil {
			return err
		}
		if err := r.mkdirs(path.Dir(s.path)); err != nil {
			return err
		}
		if err := r.writeAtomic(s.path, data); err != nil {
			return err
		}
		if s.mode == filemode.Executable {
			if err := os.Chmod(r.abs(s.path), 0o755); err != nil {
				return err
			}
		}
	}
	idx, err := r.loadIndex()
	if err != nil {
		return err
	}
	items, err := r.stage(paths)
	if err != nil {
		return err
	}
	return r.syncIndex(idx, items)
}

func dedupeSorted(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
