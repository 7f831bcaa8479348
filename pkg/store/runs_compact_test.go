package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// recordRuns appends n records {"run":i} and returns their hashes, oldest first.
func recordRuns(t *testing.T, r *Repo, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		h, err := r.RecordRun(fmt.Appendf(nil, `{"run":%d}`, i), fmt.Sprintf("run %d", i), testOpts)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

func manifests(t *testing.T, r *Repo) string {
	t.Helper()
	runs, err := r.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, b := range runs {
		parts = append(parts, string(b))
	}
	return strings.Join(parts, " ")
}

func TestCompactRunsKeepsChosenRecordsInOrder(t *testing.T) {
	r := newRepo(t)
	hs := recordRuns(t, r, 6)
	keep := map[string]bool{hs[0]: true, hs[1]: true, hs[3]: true}
	tip, dropped, err := r.CompactRuns(hs[5], func(h string) bool { return keep[h] })
	if err != nil {
		t.Fatal(err)
	}
	if dropped != 2 {
		t.Errorf("dropped %d, want 2 (run 2 and run 4; run 5 is the newest and always kept)", dropped)
	}
	if got, want := manifests(t, r), `{"run":5} {"run":3} {"run":1} {"run":0}`; got != want {
		t.Errorf("records after compaction: %s, want %s", got, want)
	}
	// The untouched oldest prefix keeps its commits; the rest are copies
	// with the original message and dates.
	_, entries, err := r.RunEntries()
	if err != nil {
		t.Fatal(err)
	}
	if entries[3].Hash != hs[0] || entries[2].Hash != hs[1] || entries[1].Hash == hs[3] || entries[0].Hash != tip {
		t.Errorf("commits: %v (originals %v)", entries, hs)
	}
	c, err := r.repo.CommitObject(plumbing.NewHash(tip))
	if err != nil || c.Message != "run 5\n" || !c.Author.When.Equal(testOpts.When) {
		t.Errorf("rewritten tip: %v %q %v", err, c.Message, c.Author.When)
	}
	gitCLI(t, r.Dir(), "fsck", "--no-dangling")
	// Nothing to drop writes nothing.
	if again, n, err := r.CompactRuns(tip, func(string) bool { return true }); err != nil || n != 0 || again != tip {
		t.Errorf("second compaction: %s %d %v", again, n, err)
	}
}

// A run recorded between reading the chain and compacting it must not be
// lost: the compare-and-swap refuses and the new record stays.
func TestCompactRunsRefusesAMovedRef(t *testing.T) {
	r := newRepo(t)
	hs := recordRuns(t, r, 3)
	recordRuns(t, r, 1)
	if _, _, err := r.CompactRuns(hs[2], func(string) bool { return false }); err == nil {
		t.Fatal("compaction from a stale tip succeeded")
	}
	if got := manifests(t, r); got != `{"run":0} {"run":2} {"run":1} {"run":0}` {
		t.Errorf("records: %s", got)
	}
}

const compactChildEnv = "QLIKOPS_STORE_COMPACT_CHILD"

// TestCompactRunsChild is the process the SIGKILL test kills: it builds the
// compacted chain, says so, and waits to be killed before moving the ref.
func TestCompactRunsChild(t *testing.T) {
	dir := os.Getenv(compactChildEnv)
	if dir == "" {
		t.Skip("run by TestCompactRunsSurvivesSIGKILL")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	beforeRunsMove = func() error {
		fmt.Println("built")
		time.Sleep(time.Minute)
		return errors.New("not killed")
	}
	tip, _, err := r.RunEntries()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.CompactRuns(tip, func(string) bool { return false })
	t.Fatal(err)
}

func TestCompactRunsSurvivesSIGKILL(t *testing.T) {
	r := newRepo(t)
	hs := recordRuns(t, r, 20)
	before := manifests(t, r)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCompactRunsChild$")
	cmd.Env = append(os.Environ(), compactChildEnv+"="+r.Dir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if s.Text() == "built" {
				line <- s.Text()
				return
			}
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		if !ok || l != "built" {
			t.Fatal("child ended before building the chain")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("child did not build the chain in 30s")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	r2, err := Open(r.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if got := manifests(t, r2); got != before {
		t.Fatalf("a compaction killed before the ref moved changed the records:\n%s\nwant\n%s", got, before)
	}
	gitCLI(t, r.Dir(), "fsck")
	// The next compaction finishes the job.
	if _, n, err := r2.CompactRuns(hs[19], func(string) bool { return false }); err != nil || n != 19 {
		t.Fatalf("compaction after the kill: %d %v", n, err)
	}
	if got := manifests(t, r2); got != `{"run":19}` {
		t.Errorf("records: %s", got)
	}
}
