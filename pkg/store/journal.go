package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// The write journal lets a run tell its own uncommitted writes from a
// user's. WriteTree records, before its first write, what each path will
// hold (a blob hash, or "" for deleted); Commit forgets the paths it
// commits. A run killed in between leaves the journal behind, and the next
// run's FindLocalWork does not count a path that still holds exactly what
// the journal says as local work: it is the crashed run's output, not
// someone's edit. It lives in .git, so it is never committed.
const journalName = "qlikops-writes.json"

type journal map[string]string

func (r *Repo) journalPath() string { return filepath.Join(r.gitDir, journalName) }

func (r *Repo) readJournal() (journal, error) {
	data, err := os.ReadFile(r.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return journal{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.journalPath(), err)
	}
	j := journal{}
	if err := json.Unmarshal(data, &j); err != nil {
		// Unreadable means unknown: nothing is taken for ours.
		return journal{}, nil
	}
	return j, nil
}

// writeJournal replaces the journal atomically; an empty one is removed.
func (r *Repo) writeJournal(j journal) error {
	if len(j) == 0 {
		if err := os.Remove(r.journalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write %s: %w", r.journalPath(), err)
		}
		return nil
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.gitDir, journalName+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", r.journalPath(), err)
	}
	// No fsync: a journal lost in a power cut only makes the next run
	// refuse the crashed run's output as local work, which is safe.
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), r.journalPath())
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", r.journalPath(), err)
	}
	return nil
}

// journalWrites adds what plan is about to do to the journal, before it does.
func (r *Repo) journalWrites(plan *writePlan, files Files) error {
	if len(plan.write) == 0 && len(plan.changes.Deleted) == 0 {
		return nil
	}
	j, err := r.readJournal()
	if err != nil {
		return err
	}
	for _, p := range plan.write {
		j[p] = plumbing.ComputeHash(plumbing.BlobObject, files[p]).String()
	}
	for _, p := range plan.changes.Deleted {
		j[p] = ""
	}
	return r.writeJournal(j)
}

// forgetWrites drops the journal entries that a commit has just recorded.
func (r *Repo) forgetWrites(items []staged) error {
	if _, err := os.Lstat(r.journalPath()); err != nil {
		return nil // the usual case: no journal, nothing to read
	}
	j, err := r.readJournal()
	if err != nil || len(j) == 0 {
		return err
	}
	n := len(j)
	for _, s := range items {
		want, ok := j[s.path]
		if !ok {
			continue
		}
		if (s.op == opPut && want == s.hash.String()) || (s.op != opPut && want == "") {
			delete(j, s.path)
		}
	}
	if len(j) == n {
		return nil
	}
	return r.writeJournal(j)
}

// ours reports whether p holds exactly what the journal says a run wrote.
func (r *Repo) ours(j journal, p string) bool {
	want, ok := j[p]
	if !ok {
		return false
	}
	data, err := os.ReadFile(r.abs(p))
	if want == "" {
		return missing(err)
	}
	return err == nil && plumbing.ComputeHash(plumbing.BlobObject, data).String() == want
}

// dropOurs removes from w the paths a crashed run left as the journal says.
// A folder entry ("dir/") goes only if every file below it is such a path.
func (r *Repo) dropOurs(w *LocalWork) error {
	if len(w.Modified)+len(w.Untracked) == 0 {
		return nil
	}
	j, err := r.readJournal()
	if err != nil || len(j) == 0 {
		return err
	}
	keep := func(p string) (bool, error) {
		if !strings.HasSuffix(p, "/") {
			return !r.ours(j, p), nil
		}
		files, err := r.filesUnder(strings.TrimSuffix(p, "/"))
		if err != nil {
			return false, err
		}
		for _, f := range files {
			if !r.ours(j, f) {
				return true, nil
			}
		}
		return len(files) == 0, nil
	}
	for _, list := range []*[]string{&w.Modified, &w.Untracked} {
		out := (*list)[:0]
		for _, p := range *list {
			k, err := keep(p)
			if err != nil {
				return err
			}
			if k {
				out = append(out, p)
			}
		}
		*list = out
	}
	return nil
}
