package ops_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/store"
)

// qlikopsCmd is `qlikops ARGS` as a real child process (the test binary in
// the role of the CLI).
func qlikopsCmd(url string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1", "QLIK_TENANT_URL="+url, "QLIK_API_KEY="+sim.DefaultAPIKey,
		"QLIK_CLIENT_ID=", "QLIK_CLIENT_SECRET=", "GIT_CONFIG_GLOBAL="+os.DevNull)
	return cmd
}

func runQlikops(t *testing.T, url string, args ...string) (int, string) {
	t.Helper()
	cmd := qlikopsCmd(url, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("qlikops %s did not finish in 30s: %s", strings.Join(args, " "), out.String())
		return 0, ""
	}
}

// SIGKILL an export at seeded random moments: the repo stays consistent
// (git fsck clean, HEAD the previous commit or a complete new one, no torn
// document committed or on disk), and the next export succeeds without
// qlikops unlock: it takes the dead run's lock over, with one warning, and
// does not mistake what the killed run wrote for local work.
func TestExportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	s, url := startSim(t, sim.Options{Latency: time.Millisecond}, demoSeed)
	s.SetFaults(sim.Faults{Seed: 9, Slow: &sim.Fault{Rate: 0.2, Pause: sim.Duration(10 * time.Millisecond)}})
	repo := t.TempDir()
	start := time.Now()
	if code, out := runQlikops(t, url, "export", "--repo", repo); code != 0 {
		t.Fatalf("first export: exit %d: %s", code, out)
	}
	full := time.Since(start)
	t.Logf("an export takes %s", full)
	api := newEnv(t, repo, url, 5).Client
	rng := rand.New(rand.NewPCG(2026, 7))
	stale, killedNew := 0, 0
	deadline := time.Now().Add(40 * time.Second)
	for i := range 10 {
		if time.Now().After(deadline) {
			t.Logf("time bound reached after %d kills", i)
			break
		}
		name := fmt.Sprintf("Kill %d", i)
		if err := api.Do(ctxFor(t, 5*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": name, "type": "shared"}, nil); err != nil {
			t.Fatal(err)
		}
		prev := git(t, repo, "rev-parse", "HEAD")
		cmd := qlikopsCmd(url, "export", "--repo", repo)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Half the kills anywhere in the run; half once the run holds the
		// lock (reading, writing, committing), whatever the machine's speed.
		at := time.Duration(rng.Float64() * 1.2 * float64(full))
		if i%2 == 1 {
			lock := filepath.Join(repo, ".git", "qlikops.lock")
			for t0 := time.Now(); time.Since(t0) < 10*time.Second; time.Sleep(time.Millisecond) {
				if _, err := os.Stat(lock); err == nil {
					break
				}
			}
			at = time.Duration(rng.Float64() * 0.15 * float64(full))
		}
		time.Sleep(at)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		if out, err := gitErr(repo, "fsck", "--full", "--no-dangling"); err != nil {
			t.Fatalf("kill %d at %s: git fsck: %v\n%s", i, at, err, out)
		}
		head := git(t, repo, "rev-parse", "HEAD")
		if head != prev {
			killedNew++
			if parent := git(t, repo, "rev-parse", "HEAD~1"); parent != prev {
				t.Errorf("kill %d: new HEAD %s has parent %s, want %s", i, head[:8], parent[:8], prev[:8])
			}
		}
		checkCompleteCommit(t, repo, prev, head, fmt.Sprintf("kill %d at %s", i, at))

		// A lock the killed run left is stale; the next export takes it over
		// by itself (no unlock), says so once, and finds no local work in
		// what the killed run wrote.
		var le *store.LockedError
		r, err := store.Open(repo)
		if err != nil {
			t.Fatal(err)
		}
		unlock, lockErr := r.Lock()
		switch {
		case lockErr == nil:
			if err := unlock(); err != nil {
				t.Fatal(err)
			}
		case errors.As(lockErr, &le) && le.Stale:
			stale++
		default:
			t.Fatalf("kill %d at %s: lock after the kill: %v", i, at, lockErr)
		}
		t0 := time.Now()
		code, out := runQlikops(t, url, "export", "--repo", repo)
		if code != 0 {
			t.Fatalf("kill %d at %s: export after the kill: exit %d: %s", i, at, code, out)
		}
		full = time.Since(t0) // aim the next kill at a typical run
		took := strings.Count(out, "took over the stale lock of pid")
		if want := map[bool]int{true: 1, false: 0}[le != nil]; took != want {
			t.Errorf("kill %d: %d takeover warnings, want %d: %s", i, took, want, out)
		}
		if le != nil && !strings.Contains(out, fmt.Sprintf("pid %d on %s (started %s)", le.Holder.PID, le.Holder.Host, le.Holder.Started.UTC().Format(time.RFC3339))) {
			t.Errorf("kill %d: the takeover warning does not name pid %d and its start: %s", i, le.Holder.PID, out)
		}
		if _, err := os.Stat(filepath.Join(repo, ".git", "qlikops.lock")); !os.IsNotExist(err) {
			t.Errorf("kill %d: lock left after the recovery export: %v", i, err)
		}
		now := git(t, repo, "rev-parse", "HEAD")
		checkCompleteCommit(t, repo, prev, now, fmt.Sprintf("recovery after kill %d", i))
		if st := git(t, repo, "status", "--porcelain"); st != "" {
			t.Errorf("kill %d: working tree not clean after the recovery export:\n%s", i, st)
		}
		if !strings.Contains(git(t, repo, "ls-tree", "-r", "--name-only", "HEAD", "spaces"), "spaces/kill-"+fmt.Sprint(i)) {
			t.Errorf("kill %d: %s missing after recovery", i, name)
		}
	}
	t.Logf("%d kills left a stale lock, %d left a new commit", stale, killedNew)
	if stale == 0 {
		t.Errorf("no kill landed while the lock was held: the test did not exercise recovery")
	}
}

// checkCompleteCommit: HEAD is prev, or a commit that deletes nothing (the
// tenant only grew) and whose every document decodes and validates; the
// working tree holds whole documents too.
func checkCompleteCommit(t *testing.T, repo, prev, head, what string) {
	t.Helper()
	r, err := store.Open(repo)
	if err != nil {
		t.Fatal(err)
	}
	reg := kinds.Default()
	if _, err := ops.LoadSnapshot(r, reg, head); err != nil {
		t.Errorf("%s: HEAD %s does not load: %v", what, head[:8], err)
	}
	if _, err := ops.LoadSnapshot(r, reg, "WORKTREE"); err != nil {
		t.Errorf("%s: working tree does not load: %v", what, err)
	}
	if head != prev {
		if d := git(t, repo, "diff", "--name-only", "--diff-filter=D", prev, head); d != "" {
			t.Errorf("%s: %s deleted files: %s", what, head[:8], d)
		}
		m := git(t, repo, "log", "-1", "--format=%B", head)
		if strings.Contains(m, "FAILED") || !strings.Contains(m, "Qlikops-Kinds: ") {
			t.Errorf("%s: new HEAD's message is not a complete run: %s", what, m)
		}
	}
	// Every committed file is on disk with its committed bytes or a whole
	// newer document (checked by the WORKTREE load above); none is missing.
	for p := range treeFiles(t, repo, head) {
		if _, err := os.Stat(repo + "/" + p); err != nil {
			t.Errorf("%s: committed file %s missing from the working tree: %v", what, p, err)
		}
	}
}
