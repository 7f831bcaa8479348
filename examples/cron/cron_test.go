// Package cron holds the scheduling recipes; this test runs them.
package cron

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
)

// TestNightlyExportPushesSnapshotAndRunRecords runs the recipe twice against
// qliksim and a bare remote made with the real git: the first night pushes
// the snapshot, the second (nothing changed) pushes only a new run record.
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

	run("./nightly-export.sh", repo)
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
}
