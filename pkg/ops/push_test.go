package ops_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simctl"
	"github.com/qlikops/qlikops/pkg/store"
	"github.com/qlikops/qlikops/pkg/testkit/gitserve"
)

const pushToken = "push-token-sentinel-7c41e0"

// pushFixture is a tenant, a backup repo exporting it, and a bare remote.
type pushFixture struct {
	t      *testing.T
	env    ops.Env
	ctl    simctl.Ctl
	repo   string
	remote string // the bare repo's folder
}

func newPushFixture(t *testing.T) *pushFixture {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	_, url := startSim(t, sim.Options{}, demoSeed)
	dir := t.TempDir()
	f := &pushFixture{t: t, repo: filepath.Join(dir, "backup"), remote: filepath.Join(dir, "srv", "remote.git")}
	if err := os.MkdirAll(f.remote, 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, f.remote, "init", "-q", "--bare", "-b", "main")
	f.env = newEnv(t, f.repo, url, 0)
	f.ctl = simctl.Ctl{API: f.env.Client}
	return f
}

// export runs an export and returns the branch it committed to.
func (f *pushFixture) export() string {
	f.t.Helper()
	res, err := ops.Export(ctxFor(f.t, time.Minute), f.env)
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Manifest.Branch
}

func (f *pushFixture) push(getenv func(string) string) (ops.PushResult, error) {
	return ops.Push(ctxFor(f.t, time.Minute), f.env, ops.PushOptions{Branch: "main", Getenv: getenv})
}

func tokenEnv(token string) func(string) string {
	return func(k string) string {
		if k == ops.EnvGitToken {
			return token
		}
		return ""
	}
}

// TestPushOverHTTPWithToken: a wrong token is refused and reported, the
// local commit stays, nothing lands on the remote; the right token pushes
// the branch and the runs ref; the token is in no file under .git.
func TestPushOverHTTPWithToken(t *testing.T) {
	f := newPushFixture(t)
	srv, err := gitserve.StartHTTP(filepath.Dir(f.remote), "x-access-token", pushToken)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f.export()
	git(t, f.repo, "remote", "add", "origin", srv.URL("remote.git"))
	local := git(t, f.repo, "rev-parse", "main")

	_, err = f.push(tokenEnv("wrong-token"))
	var pe *ops.PushError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "authentication required") || pe.Local != local {
		t.Fatalf("push with a wrong token: %v, want a PushError naming the refused credentials and the local commit %s", err, local)
	}
	if srv.Refused.Load() == 0 {
		t.Error("the server never refused a request")
	}
	if got := git(t, f.repo, "rev-parse", "main"); got != local {
		t.Errorf("local main moved to %s after a refused push", got)
	}
	if out, err := gitErr(f.remote, "rev-parse", "--verify", "-q", "main"); err == nil {
		t.Errorf("remote has main (%s) after a refused push", out)
	}

	res, err := f.push(tokenEnv(pushToken))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rebased || strings.Join(res.Refs, ",") != "main,refs/qlikops/runs" {
		t.Errorf("push result %+v", res)
	}
	for _, ref := range []string{"main", "refs/qlikops/runs"} {
		if got, want := git(t, f.remote, "rev-parse", ref), git(t, f.repo, "rev-parse", ref); got != want {
			t.Errorf("remote %s = %s, local %s", ref, got, want)
		}
	}
	assertNotInGitDir(t, f.repo, pushToken)
}

// assertNotInGitDir fails if secret is in any file under .git, loose
// objects and packs included (read through git, which inflates them).
func assertNotInGitDir(t *testing.T, repo, secret string) {
	t.Helper()
	err := filepath.Walk(filepath.Join(repo, ".git"), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if all := git(t, repo, "cat-file", "--batch-all-objects", "--batch"); strings.Contains(all, secret) {
		t.Error("a Git object holds the secret")
	}
	if cfg := git(t, repo, "config", "--list", "--local"); strings.Contains(cfg, secret) {
		t.Errorf(".git/config holds the secret:\n%s", cfg)
	}
}

// TestPushRebasesOntoAMovedRemote: someone pushed a commit that touches
// another file, and recorded a run elsewhere; the export commit is
// re-created on top and both refs are pushed, the working tree gets the
// remote's file. A remote change to the same file is a conflict: reported,
// local commit kept, remote untouched.
func TestPushRebasesOntoAMovedRemote(t *testing.T) {
	f := newPushFixture(t)
	d, err := gitserve.StartDaemon(filepath.Dir(f.remote))
	if err != nil {
		t.Skipf("git daemon could not start, the git:// case is not tested: %v", err)
	}
	defer d.Close()
	f.export()
	git(t, f.repo, "remote", "add", "origin", d.URL("remote.git"))
	if _, err := f.push(nil); err != nil {
		t.Fatal(err)
	}

	// The remote moves: a README on main, and a run record from elsewhere.
	other := filepath.Join(t.TempDir(), "other")
	git(t, filepath.Dir(other), "clone", "-q", f.remote, other)
	if err := os.WriteFile(filepath.Join(other, "README.md"), []byte("Backups of the demo tenant.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, other, "add", "README.md")
	git(t, other, "-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "-qm", "Add a README")
	git(t, other, "push", "-q", "origin", "main")
	git(t, other, "fetch", "-q", "origin", "refs/qlikops/runs:refs/qlikops/runs")
	otherRepo, err := store.Open(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := otherRepo.RecordRun([]byte(`{"op":"apply","status":"ok"}`), "qlikops run ok", store.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	otherRepo.Close()
	git(t, other, "push", "-q", "origin", "refs/qlikops/runs:refs/qlikops/runs")
	remoteMain, remoteRuns := git(t, f.remote, "rev-parse", "main"), git(t, f.remote, "rev-parse", "refs/qlikops/runs")

	if err := f.ctl.SetSpaceDescription(ctxFor(t, time.Minute), "Finance", "Changed tonight"); err != nil {
		t.Fatal(err)
	}
	f.export()
	author := git(t, f.repo, "log", "-1", "--format=%an <%ae> %ad|%s", "main")
	res, err := f.push(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Rebased {
		t.Error("push did not report the rebase")
	}
	if got := git(t, f.remote, "rev-parse", "main~1"); got != remoteMain {
		t.Errorf("remote main~1 = %s, want the remote's commit %s", got, remoteMain)
	}
	if got := git(t, f.remote, "log", "-1", "--format=%an <%ae> %ad|%s", "main"); got != author {
		t.Errorf("rebased commit: %s, want the export commit's author, date and subject: %s", got, author)
	}
	if show := git(t, f.remote, "show", "main:spaces/finance-b696d755.yaml"); !strings.Contains(show, "Changed tonight") {
		t.Errorf("remote main lacks the exported change:\n%s", show)
	}
	if err := exec.Command("git", "-C", f.remote, "merge-base", "--is-ancestor", remoteRuns, "refs/qlikops/runs").Run(); err != nil {
		t.Errorf("remote runs ref does not contain the other side's record %s", remoteRuns)
	}
	if n := git(t, f.remote, "rev-list", "--count", "refs/qlikops/runs"); n != "3" {
		t.Errorf("remote has %s run records, want 3 (two exports here, one apply elsewhere)", n)
	}
	if b, err := os.ReadFile(filepath.Join(f.repo, "README.md")); err != nil || !strings.Contains(string(b), "demo tenant") {
		t.Errorf("working tree lacks the remote's README: %v", err)
	}
	if st := git(t, f.repo, "status", "--porcelain"); st != "" {
		t.Errorf("git status after the rebase is not clean:\n%s", st)
	}

	// Now the remote changes the same file the next export changes.
	git(t, other, "pull", "-q", "--ff-only", "origin", "main")
	doc := filepath.Join(other, "spaces", "finance-b696d755.yaml")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte(strings.Replace(string(b), "Changed tonight", "Edited on the remote", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, other, "-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "-qam", "Edit Finance")
	git(t, other, "push", "-q", "origin", "main")
	remoteMain = git(t, f.remote, "rev-parse", "main")
	if err := f.ctl.SetSpaceDescription(ctxFor(t, time.Minute), "Finance", "Changed again"); err != nil {
		t.Fatal(err)
	}
	f.export()
	local := git(t, f.repo, "rev-parse", "main")
	_, err = f.push(nil)
	var ce *store.ConflictError
	if !errors.As(err, &ce) || len(ce.Paths) != 1 || ce.Paths[0] != "spaces/finance-b696d755.yaml" {
		t.Fatalf("push onto a conflicting remote: %v, want a conflict on the Finance space", err)
	}
	if !strings.Contains(err.Error(), "stays on main") {
		t.Errorf("error does not say the local commit stays: %v", err)
	}
	if got := git(t, f.repo, "rev-parse", "main"); got != local {
		t.Errorf("local main moved from %s to %s", local, got)
	}
	if got := git(t, f.remote, "rev-parse", "main"); got != remoteMain {
		t.Errorf("remote main moved from %s to %s", remoteMain, got)
	}
}

// TestPushRefusedByHook: a pre-receive hook that exits 1 is reported with
// its reason and the local commit stays.
func TestPushRefusedByHook(t *testing.T) {
	f := newPushFixture(t)
	hook := filepath.Join(f.remote, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'policy: backups frozen' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	srv, err := gitserve.StartHTTP(filepath.Dir(f.remote), "", pushToken)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f.export()
	git(t, f.repo, "remote", "add", "origin", srv.URL("remote.git"))
	local := git(t, f.repo, "rev-parse", "main")
	_, err = f.push(tokenEnv(pushToken))
	if err == nil || !strings.Contains(err.Error(), "pre-receive hook declined") {
		t.Fatalf("push past a refusing hook: %v, want the hook's refusal", err)
	}
	if got := git(t, f.repo, "rev-parse", "main"); got != local {
		t.Errorf("local main moved to %s", got)
	}
	if _, err := gitErr(f.remote, "rev-parse", "--verify", "-q", "main"); err == nil {
		t.Error("the remote took main despite its hook")
	}
}

// TestPushOverSSH pushes with a key checked against known_hosts; a
// known_hosts that names another key refuses the server.
func TestPushOverSSH(t *testing.T) {
	f := newPushFixture(t)
	dir := t.TempDir()
	s, err := gitserve.StartSSH(filepath.Dir(f.remote), dir)
	if err != nil {
		t.Skipf("no SSH server could be started, the ssh transport is not tested: %v", err)
	}
	defer s.Close()
	f.export()
	git(t, f.repo, "remote", "add", "origin", s.URL("remote.git"))
	sshEnv := func(knownHosts string) func(string) string {
		return func(k string) string {
			return map[string]string{ops.EnvGitSSHKey: s.KeyFile, ops.EnvGitKnownHosts: knownHosts}[k]
		}
	}
	wrongHosts := filepath.Join(dir, "wrong_known_hosts")
	other, err := gitserve.StartSSH(filepath.Dir(f.remote), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	b, _ := os.ReadFile(other.KnownHosts)
	if err := os.WriteFile(wrongHosts, []byte(strings.Replace(string(b), other.Addr, s.Addr, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.push(sshEnv(wrongHosts)); err == nil {
		t.Fatal("push to a server whose host key is not the known one succeeded")
	}
	if _, err := f.push(sshEnv(s.KnownHosts)); err != nil {
		t.Fatal(err)
	}
	if got, want := git(t, f.remote, "rev-parse", "main"), git(t, f.repo, "rev-parse", "main"); got != want {
		t.Errorf("remote main = %s, want %s", got, want)
	}
}
