package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPathValidationWritesNothing(t *testing.T) {
	bad := []string{
		"../x", "/abs", "spaces/../../b", "spaces/a\x00b", "spaces/./a", "spaces//a", "spaces/a/",
		`spaces\a`, "x.yaml", "spaces", ".git/config", "spaces/.git/hooks/x", "spaces/.GIT/x",
		"automations/a.yaml", ".qlikops/other.json", "",
	}
	for _, p := range bad {
		r := newRepo(t)
		_, err := r.WriteTree(Files{"spaces/ok.yaml": []byte("ok"), p: []byte("evil")}, owned)
		if !errors.Is(err, ErrInvalidPath) {
			t.Errorf("WriteTree(%q) error %v, want ErrInvalidPath", p, err)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(p)) {
			t.Errorf("error %q does not name the path %q", err, p)
		}
		if all := listAll(t, r.Dir()); len(all) != 0 {
			t.Errorf("WriteTree(%q) wrote %v", p, all)
		}
	}
}

func TestInvalidOwnedFolders(t *testing.T) {
	r := newRepo(t)
	for _, o := range []string{"", "..", "a/b", ".git", ".qlikops", "/x"} {
		if _, err := r.WriteTree(Files{}, []string{o}); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("owned %q: %v", o, err)
		}
	}
}

func TestSymlinkedFolderIsRefused(t *testing.T) {
	r := newRepo(t)
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(r.Dir(), "spaces"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(r.Dir(), "spaces", "link")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	_, err := r.WriteTree(Files{"spaces/ok.yaml": []byte("ok"), "spaces/link/x.yaml": []byte("evil")}, owned)
	if !errors.Is(err, ErrInvalidPath) || !strings.Contains(err.Error(), "spaces/link/x.yaml") {
		t.Fatalf("write through symlink: %v", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("wrote outside the repo: %v", ents)
	}
	if _, err := os.Lstat(filepath.Join(r.Dir(), "spaces", "ok.yaml")); !os.IsNotExist(err) {
		t.Fatalf("a valid file was written before the error: %v", err)
	}
	// Commit must not read through it either.
	writeRaw(t, outside, "secret.yaml", "s3cret")
	if _, _, err := r.Commit([]string{"spaces/link/secret.yaml"}, "x", testOpts); err == nil {
		t.Fatal("Commit read through a symlinked folder")
	}
	// A symlinked owned folder is refused as a whole.
	if err := os.Symlink(outside, filepath.Join(r.Dir(), "groups")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.WriteTree(Files{"groups/g.yaml": []byte("g")}, owned); err == nil {
		t.Fatal("write into a symlinked owned folder")
	}
	if _, err := os.Lstat(filepath.Join(outside, "g.yaml")); !os.IsNotExist(err) {
		t.Fatal("wrote through symlinked owned folder")
	}
	// ReadWorktree skips symlinks instead of following them out of the repo.
	files, err := r.ReadWorktree()
	if err != nil {
		t.Fatal(err)
	}
	for p := range files {
		if strings.Contains(p, "secret") || strings.HasPrefix(p, "groups/") {
			t.Fatalf("ReadWorktree followed a symlink: %s", p)
		}
	}
}

func TestSymlinkFileInOwnedFolderIsReplacedNotFollowed(t *testing.T) {
	r := newRepo(t)
	outside := t.TempDir()
	writeRaw(t, outside, "target.yaml", "keep me")
	if err := os.MkdirAll(filepath.Join(r.Dir(), "spaces"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(r.Dir(), "spaces", "a.yaml")
	if err := os.Symlink(filepath.Join(outside, "target.yaml"), link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := os.Symlink(filepath.Join(outside, "target.yaml"), filepath.Join(r.Dir(), "spaces", "b.yaml")); err != nil {
		t.Fatal(err)
	}
	ch, err := r.WriteTree(Files{"spaces/a.yaml": []byte("new")}, owned)
	if err != nil {
		t.Fatal(err)
	}
	// a.yaml is replaced; b.yaml is not ours (HEAD never tracked it), so it
	// stays, a link still, and its target is never followed.
	if strings.Join(ch.Modified, ",") != "spaces/a.yaml" || len(ch.Deleted) != 0 {
		t.Fatalf("changes %+v", ch)
	}
	if fi, err := os.Lstat(filepath.Join(r.Dir(), "spaces", "b.yaml")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("untracked symlink b.yaml: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "target.yaml")); string(b) != "keep me" {
		t.Fatalf("symlink target was written: %q", b)
	}
	if fi, _ := os.Lstat(link); !fi.Mode().IsRegular() {
		t.Fatalf("a.yaml is still a symlink")
	}
}

func TestCommitPathValidation(t *testing.T) {
	r := newRepo(t)
	for _, p := range []string{"../x", "/abs", "a/../../b", "a\x00b", ".git/config"} {
		if _, _, err := r.Commit([]string{p}, "x", testOpts); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("Commit(%q): %v", p, err)
		}
	}
	if _, _, err := r.Commit([]string{"a"}, "  ", testOpts); err == nil {
		t.Error("empty message accepted")
	}
}

// TestCommitWritesOnlyChangedObjects pins the performance design: one
// changed file among many writes one blob, the trees on its path and one
// commit, nothing else.
func TestCommitWritesOnlyChangedObjects(t *testing.T) {
	r := newRepo(t)
	files := Files{}
	for i := 0; i < 30; i++ {
		for j := 0; j < 10; j++ {
			files[fmt.Sprintf("spaces/s%02d/f%02d.yaml", i, j)] = []byte(fmt.Sprintf("content %d %d", i, j))
		}
	}
	snapshot(t, r, files, "big")
	before := countObjects(t, r)
	files["spaces/s07/f03.yaml"] = []byte("changed")
	ch, h := snapshot(t, r, files, "one change")
	if len(ch.Paths()) != 1 || h == "" {
		t.Fatalf("changes %+v, commit %q", ch, h)
	}
	// blob + spaces/s07 + spaces + root tree + commit
	if got := countObjects(t, r) - before; got != 5 {
		t.Fatalf("one change wrote %d objects, want 5", got)
	}
}

func countObjects(t *testing.T, r *Repo) int {
	t.Helper()
	n := 0
	dirs, _ := filepath.Glob(filepath.Join(r.gitDir, "objects", "[0-9a-f][0-9a-f]"))
	for _, d := range dirs {
		ents, _ := os.ReadDir(d)
		n += len(ents)
	}
	return n
}
