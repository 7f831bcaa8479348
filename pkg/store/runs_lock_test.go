package store

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecordRunChain(t *testing.T) {
	r := newRepo(t)
	if _, err := r.LastRun(); !errors.Is(err, ErrNoRuns) {
		t.Fatalf("LastRun on fresh repo: %v", err)
	}
	// A run on an empty repo leaves a record but no branch commit.
	h1, err := r.RecordRun([]byte(`{"run":1}`), "run 1", testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadRev("HEAD"); !errors.Is(err, ErrNoCommits) {
		t.Fatalf("RecordRun moved HEAD: %v", err)
	}
	_, head := snapshot(t, r, Files{"spaces/a.yaml": []byte("a")}, "export")
	h2, err := r.RecordRun([]byte(`{"run":2}`), "run 2", testOpts)
	if err != nil {
		t.Fatal(err)
	}
	h3, err := r.RecordRun([]byte(`{"run":3}`), "run 3", testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.LastRun(); err != nil || string(got) != `{"run":3}` {
		t.Fatalf("LastRun = %s, %v", got, err)
	}
	if now, _ := r.ResolveRev("HEAD"); now != head {
		t.Fatalf("RecordRun moved the branch: %s != %s", now, head)
	}
	// The chain links each record to the previous tip, and each tree holds
	// manifest.json only.
	want := map[string]string{h3: h2, h2: h1, h1: ""}
	for h, parent := range want {
		c, err := r.repo.CommitObject(hashOf(t, h))
		if err != nil {
			t.Fatal(err)
		}
		if parent == "" && c.NumParents() != 0 || parent != "" && (c.NumParents() != 1 || c.ParentHashes[0].String() != parent) {
			t.Fatalf("run %s parents %v, want %q", h, c.ParentHashes, parent)
		}
		tree, _ := c.Tree()
		if len(tree.Entries) != 1 || tree.Entries[0].Name != "manifest.json" {
			t.Fatalf("run tree %+v", tree.Entries)
		}
	}
	if got, err := r.ResolveRev("refs/qlikops/runs~1"); err != nil || got != h2 {
		t.Fatalf("runs~1 = %s, %v", got, err)
	}
}

func TestLockExcludesSecondRun(t *testing.T) {
	r := newRepo(t)
	unlock, err := r.Lock()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := Open(r.Dir())
	_, err = other.Lock()
	var le *LockedError
	if !errors.As(err, &le) || le.Stale || le.Holder.PID != os.Getpid() {
		t.Fatalf("second Lock: %v", err)
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), hostname()) {
		t.Fatalf("error does not name the holder: %v", err)
	}
	if cleared, err := other.ClearStaleLock(); cleared || !errors.As(err, &le) {
		t.Fatalf("ClearStaleLock removed a live lock: %v %v", cleared, err)
	}
	if _, err := os.Stat(r.lockPath()); err != nil {
		t.Fatalf("live lock gone: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
	unlock2, err := other.Lock()
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	defer unlock2()
	if !strings.HasPrefix(r.lockPath(), filepath.Join(r.Dir(), ".git")+string(filepath.Separator)) {
		t.Fatalf("lock outside .git: %s", r.lockPath())
	}
}

func TestStaleLockDetectedAndCleared(t *testing.T) {
	r := newRepo(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid // exited and reaped: no such process now
	writeLock(t, r, LockInfo{PID: dead, Host: hostname(), Started: time.Now().Add(-time.Hour), Token: "x"})
	_, err := r.Lock()
	var le *LockedError
	if !errors.As(err, &le) || !le.Stale || !strings.Contains(err.Error(), "stale") || !strings.Contains(err.Error(), strconv.Itoa(dead)) {
		t.Fatalf("Lock over a dead holder: %v", err)
	}
	cleared, err := r.ClearStaleLock()
	if err != nil || !cleared {
		t.Fatalf("ClearStaleLock = %v, %v", cleared, err)
	}
	if cleared, err := r.ClearStaleLock(); cleared || err != nil {
		t.Fatalf("ClearStaleLock with no lock = %v, %v", cleared, err)
	}
	unlock, err := r.Lock()
	if err != nil {
		t.Fatalf("Lock after clearing: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := filepath.Glob(filepath.Join(r.gitDir, "qlikops.lock*")); len(ents) != 0 {
		t.Fatalf("lock files left behind: %v", ents)
	}
}

func TestForeignOrUnreadableLockIsNeverCleared(t *testing.T) {
	r := newRepo(t)
	writeLock(t, r, LockInfo{PID: 1 << 30, Host: "another-host", Started: time.Now(), Token: "y"})
	if cleared, err := r.ClearStaleLock(); cleared || err == nil {
		t.Fatalf("cleared another host's lock: %v %v", cleared, err)
	}
	if err := os.WriteFile(r.lockPath(), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := r.Lock()
	var le *LockedError
	if !errors.As(err, &le) || le.Unreadable == nil {
		t.Fatalf("Lock over garbage: %v", err)
	}
	if cleared, _ := r.ClearStaleLock(); cleared {
		t.Fatal("cleared an unreadable lock")
	}
}

func writeLock(t *testing.T, r *Repo, info LockInfo) {
	t.Helper()
	b, _ := json.Marshal(info)
	if err := os.WriteFile(r.lockPath(), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRunsNewestFirst(t *testing.T) {
	r := newRepo(t)
	if got, err := r.Runs(0); err != nil || len(got) != 0 {
		t.Fatalf("Runs on fresh repo = %q, %v", got, err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := r.RecordRun([]byte(strconv.Itoa(i)), "run", testOpts); err != nil {
			t.Fatal(err)
		}
	}
	all, err := r.Runs(0)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(bytesJoin(all)); got != "321" {
		t.Fatalf("Runs(0) = %q, want 321", got)
	}
	two, err := r.Runs(2)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(bytesJoin(two)); got != "32" {
		t.Fatalf("Runs(2) = %q, want 32", got)
	}
}

func bytesJoin(bs [][]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// A stale lock on this host is taken over, and of many runs racing to take
// over the same stale lock exactly one wins; the others find its live lock.
// A lock from another host is never taken over.
func TestTakeLockOverStaleIsRaceSafe(t *testing.T) {
	r := newRepo(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := LockInfo{PID: cmd.Process.Pid, Host: hostname(), Started: time.Now().Add(-time.Hour).UTC().Truncate(time.Second), Token: "dead"}
	for round := range 5 {
		writeLock(t, r, dead)
		const racers = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		var won []func() error
		var told []LockInfo
		var lost []error
		for range racers {
			// Each racer opens the repo itself, as a separate run would.
			rr, err := Open(r.Dir())
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				unlock, err := rr.TakeLock(func(old LockInfo) {
					mu.Lock()
					told = append(told, old)
					mu.Unlock()
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					lost = append(lost, err)
				} else {
					won = append(won, unlock)
				}
			}()
		}
		wg.Wait()
		if len(won) != 1 || len(told) != 1 || !sameHolder(told[0], dead) {
			t.Fatalf("round %d: %d winners, told %v; losers: %v", round, len(won), told, lost)
		}
		for _, err := range lost {
			var le *LockedError
			if !errors.As(err, &le) || le.Stale || le.Holder.PID != os.Getpid() {
				t.Fatalf("round %d: a loser got %v, want the winner's live lock", round, err)
			}
		}
		if err := won[0](); err != nil {
			t.Fatalf("round %d: the winner's unlock: %v", round, err)
		}
		if _, err := os.Stat(r.lockPath()); !os.IsNotExist(err) {
			t.Fatalf("round %d: lock left after unlock: %v", round, err)
		}
	}
	writeLock(t, r, LockInfo{PID: dead.PID, Host: "another-host", Started: dead.Started, Token: "foreign"})
	_, err := r.TakeLock(func(LockInfo) { t.Error("took over another host's lock") })
	var le *LockedError
	if !errors.As(err, &le) || le.Stale || !strings.Contains(err.Error(), "run qlikops unlock on another-host") {
		t.Fatalf("TakeLock over another host's lock: %v", err)
	}
}
