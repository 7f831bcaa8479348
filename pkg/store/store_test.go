package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRoundTripAndIdempotence(t *testing.T) {
	r := newRepo(t)
	files := Files{
		"spaces/finance.yaml":    []byte("kind: Space\nname: Finance\n"),
		"spaces/sub/deep.yaml":   []byte("deep\n"),
		"groups/analysts.yaml":   []byte("kind: Group\n"),
		"qlikops.yaml":           []byte("tenant: x\n"),
		".qlikops/manifest.json": []byte("{}\n"),
		"users/empty.yaml":       {},
	}
	ch, err := r.WriteTree(files, owned)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Added) != len(files) || len(ch.Modified)+len(ch.Deleted) != 0 {
		t.Fatalf("first write: %+v", ch)
	}
	h, committed, err := r.Commit(ch.Paths(), "export 1", testOpts)
	if err != nil || !committed || len(h) != 40 {
		t.Fatalf("Commit = %q, %v, %v", h, committed, err)
	}
	for _, rev := range []string{"", "HEAD", "main", h} {
		got, err := r.ReadRev(rev)
		if err != nil {
			t.Fatalf("ReadRev(%q): %v", rev, err)
		}
		mustEqualFiles(t, got, files)
	}
	wt, err := r.ReadWorktree()
	if err != nil {
		t.Fatal(err)
	}
	mustEqualFiles(t, wt, files)

	// An identical second run changes nothing, rewrites nothing, commits nothing.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	p := filepath.Join(r.Dir(), "spaces", "finance.yaml")
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	ch, err = r.WriteTree(files, owned)
	if err != nil || !ch.Empty() {
		t.Fatalf("second write: %+v, %v", ch, err)
	}
	if fi, _ := os.Stat(p); !fi.ModTime().Equal(old) {
		t.Fatalf("unchanged file was rewritten: mtime %v, want %v", fi.ModTime(), old)
	}
	h2, committed, err := r.Commit(sortedKeys(files), "export 2", testOpts)
	if err != nil || committed || h2 != "" {
		t.Fatalf("no-op Commit = %q, %v, %v", h2, committed, err)
	}
	if log, _ := r.Log(10); len(log) != 1 || log[0].Hash != h || log[0].Message != "export 1\n" {
		t.Fatalf("Log = %+v", log)
	}
}

func TestModesAreDeterministic(t *testing.T) {
	r := newRepo(t)
	writeRaw(t, r.Dir(), "spaces/a.yaml", "x")
	if err := os.Chmod(filepath.Join(r.Dir(), "spaces/a.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.WriteTree(Files{"spaces/a.yaml": []byte("x"), "spaces/n/b.yaml": []byte("y")}, owned); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]os.FileMode{"spaces/a.yaml": 0o644, "spaces/n/b.yaml": 0o644, "spaces/n": 0o755 | os.ModeDir} {
		fi, err := os.Stat(filepath.Join(r.Dir(), rel))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
			t.Errorf("%s mode %v, want %v", rel, got, want)
		}
	}
}

func TestDeleteWithinOwnedKeepsEverythingElse(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, Files{
		"spaces/a.yaml":     []byte("a"),
		"spaces/sub/b.yaml": []byte("b"),
		"groups/g.yaml":     []byte("g"),
	}, "one")
	writeRaw(t, r.Dir(), "README.md", "mine")
	writeRaw(t, r.Dir(), "automations/x.yaml", "not owned this run")
	writeRaw(t, r.Dir(), "spaces/sub/.qlikops-tmp-123", "crash leftover")

	next := Files{"spaces/a.yaml": []byte("a2"), "groups/g.yaml": []byte("g")}
	ch, h := snapshot(t, r, next, "two")
	if strings.Join(ch.Modified, ",") != "spaces/a.yaml" || strings.Join(ch.Deleted, ",") != "spaces/sub/b.yaml" || len(ch.Added) != 0 {
		t.Fatalf("changes %+v", ch)
	}
	got, err := r.ReadRev(h)
	if err != nil {
		t.Fatal(err)
	}
	mustEqualFiles(t, got, next)
	want := []string{"README.md", "automations/", "automations/x.yaml", "groups/", "groups/g.yaml", "spaces/", "spaces/a.yaml"}
	if all := listAll(t, r.Dir()); strings.Join(all, " ") != strings.Join(want, " ") {
		t.Fatalf("worktree %v, want %v (emptied folder spaces/sub must go)", all, want)
	}

	// Emptying a kind removes its folder and commits the deletion.
	_, h = snapshot(t, r, Files{"groups/g.yaml": []byte("g")}, "three")
	if got, _ := r.ReadRev(h); len(got) != 1 {
		t.Fatalf("after emptying spaces: %s", describe(got))
	}
	if _, err := os.Lstat(filepath.Join(r.Dir(), "spaces")); !os.IsNotExist(err) {
		t.Fatalf("empty owned folder kept: %v", err)
	}
}

func TestFileAndFolderSwap(t *testing.T) {
	r := newRepo(t)
	steps := []Files{
		{"spaces/a": []byte("file"), "spaces/z.yaml": []byte("z")},
		{"spaces/a/b.yaml": []byte("now a folder"), "spaces/z.yaml": []byte("z")},
		{"spaces/a": []byte("file again")},
	}
	for i, files := range steps {
		_, h := snapshot(t, r, files, "step")
		got, err := r.ReadRev(h)
		if err != nil {
			t.Fatal(err)
		}
		mustEqualFiles(t, got, files)
		wt, _ := r.ReadWorktree()
		if mustEqualFiles(t, wt, files); t.Failed() {
			t.Fatalf("step %d", i)
		}
	}
}

func TestReadRevForms(t *testing.T) {
	r := newRepo(t)
	_, h1 := snapshot(t, r, Files{"spaces/a.yaml": []byte("1")}, "one")
	_, h2 := snapshot(t, r, Files{"spaces/a.yaml": []byte("2")}, "two")
	_, h3 := snapshot(t, r, Files{"spaces/a.yaml": []byte("3")}, "three")
	gr := r.repo
	if _, err := gr.CreateTag("light", hashOf(t, h1), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := gr.CreateTag("v2", hashOf(t, h2), &tagOpts); err != nil {
		t.Fatal(err)
	}
	writeBranch(t, r, "feature", h1)

	cases := map[string]string{
		"": h3, "HEAD": h3, "main": h3, "HEAD~1": h2, "main^": h2, "HEAD~2": h1,
		"light": h1, "v2": h2, "refs/tags/v2": h2, "feature": h1,
		h1[:7]: h1, h2: h2, "v2~1": h1,
	}
	for rev, want := range cases {
		got, err := r.ResolveRev(rev)
		if err != nil || got != want {
			t.Errorf("ResolveRev(%q) = %s, %v; want %s", rev, got, err, want)
		}
	}
	files, err := r.ReadRev("v2")
	if err != nil || string(files["spaces/a.yaml"]) != "2" {
		t.Fatalf("ReadRev(v2) = %s, %v", describe(files), err)
	}
	// git needs 4 hex digits; shorter ones must not match any object.
	for _, bad := range []string{"nope", "HEAD~9", h1[:3], h1[:1], "deadbeefdeadbeef", "main..x", "^{"} {
		_, err := r.ReadRev(bad)
		if !errors.Is(err, ErrUnknownRevision) || !strings.Contains(err.Error(), bad) {
			t.Errorf("ReadRev(%q) error %v, want ErrUnknownRevision naming it", bad, err)
		}
	}
}

func TestEmptyRepo(t *testing.T) {
	r := newRepo(t)
	for _, rev := range []string{"", "HEAD"} {
		if _, err := r.ReadRev(rev); !errors.Is(err, ErrNoCommits) {
			t.Errorf("ReadRev(%q) on empty repo: %v, want ErrNoCommits", rev, err)
		}
	}
	if _, err := r.Log(5); !errors.Is(err, ErrNoCommits) {
		t.Errorf("Log on empty repo: %v", err)
	}
	if h, ok, err := r.Commit(nil, "nothing", testOpts); err != nil || ok || h != "" {
		t.Errorf("empty Commit on empty repo = %q, %v, %v", h, ok, err)
	}
	if _, err := r.ReadRev("main"); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("ReadRev(main) on empty repo: %v", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not a git repository") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Open(non-repo) = %v", err)
	}
	r, err := OpenOrInit(filepath.Join(dir, "new"))
	if err != nil {
		t.Fatal(err)
	}
	head, _ := os.ReadFile(filepath.Join(r.Dir(), ".git", "HEAD"))
	if string(head) != "ref: refs/heads/main\n" {
		t.Fatalf("HEAD = %q", head)
	}
	r2, err := Open(filepath.Join(dir, "new"))
	if err != nil || r2.Dir() != r.Dir() {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := OpenOrInit(r.Dir()); err != nil {
		t.Fatalf("OpenOrInit on existing repo: %v", err)
	}
}

func TestCommitRefusesDetachedHead(t *testing.T) {
	r := newRepo(t)
	_, h := snapshot(t, r, Files{"spaces/a.yaml": []byte("1")}, "one")
	if err := os.WriteFile(filepath.Join(r.Dir(), ".git", "HEAD"), []byte(h+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, r.Dir(), "spaces/a.yaml", "2")
	if _, _, err := r.Commit([]string{"spaces/a.yaml"}, "x", testOpts); err == nil || !strings.Contains(err.Error(), "detached") {
		t.Fatalf("Commit on detached HEAD: %v", err)
	}
}

// A folder passed to Commit is not a file, but it is not gone either: what
// HEAD holds below it must stay.
func TestCommitOfAFolderPathKeepsItsContent(t *testing.T) {
	r := newRepo(t)
	files := Files{"spaces/a/b.yaml": []byte("b"), "spaces/c.yaml": []byte("c")}
	snapshot(t, r, files, "one")
	if h, ok, err := r.Commit([]string{"spaces/a", "spaces"}, "folders", testOpts); err != nil || ok {
		t.Fatalf("Commit(folders) = %q, %v, %v", h, ok, err)
	}
	got, err := r.ReadRev("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	mustEqualFiles(t, got, files)
}

// The branch moves by compare-and-swap: a commit made meanwhile by someone
// else is never overwritten.
func TestBranchMoveDetectsConcurrentCommit(t *testing.T) {
	r := newRepo(t)
	_, h1 := snapshot(t, r, Files{"spaces/a.yaml": []byte("1")}, "one")
	_, h2 := snapshot(t, r, Files{"spaces/a.yaml": []byte("2")}, "two")
	// We believe the branch is still at h1; it is at h2.
	if err := r.moveRef("refs/heads/main", hashOf(t, h1), hashOf(t, h1)); err == nil {
		t.Fatal("moved a branch that changed underneath")
	}
	if now, _ := r.ResolveRev("main"); now != h2 {
		t.Fatalf("branch at %s, want %s", now, h2)
	}
}

// A run killed while writing the manifest leaves a temp file in .qlikops/
// (or at the root); the next write removes it even when it writes nothing
// there, so git status stays clean.
func TestLeftoverTempFilesBesideRootFilesAreRemoved(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, Files{"spaces/a.yaml": []byte("a"), ".qlikops/manifest.json": []byte("{}")}, "one")
	writeRaw(t, r.Dir(), ".qlikops/.qlikops-tmp-99", "half a manifest")
	writeRaw(t, r.Dir(), ".qlikops-tmp-7", "half a config")
	writeRaw(t, r.Dir(), ".qlikops/keep.txt", "not ours")
	if _, err := r.WriteTree(Files{"spaces/a.yaml": []byte("a")}, []string{"spaces"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".qlikops/.qlikops-tmp-99", ".qlikops-tmp-7"} {
		if _, err := os.Stat(filepath.Join(r.Dir(), p)); !os.IsNotExist(err) {
			t.Errorf("%s survived: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), ".qlikops", "keep.txt")); err != nil {
		t.Errorf("a file that is not ours went: %v", err)
	}
}
