package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// bench10k builds a committed repo of 10,000 files (100 folders of 100).
// The files are written directly, not with WriteTree, so setup does not pay
// 10,000 fsyncs; the commit of all of them is the same code path as export.
func bench10k(b *testing.B) (*Repo, Files) {
	b.Helper()
	r := newRepo(b)
	files := Files{}
	paths := make([]string, 0, 10000)
	for i := 0; i < 100; i++ {
		for j := 0; j < 100; j++ {
			p := fmt.Sprintf("spaces/space-%03d/app-%03d.yaml", i, j)
			files[p] = []byte(fmt.Sprintf("apiVersion: qlikops.dev/v1\nkind: App\nmetadata:\n  name: app %d %d\nspec:\n  description: a typical small document of a few lines\n", i, j))
			writeRaw(b, r.Dir(), p, string(files[p]))
			paths = append(paths, p)
		}
	}
	if _, ok, err := r.Commit(paths, "initial 10k", testOpts); err != nil || !ok {
		b.Fatalf("initial commit: %v", err)
	}
	return r, files
}

// BenchmarkCommitOneChangeIn10k: one file of 10,000 changes, then Commit.
func BenchmarkCommitOneChangeIn10k(b *testing.B) {
	r, _ := bench10k(b)
	p := "spaces/space-042/app-007.yaml"
	abs := filepath.Join(r.Dir(), filepath.FromSlash(p))
	i := 0
	for b.Loop() {
		i++
		if err := os.WriteFile(abs, []byte(fmt.Sprintf("changed %d\n", i)), 0o644); err != nil {
			b.Fatal(err)
		}
		if _, ok, err := r.Commit([]string{p}, "one change", testOpts); err != nil || !ok {
			b.Fatalf("commit: %v %v", ok, err)
		}
	}
}

// BenchmarkWriteTreeOneChangeIn10k: the whole snapshot is passed, as export
// does; only one file differs, so only one is written.
func BenchmarkWriteTreeOneChangeIn10k(b *testing.B) {
	r, files := bench10k(b)
	p := "spaces/space-042/app-007.yaml"
	i := 0
	for b.Loop() {
		i++
		files[p] = []byte(fmt.Sprintf("changed %d\n", i))
		ch, err := r.WriteTree(files, owned)
		if err != nil || len(ch.Modified) != 1 {
			b.Fatalf("WriteTree: %+v %v", ch, err)
		}
	}
}

// BenchmarkReadRev10k reads all 10,000 files of HEAD from Git objects.
func BenchmarkReadRev10k(b *testing.B) {
	r, _ := bench10k(b)
	for b.Loop() {
		files, err := r.ReadRev("HEAD")
		if err != nil || len(files) != 10000 {
			b.Fatalf("ReadRev: %d files, %v", len(files), err)
		}
	}
}

// BenchmarkFindLocalWorkClean10k checks a clean 10,000-file tree for local
// work, as every export does first: stat data only, no file is read.
func BenchmarkFindLocalWorkClean10k(b *testing.B) {
	r, _ := bench10k(b)
	for b.Loop() {
		w, err := r.FindLocalWork([]string{"spaces"}, []string{"qlikops.yaml"})
		if err != nil || !w.Empty() {
			b.Fatalf("FindLocalWork: %+v %v", w, err)
		}
	}
}

// BenchmarkHeadFiles10k lists HEAD's 10,000 tracked paths from tree objects.
func BenchmarkHeadFiles10k(b *testing.B) {
	r, _ := bench10k(b)
	sc := newScope([]string{"spaces"}, nil)
	for b.Loop() {
		if m, err := r.headFiles(sc); err != nil || len(m) != 10000 {
			b.Fatalf("headFiles: %d %v", len(m), err)
		}
	}
}
