package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// WriteTree deletes only what HEAD tracked: an untracked file, an untracked
// folder and a nested repository inside an owned folder all survive a
// snapshot that no longer has any of the tracked files there.
func TestWriteTreeDeletesOnlyWhatHeadOwned(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, Files{"spaces/a.yaml": []byte("a"), "spaces/b.yaml": []byte("b")}, "one")
	writeRaw(t, r.Dir(), "spaces/README.md", "notes")
	writeRaw(t, r.Dir(), "spaces/drafts/x.yaml", "draft")
	writeRaw(t, r.Dir(), "spaces/nested/.git/HEAD", "ref: refs/heads/main\n")
	writeRaw(t, r.Dir(), "spaces/nested/work.yaml", "theirs")
	ch, err := r.WriteTree(Files{"spaces/a.yaml": []byte("a")}, owned)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ch.Deleted, ",") != "spaces/b.yaml" {
		t.Fatalf("deleted %v, want only spaces/b.yaml", ch.Deleted)
	}
	for _, p := range []string{"spaces/README.md", "spaces/drafts/x.yaml", "spaces/nested/.git/HEAD", "spaces/nested/work.yaml"} {
		if _, err := os.Stat(filepath.Join(r.Dir(), p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// Nothing is written into a nested repository either.
	_, err = r.WriteTree(Files{"spaces/nested/new.yaml": []byte("x")}, owned)
	if err == nil || !strings.Contains(err.Error(), "nested repository spaces/nested/") {
		t.Fatalf("write into a nested repo: %v", err)
	}
}

func TestFindLocalWork(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, Files{
		"spaces/a.yaml": []byte("a"), "spaces/b.yaml": []byte("b"), "spaces/sub/c.yaml": []byte("c"),
		"groups/g.yaml": []byte("g"), "qlikops.yaml": []byte("tenant: x\n"),
	}, "one")
	scope := []string{"spaces", "users"}
	roots := []string{"qlikops.yaml", ".qlikops/manifest.json"}
	w, err := r.FindLocalWork(scope, roots)
	if err != nil || !w.Empty() {
		t.Fatalf("clean tree: %+v, %v", w, err)
	}
	// Same size, and an mtime the index does not know: found by its hash.
	writeRaw(t, r.Dir(), "spaces/a.yaml", "A")
	if err := os.Remove(filepath.Join(r.Dir(), "spaces/b.yaml")); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, r.Dir(), "qlikops.yaml", "tenant: mine\n")
	writeRaw(t, r.Dir(), "groups/g.yaml", "out of scope")
	writeRaw(t, r.Dir(), "spaces/README.md", "notes")
	writeRaw(t, r.Dir(), "spaces/drafts/x.yaml", "draft")
	writeRaw(t, r.Dir(), "spaces/drafts/deeper/y.yaml", "draft")
	writeRaw(t, r.Dir(), "spaces/sub/d.yaml", "new beside tracked")
	writeRaw(t, r.Dir(), "spaces/nested/.git/HEAD", "ref: refs/heads/main\n")
	writeRaw(t, r.Dir(), "spaces/.qlikops-tmp-1", "our crash leftover")
	writeRaw(t, r.Dir(), "users/u.yaml", "a folder HEAD lacks")
	if err := os.MkdirAll(filepath.Join(r.Dir(), "spaces/empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err = r.FindLocalWork(scope, roots)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got []string, want string) {
		t.Helper()
		if strings.Join(got, " ") != want {
			t.Errorf("%s = %v, want %s", what, got, want)
		}
	}
	check("modified", w.Modified, "qlikops.yaml spaces/a.yaml spaces/b.yaml")
	check("untracked", w.Untracked, "spaces/README.md spaces/drafts/ spaces/sub/d.yaml users/")
	check("nested", w.Nested, "spaces/nested/")

	// A file put back to HEAD's bytes is clean again (its new mtime makes
	// it hashed, and the hash matches).
	writeRaw(t, r.Dir(), "spaces/a.yaml", "a")
	w, err = r.FindLocalWork([]string{"spaces"}, nil)
	if err != nil || strings.Join(w.Modified, " ") != "spaces/b.yaml" {
		t.Fatalf("after restoring a.yaml: %+v, %v", w, err)
	}
}

// The saved ref holds the working-tree versions on top of HEAD, and git
// shows them; HEAD, the index and the files themselves are untouched.
func TestSaveLocalWork(t *testing.T) {
	needGit(t)
	r := newRepo(t)
	_, head := snapshot(t, r, Files{"spaces/a.yaml": []byte("a"), "spaces/b.yaml": []byte("b")}, "one")
	writeRaw(t, r.Dir(), "spaces/a.yaml", "edited")
	if err := os.Remove(filepath.Join(r.Dir(), "spaces/b.yaml")); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, r.Dir(), "spaces/drafts/x.yaml", "draft")
	writeRaw(t, r.Dir(), "spaces/drafts/nested/.git/HEAD", "ref: refs/heads/main\n")
	when := time.Date(2026, 12, 8, 1, 2, 3, 0, time.UTC)
	ref, err := r.SaveLocalWork([]string{"spaces/a.yaml", "spaces/b.yaml", "spaces/drafts/"}, "saved", when)
	if err != nil {
		t.Fatal(err)
	}
	if ref != "refs/qlikops/saved/20261208T010203Z" {
		t.Errorf("ref %s", ref)
	}
	if got := gitCLI(t, r.Dir(), "show", ref+":spaces/a.yaml"); got != "edited" {
		t.Errorf("saved a.yaml = %q", got)
	}
	if got := gitCLI(t, r.Dir(), "show", ref+":spaces/drafts/x.yaml"); got != "draft" {
		t.Errorf("saved draft = %q", got)
	}
	if got := gitCLI(t, r.Dir(), "ls-tree", "-r", "--name-only", ref); got != "spaces/a.yaml\nspaces/drafts/x.yaml\n" {
		t.Errorf("saved tree:\n%s", got)
	}
	if got := strings.TrimSpace(gitCLI(t, r.Dir(), "rev-parse", ref+"^")); got != head {
		t.Errorf("parent %s, want HEAD %s", got, head)
	}
	if got := strings.TrimSpace(gitCLI(t, r.Dir(), "rev-parse", "HEAD")); got != head {
		t.Errorf("HEAD moved to %s", got)
	}
	gitCLI(t, r.Dir(), "fsck", "--no-dangling")
	// A second save in the same second gets its own ref.
	ref2, err := r.SaveLocalWork([]string{"spaces/a.yaml"}, "saved", when)
	if err != nil || ref2 == ref || !strings.HasPrefix(ref2, ref) {
		t.Errorf("second save: %s, %v", ref2, err)
	}
}

// A run killed between WriteTree and Commit leaves its writes uncommitted;
// they are not local work for the next run, unless someone changed them
// since. A commit clears the journal.
func TestCrashedRunsWritesAreNotLocalWork(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, Files{"spaces/a.yaml": []byte("a"), "spaces/b.yaml": []byte("b")}, "one")
	next := Files{"spaces/a.yaml": []byte("a2"), "spaces/new/c.yaml": []byte("c")}
	ch, err := r.WriteTree(next, owned) // ... and the run dies here
	if err != nil || len(ch.Deleted) != 1 {
		t.Fatalf("WriteTree: %+v %v", ch, err)
	}
	w, err := r.FindLocalWork([]string{"spaces"}, nil)
	if err != nil || !w.Empty() {
		t.Fatalf("a crashed run's own writes: %+v, %v", w, err)
	}
	writeRaw(t, r.Dir(), "spaces/new/c.yaml", "edited after the crash")
	writeRaw(t, r.Dir(), "spaces/b.yaml", "recreated by hand")
	w, err = r.FindLocalWork([]string{"spaces"}, nil)
	if err != nil || strings.Join(w.Modified, " ") != "spaces/b.yaml" || strings.Join(w.Untracked, " ") != "spaces/new/" {
		t.Fatalf("edits after the crash: %+v, %v", w, err)
	}
	if _, err := r.WriteTree(next, owned); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Commit([]string{"spaces/a.yaml", "spaces/b.yaml", "spaces/new/c.yaml"}, "two", testOpts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(r.journalPath()); !os.IsNotExist(err) {
		t.Fatalf("journal kept after the commit: %v", err)
	}
}
