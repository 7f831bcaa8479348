package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

var owned = []string{"spaces", "groups", "users"}

var testOpts = CommitOptions{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

func newRepo(t testing.TB) *Repo {
	t.Helper()
	r, err := OpenOrInit(filepath.Join(t.TempDir(), "repo"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// snapshot writes files and commits every change; it fails the test on error.
func snapshot(t testing.TB, r *Repo, files Files, msg string) (Changes, string) {
	t.Helper()
	ch, err := r.WriteTree(files, owned)
	if err != nil {
		t.Fatalf("WriteTree: %v", err)
	}
	h, _, err := r.Commit(ch.Paths(), msg, testOpts)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return ch, h
}

func mustEqualFiles(t *testing.T, got, want Files) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("files differ:\n got  %s\n want %s", describe(got), describe(want))
	}
}

func describe(f Files) string {
	var parts []string
	for _, k := range sortedKeys(f) {
		parts = append(parts, k+"="+string(f[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func writeRaw(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listAll returns every path below root except .git, folders marked with "/".
func listAll(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH: skipping the real-git interoperability test")
	}
}

// gitCLI runs the real git CLI in dir with a fixed identity and no user config.
func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=CLI", "GIT_AUTHOR_EMAIL=cli@example.com",
		"GIT_COMMITTER_NAME=CLI", "GIT_COMMITTER_EMAIL=cli@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
