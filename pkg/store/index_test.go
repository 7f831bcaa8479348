package store

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepoWithHistory makes a repo with the git CLI: a tracked README and
// one owned file, both committed by git.
func gitRepoWithHistory(t *testing.T) (*Repo, string) {
	t.Helper()
	needGit(t)
	dir := filepath.Join(t.TempDir(), "work")
	gitCLI(t, t.TempDir(), "init", "-q", "-b", "main", dir)
	writeRaw(t, dir, "README.md", "readme\n")
	writeRaw(t, dir, "spaces/a.yaml", "a\n")
	gitCLI(t, dir, "add", ".")
	gitCLI(t, dir, "commit", "-q", "-m", "by hand")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r, dir
}

func TestIndexKeepsUserFlagsAndStagedWork(t *testing.T) {
	r, dir := gitRepoWithHistory(t)
	gitCLI(t, dir, "update-index", "--assume-unchanged", "README.md")
	writeRaw(t, dir, "staged.txt", "user work\n")
	gitCLI(t, dir, "add", "staged.txt")
	writeRaw(t, dir, "intent.txt", "later\n")
	gitCLI(t, dir, "add", "-N", "intent.txt")

	_, h := snapshot(t, r, Files{"spaces/a.yaml": []byte("a2\n"), "spaces/b.yaml": []byte("b\n")}, "export")
	if h == "" {
		t.Fatal("no commit")
	}
	if out := gitCLI(t, dir, "ls-files", "-v", "README.md"); out != "h README.md\n" {
		t.Fatalf("assume-unchanged flag lost: %q", out)
	}
	st := gitCLI(t, dir, "status", "--porcelain")
	if st != " A intent.txt\nA  staged.txt\n" {
		t.Fatalf("git status:\n%s", st)
	}
	if out := gitCLI(t, dir, "show", "--name-only", "--format=", "HEAD"); out != "spaces/a.yaml\nspaces/b.yaml\n" {
		t.Fatalf("commit held more than our paths: %q", out)
	}
}

func TestIndexVersion4(t *testing.T) {
	r, dir := gitRepoWithHistory(t)
	gitCLI(t, dir, "update-index", "--index-version", "4")
	snapshot(t, r, Files{"spaces/a.yaml": []byte("changed\n"), "spaces/deep/x.yaml": []byte("x\n")}, "export")
	if st := gitCLI(t, dir, "status", "--porcelain"); st != "" {
		t.Fatalf("git status after commit over a v4 index:\n%s", st)
	}
	gitCLI(t, dir, "fsck", "--strict", "--no-dangling")
}

func TestRequiredIndexExtensionStopsCommit(t *testing.T) {
	r, dir := gitRepoWithHistory(t)
	gitCLI(t, dir, "update-index", "--split-index")
	before := gitCLI(t, dir, "rev-parse", "HEAD")
	writeRaw(t, dir, "spaces/a.yaml", "changed\n")
	_, _, err := r.Commit([]string{"spaces/a.yaml"}, "x", testOpts)
	if err == nil || !strings.Contains(err.Error(), "index") {
		t.Fatalf("Commit over a split index: %v", err)
	}
	if after := gitCLI(t, dir, "rev-parse", "HEAD"); after != before {
		t.Fatal("the branch moved although the index could not be updated")
	}
	gitCLI(t, dir, "status") // the index is still git's own and valid
}

func TestIndexCodecRoundTrip(t *testing.T) {
	r, dir := gitRepoWithHistory(t)
	gitCLI(t, dir, "update-index", "--assume-unchanged", "README.md")
	writeRaw(t, dir, "intent.txt", "later\n")
	gitCLI(t, dir, "add", "-N", "intent.txt")
	entries, err := r.loadIndex()
	if err != nil || len(entries) != 3 {
		t.Fatalf("loadIndex: %d entries, %v", len(entries), err)
	}
	before := gitCLI(t, dir, "ls-files", "-s", "-v", "--debug")
	if err := r.writeIndex(encodeIndex(entries)); err != nil {
		t.Fatal(err)
	}
	if after := gitCLI(t, dir, "ls-files", "-s", "-v", "--debug"); after != before {
		t.Fatalf("index changed by a decode/encode round trip:\n%s\nvs\n%s", before, after)
	}
	again, _ := r.loadIndex()
	if !bytes.Equal(encodeIndex(again), encodeIndex(entries)) {
		t.Fatal("encoding is not stable")
	}
	if _, err := decodeIndex([]byte("DIRC garbage that is long enough to check")); err == nil {
		t.Fatal("corrupt index accepted")
	}
}
