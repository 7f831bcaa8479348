package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A run killed at the two moments its index work is most delicate: after
// the branch moved but before the index was written, and while it held
// .git/index.lock. Each test builds the state with a real child process
// running the real export steps (TakeLock, WriteTree, Commit), stopped at a
// crashPoint and SIGKILLed, then runs the next export's steps and checks
// that git status is clean for what qlikops owns and untouched for the rest.

const killChildEnv = "QLIKOPS_STORE_KILL_CHILD" // "POINT\tDIR"

// killedFiles is the snapshot the killed run writes over killedBase: one
// file changed, one added, one deleted, the settings file changed, one
// untouched.
var (
	killedBase = Files{
		"spaces/a.yaml": []byte("a: 1\n"), "spaces/b.yaml": []byte("b: 1\n"),
		"groups/g.yaml": []byte("g: 1\n"), "qlikops.yaml": []byte("tenant: x\n"),
	}
	killedFiles = Files{
		"spaces/a.yaml": []byte("a: 2\n"), "spaces/c.yaml": []byte("c: 1\n"),
		"groups/g.yaml": []byte("g: 1\n"), "qlikops.yaml": []byte("tenant: x\ntenantId: t1\n"),
	}
)

// TestKilledRunChild is the process the kill tests kill: an export of
// killedFiles that stops at the crash point named in killChildEnv.
func TestKilledRunChild(t *testing.T) {
	point, dir, ok := strings.Cut(os.Getenv(killChildEnv), "\t")
	if !ok {
		t.Skip("run by the kill tests")
	}
	crashPoint = func(at string) {
		if at == point {
			fmt.Println("at " + at)
			time.Sleep(time.Minute)
		}
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.TakeLock(nil); err != nil {
		t.Fatal(err)
	}
	ch, err := r.WriteTree(killedFiles, owned)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Commit(ch.Paths(), "killed export", testOpts)
	t.Fatalf("not killed at %s: %v", point, err)
}

// killAt runs TestKilledRunChild on dir and SIGKILLs it at point.
func killAt(t *testing.T, dir, point string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledRunChild$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+point+"\t"+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reached := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if s.Text() == "at "+point {
				reached <- true
				return
			}
		}
		reached <- false
	}()
	select {
	case ok := <-reached:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("child ended before %s", point)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("child did not reach %s in 30s", point)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// userRepo is a repo with a snapshot of killedBase and the user's own work
// outside what qlikops owns: a tracked README edited and not staged, a new
// file staged, an untracked file. userStatus is git status for those alone.
func userRepo(t *testing.T) *Repo {
	t.Helper()
	needGit(t)
	r := newRepo(t)
	snapshot(t, r, killedBase, "export 1")
	writeRaw(t, r.Dir(), "README.md", "mine\n")
	gitCLI(t, r.Dir(), "add", "README.md")
	gitCLI(t, r.Dir(), "commit", "-q", "-m", "readme")
	writeRaw(t, r.Dir(), "README.md", "mine, edited\n")
	writeRaw(t, r.Dir(), "docs/plan.md", "plan\n")
	gitCLI(t, r.Dir(), "add", "docs/plan.md")
	writeRaw(t, r.Dir(), "scratch.txt", "scratch\n")
	return r
}

const userStatus = " M README.md\nA  docs/plan.md\n?? scratch.txt\n"

// recoverExport runs the next export's store steps, as ops.Export does,
// on a fresh Repo: take the lock (over the dead run's), check for local
// work, write the snapshot, commit what changed.
func recoverExport(t *testing.T, dir string, files Files) error {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var took []LockInfo
	unlock, err := r.TakeLock(func(old LockInfo) { took = append(took, old) })
	if err != nil {
		return err
	}
	defer func() {
		if err := unlock(); err != nil {
			t.Error(err)
		}
	}()
	if len(took) != 1 {
		t.Errorf("took over %d stale locks, want the killed run's", len(took))
	}
	w, err := r.FindLocalWork(owned, nil)
	if err != nil {
		return err
	}
	if !w.Empty() {
		t.Errorf("the killed run's output taken for local work: %+v", w)
	}
	head, err := r.ReadRev("HEAD")
	if err != nil {
		return err
	}
	if _, err := r.WriteTree(files, owned); err != nil {
		return err
	}
	// Like export, commit what differs from HEAD, not from the working
	// tree, which the killed run may have written already.
	var changed []string
	for p, b := range files {
		if string(head[p]) != string(b) {
			changed = append(changed, p)
		}
	}
	for p := range head {
		if _, ok := files[p]; !ok && p != "README.md" {
			changed = append(changed, p)
		}
	}
	if len(changed) > 0 {
		_, _, err = r.Commit(changed, "recovery export", testOpts)
	}
	return err
}

func checkRecovered(t *testing.T, r *Repo, files Files) {
	t.Helper()
	if got := gitCLI(t, r.Dir(), "status", "--porcelain", "--untracked-files=all"); got != userStatus {
		t.Errorf("git status after the recovery export:\n%s\nwant only the user's own work:\n%s", got, userStatus)
	}
	got, err := r.ReadRev("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	delete(got, "README.md")
	mustEqualFiles(t, got, files)
	if _, err := os.Stat(r.journalPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("write journal left after the recovery: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(r.gitDir, "*.lock"))
	tmps, _ := filepath.Glob(filepath.Join(r.gitDir, "qlikops-*.tmp"))
	if len(left)+len(tmps) != 0 {
		t.Errorf("left in .git: %v %v", left, tmps)
	}
	gitCLI(t, r.Dir(), "fsck", "--full")
}

// Killed after moving the branch, before writing the index: HEAD holds the
// new snapshot, the index the old one. The next export changes nothing, and
// must still leave git status clean.
func TestKilledAfterBranchMovedIndexIsRepaired(t *testing.T) {
	r := userRepo(t)
	killAt(t, r.Dir(), "branch moved")
	// The state the kill leaves, exactly: committed, index behind.
	head, err := r.ReadRev("HEAD")
	if err != nil || string(head["spaces/c.yaml"]) != "c: 1\n" {
		t.Fatalf("the killed run did not commit: %v", err)
	}
	st := gitCLI(t, r.Dir(), "status", "--porcelain", "--untracked-files=all")
	for _, want := range []string{"D  spaces/c.yaml", "?? spaces/c.yaml", "MM spaces/a.yaml", "AD spaces/b.yaml", "MM qlikops.yaml"} {
		if !strings.Contains(st, want+"\n") {
			t.Fatalf("after the kill, git status lacks %q; the state is not the one under test:\n%s", want, st)
		}
	}
	if err := recoverExport(t, r.Dir(), killedFiles); err != nil {
		t.Fatalf("export after the kill: %v", err)
	}
	checkRecovered(t, r, killedFiles)
}

// Killed while holding .git/index.lock (written, not yet renamed over the
// index): the next export takes the dead run's lock over, removes that
// index.lock, and commits.
func TestKilledHoldingIndexLockIsCleared(t *testing.T) {
	r := userRepo(t)
	killAt(t, r.Dir(), "index.lock held")
	if _, err := os.Stat(filepath.Join(r.gitDir, "index.lock")); err != nil {
		t.Fatalf("the kill left no index.lock; the state is not the one under test: %v", err)
	}
	next := Files{"spaces/d.yaml": []byte("d: 1\n")}
	for p, b := range killedFiles {
		next[p] = b
	}
	if err := recoverExport(t, r.Dir(), next); err != nil {
		t.Fatalf("export after the kill: %v", err)
	}
	checkRecovered(t, r, next)
}

// Killed while holding the branch's ref lock (refs/heads/main.lock, taken
// to move the branch): the branch still names the previous commit, the
// working tree holds the new files, and the next export commits them.
func TestKilledHoldingRefLockIsCleared(t *testing.T) {
	r := userRepo(t)
	before, err := r.ResolveRev("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	killAt(t, r.Dir(), "refs/heads/main.lock held")
	if _, err := os.Stat(filepath.Join(r.gitDir, "refs", "heads", "main.lock")); err != nil {
		t.Fatalf("the kill left no ref lock; the state is not the one under test: %v", err)
	}
	if now, err := r.ResolveRev("HEAD"); err != nil || now != before {
		t.Fatalf("HEAD after a kill before the branch moved: %s, %v; want %s", now, err, before)
	}
	gitCLI(t, r.Dir(), "fsck", "--full")
	if err := recoverExport(t, r.Dir(), killedFiles); err != nil {
		t.Fatalf("export after the kill: %v", err)
	}
	checkRecovered(t, r, killedFiles)
}

// qlikops unlock clears the same: the dead run's index.lock goes with its lock.
func TestUnlockClearsTheDeadRunsIndexLock(t *testing.T) {
	r := userRepo(t)
	killAt(t, r.Dir(), "index.lock held")
	if cleared, err := r.ClearStaleLock(); err != nil || !cleared {
		t.Fatalf("ClearStaleLock = %v, %v", cleared, err)
	}
	left, _ := filepath.Glob(filepath.Join(r.gitDir, "*.lock"))
	tmps, _ := filepath.Glob(filepath.Join(r.gitDir, "qlikops-*.tmp"))
	if len(left)+len(tmps) != 0 {
		t.Errorf("left in .git after unlock: %v %v", left, tmps)
	}
}

// An index.lock that is not the dead run's own (a git command's, perhaps
// live) survives the takeover, and the commit that needs it names it.
func TestTakeoverLeavesAnotherIndexLock(t *testing.T) {
	r := newRepo(t)
	snapshot(t, r, killedBase, "export 1")
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	pid := dead.Process.Pid
	writeLock(t, r, LockInfo{PID: pid, Host: hostname(), Started: time.Now().Add(-time.Minute), Token: "dead"})
	// The dead run's temp file, not linked to index.lock: it died before
	// taking the lock, and a git command took it since.
	leftover := filepath.Join(r.gitDir, strings.Replace(lockTmpPattern(pid, "index"), "*", "123", 1))
	if err := os.WriteFile(leftover, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(r.gitDir, "index.lock")
	if err := os.WriteFile(lock, []byte("git's"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := r.TakeLock(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if b, err := os.ReadFile(lock); err != nil || string(b) != "git's" {
		t.Fatalf("another process's index.lock was touched: %q %v", b, err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead run's temp file is still there: %v", err)
	}
	ch, err := r.WriteTree(killedFiles, owned)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Commit(ch.Paths(), "export 2", testOpts)
	if err == nil || !strings.Contains(err.Error(), "another git command running") || !strings.Contains(err.Error(), lock) {
		t.Fatalf("commit with a foreign index.lock: %v", err)
	}
}

// A root file is the user's: a staged removal of qlikops.yaml from the index
// (git rm --cached) is not "repaired", since no run wrote it.
func TestRepairLeavesTheUsersStagedRootFile(t *testing.T) {
	needGit(t)
	r := newRepo(t)
	snapshot(t, r, killedBase, "export 1")
	gitCLI(t, r.Dir(), "rm", "-q", "--cached", "qlikops.yaml")
	if _, err := r.WriteTree(killedBase, owned); err != nil {
		t.Fatal(err)
	}
	if got, want := gitCLI(t, r.Dir(), "status", "--porcelain"), "D  qlikops.yaml\n?? qlikops.yaml\n"; got != want {
		t.Fatalf("git status = %q, want the user's staged removal kept: %q", got, want)
	}
}

// A ref is replaced whole (a new file renamed over it), never truncated and
// rewritten in place as go-git does, where a kill in between leaves an empty
// ref: a branch that points nowhere. A packed ref is moved the same way.
func TestMoveRefReplacesTheRefWhole(t *testing.T) {
	needGit(t)
	r := newRepo(t)
	snapshot(t, r, killedBase, "export 1")
	ref := filepath.Join(r.gitDir, "refs", "heads", "main")
	before, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	_, h2 := snapshot(t, r, killedFiles, "export 2")
	after, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Errorf("the branch's ref file was rewritten in place")
	}
	gitCLI(t, r.Dir(), "pack-refs", "--all")
	if _, err := os.Stat(ref); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("git pack-refs left the loose ref: %v", err)
	}
	_, h3 := snapshot(t, r, killedBase, "export 3")
	if got := strings.TrimSpace(gitCLI(t, r.Dir(), "rev-parse", "main", "main~1")); got != h3+"\n"+h2 {
		t.Errorf("main, main~1 = %q, want %s %s", got, h3, h2)
	}
	if left, _ := filepath.Glob(filepath.Join(r.gitDir, "qlikops-*.tmp")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
	gitCLI(t, r.Dir(), "fsck", "--full")
}
