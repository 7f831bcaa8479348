package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// TestRealGitInterop checks what we write with the real git CLI: a repo made
// by `git init` (branch master, a tracked file we do not own, an untracked
// one), our commits, the index (git status), fsck, and packed refs.
func TestRealGitInterop(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "work")
	gitCLI(t, t.TempDir(), "init", "-q", "-b", "master", dir)
	writeRaw(t, dir, "README.md", "hand written\n")
	gitCLI(t, dir, "add", "README.md")
	gitCLI(t, dir, "commit", "-q", "-m", "by hand")
	writeRaw(t, dir, "notes.txt", "untracked\n")

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := Files{
		"spaces/finance.yaml":    []byte("name: Finance\n"),
		"spaces/hr/team.yaml":    []byte("name: HR\n"),
		"groups/analysts.yaml":   []byte("name: Analysts\n"),
		".qlikops/manifest.json": []byte("{\"run\":1}\n"),
		// Git orders "x-z.yaml" < "x.yaml" < "x/" in a tree; fsck checks it.
		"spaces/x.yaml":   []byte("x\n"),
		"spaces/x-z.yaml": []byte("xz\n"),
		"spaces/x/y.yaml": []byte("y\n"),
	}
	_, h1 := snapshot(t, r, files, "qlikops export: 4 added")
	if h1 == "" {
		t.Fatal("no commit")
	}
	assertGit(t, dir, h1, files)
	if st := gitCLI(t, dir, "status", "--porcelain"); st != "?? notes.txt\n" {
		t.Fatalf("git status after our commit:\n%s", st)
	}
	if out := gitCLI(t, dir, "log", "--oneline"); !strings.Contains(out, "qlikops export: 4 added") || !strings.Contains(out, "by hand") {
		t.Fatalf("git log:\n%s", out)
	}

	// Packed refs and packed objects (after git gc) must not confuse us; a
	// folder replaced by a file and a deletion must leave git status clean.
	gitCLI(t, dir, "gc", "-q")
	delete(files, "spaces/hr/team.yaml")
	files["spaces/hr"] = []byte("now a file\n")
	files["spaces/finance.yaml"] = []byte("name: Finance\ndescription: changed\n")
	_, h2 := snapshot(t, r, files, "qlikops export: changes")
	assertGit(t, dir, h2, files)
	if st := gitCLI(t, dir, "status", "--porcelain"); st != "?? notes.txt\n" {
		t.Fatalf("git status after second commit:\n%s", st)
	}
	if parent := strings.TrimSpace(gitCLI(t, dir, "rev-parse", "HEAD~1")); parent != h1 {
		t.Fatalf("HEAD~1 = %s, want %s", parent, h1)
	}
	if _, err := r.RecordRun([]byte(`{"run":2}`), "run 2", testOpts); err != nil {
		t.Fatal(err)
	}
	if got := gitCLI(t, dir, "show", "refs/qlikops/runs:manifest.json"); got != `{"run":2}` {
		t.Fatalf("run record via git: %q", got)
	}
	gitCLI(t, dir, "fsck", "--strict", "--no-dangling")

}

// TestPushToBareRemote pushes what we committed, branch and run records,
// with go-git to a bare remote made by `git init --bare`, then checks it with
// git fsck, git log and a git clone.
func TestPushToBareRemote(t *testing.T) {
	needGit(t)
	r := newRepo(t)
	files := Files{"spaces/finance.yaml": []byte("name: Finance\n"), "groups/g.yaml": []byte("g\n")}
	snapshot(t, r, files, "export 1")
	files["spaces/finance.yaml"] = []byte("name: Finance\nchanged: true\n")
	snapshot(t, r, files, "export 2")
	writeRaw(t, r.Dir(), "notes.txt", "untracked\n")
	if _, err := r.RecordRun([]byte(`{"run":2}`), "run 2", testOpts); err != nil {
		t.Fatal(err)
	}
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitCLI(t, t.TempDir(), "init", "-q", "--bare", remote)
	if _, err := r.repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remote}}); err != nil {
		t.Fatal(err)
	}
	err := r.repo.Push(&gogit.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{
		"refs/heads/main:refs/heads/main", "refs/qlikops/runs:refs/qlikops/runs",
	}})
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	gitCLI(t, remote, "fsck", "--strict", "--no-dangling")
	if got := gitCLI(t, remote, "log", "--format=%s", "main"); got != "export 2\nexport 1\n" {
		t.Fatalf("remote log: %q", got)
	}
	if got := gitCLI(t, remote, "log", "-1", "--format=%s", "refs/qlikops/runs"); got != "run 2\n" {
		t.Fatalf("remote run ref: %q", got)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	gitCLI(t, t.TempDir(), "clone", "-q", "-b", "main", remote, clone)
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(clone, filepath.FromSlash(p)))
		if err != nil || string(got) != string(want) {
			t.Fatalf("clone %s = %q, %v; want %q", p, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(clone, "notes.txt")); !os.IsNotExist(err) {
		t.Fatal("untracked file was committed")
	}
	// What git wrote, we read: ReadRev of the clone agrees.
	cloned, err := Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cloned.ReadRev("origin/main")
	if err != nil {
		t.Fatal(err)
	}
	mustEqualFiles(t, got, files)
}

// assertGit checks HEAD and every file through `git show`.
func assertGit(t *testing.T, dir, head string, files Files) {
	t.Helper()
	if got := strings.TrimSpace(gitCLI(t, dir, "rev-parse", "HEAD")); got != head {
		t.Fatalf("git HEAD %s, we committed %s", got, head)
	}
	for p, want := range files {
		if got := gitCLI(t, dir, "show", "HEAD:"+p); got != string(want) {
			t.Fatalf("git show HEAD:%s = %q, want %q", p, got, want)
		}
	}
	if out := gitCLI(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); !strings.Contains(out, "README.md") {
		t.Fatalf("the hand-made file vanished from HEAD:\n%s", out)
	}
}
