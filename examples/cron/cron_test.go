// Package cron holds the scheduling recipes; this test runs them.
package cron

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simctl"
)

// TestNightlyExportPushesSnapshotAndRunRecords runs the recipe against
// qliksim and a bare remote made with the real git: the first night pushes
// the snapshot, the second (nothing changed) pushes only a new run record.
// Then a pull request is merged on the remote before the third night: that
// night still pushes, keeps the merge on main, and puts the live state on
// qlikops/drift instead of on top of the unapplied merge. Each night also
// rehearses a restore of its snapshot, which passes.
func TestNightlyExportPushesSnapshotAndRunRecords(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "qlikops")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/qlikops").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := sim.New(sim.Options{APIKey: "cron-key"})
	if err := s.LoadSeed("../demo-tenant"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	remote := filepath.Join(dir, "remote.git")
	repo := filepath.Join(dir, "backup")
	gitEnv := append(os.Environ(), "GIT_CONFIG_GLOBAL="+filepath.Join(dir, "gitconfig"))
	if err := os.WriteFile(filepath.Join(dir, "gitconfig"), []byte("[user]\n\tname = T\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(gitEnv, "QLIK_TENANT_URL="+srv.URL, "QLIK_API_KEY=cron-key", "QLIKOPS="+bin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	run("git", "init", "-q", "--bare", remote)
	run("git", "clone", "-q", remote, repo)

	if out := run("./nightly-export.sh", repo); !strings.Contains(out, "Verdict: PASS: all ") || !strings.Contains(out, "Restore report for commit") {
		t.Errorf("the first night does not rehearse the restore:\n%s", out)
	}
	first := run("git", "--git-dir", remote, "rev-list", "--count", "main")
	run("./nightly-export.sh", repo)
	if second := run("git", "--git-dir", remote, "rev-list", "--count", "main"); second != first || strings.TrimSpace(first) != "1" {
		t.Errorf("snapshot commits on the remote: %q then %q, want 1 and 1", first, second)
	}
	if runs := strings.TrimSpace(run("git", "--git-dir", remote, "rev-list", "--count", "refs/qlikops/runs")); runs != "2" {
		t.Errorf("run records on the remote: %s, want 2", runs)
	}
	if files := run("git", "--git-dir", remote, "ls-tree", "-r", "--name-only", "main"); !strings.Contains(files, "spaces/finance-b696d755.yaml") {
		t.Errorf("remote snapshot lacks the Finance space:\n%s", files)
	}

	// Someone merges a change on the remote, and the tenant changes too.
	other := filepath.Join(dir, "other")
	run("git", "clone", "-q", remote, other)
	doc := filepath.Join(other, "spaces", "finance-b696d755.yaml")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte(strings.Replace(string(b), "description: ", "description: Reviewed. ", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	run("git", "-C", other, "commit", "-qam", "Describe Finance (merged pull request)")
	run("git", "-C", other, "push", "-q", "origin", "main")
	merged := strings.TrimSpace(run("git", "-C", other, "rev-parse", "HEAD"))
	api, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "cron-key", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := (simctl.Ctl{API: api}).SetSpaceDescription(context.Background(), "Finance", "Changed in the tenant"); err != nil {
		t.Fatal(err)
	}

	out := run("./nightly-export.sh", repo)
	if !strings.Contains(out, "never applied") || !strings.Contains(out, "qlikops/drift") {
		t.Errorf("third night does not report the unapplied merge:\n%s", out)
	}
	if got := strings.TrimSpace(run("git", "--git-dir", remote, "rev-parse", "main")); got != merged {
		t.Errorf("remote main is %s, want the merge %s kept", got, merged)
	}
	if got := strings.TrimSpace(run("git", "--git-dir", remote, "rev-parse", "qlikops/drift~1")); got != merged {
		t.Errorf("remote qlikops/drift starts from %s, want %s", got, merged)
	}
	if runs := strings.TrimSpace(run("git", "--git-dir", remote, "rev-list", "--count", "refs/qlikops/runs")); runs != "3" {
		t.Errorf("run records on the remote: %s, want 3", runs)
	}
}
