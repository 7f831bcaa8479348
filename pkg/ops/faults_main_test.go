package ops_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/cli"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
)

// childEnv makes the test binary act as the qlikops command, so the kill
// test can SIGKILL a real process.
const childEnv = "QLIKOPS_FAULTS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Main())
	}
	os.Exit(m.Run())
}

const (
	demoSeed    = "../../examples/demo-tenant"
	idpOnlySeed = "../../testdata/seeds/idp-only"
)

// startSim serves a fault-capable simulator on loopback.
func startSim(t *testing.T, opts sim.Options, seed string) (*sim.Server, string) {
	t.Helper()
	s := sim.New(opts)
	if seed != "" {
		if err := s.LoadSeed(seed); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// newEnv points an ops environment at a tenant; retries are few and fast so
// that faults can win.
func newEnv(t *testing.T, repo, url string, retries int) ops.Env {
	t.Helper()
	c, err := qlik.New(qlik.Config{TenantURL: url, APIKey: sim.DefaultAPIKey, Tier1PerMin: -1, Tier2PerMin: -1,
		MaxRetries: retries, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return ops.Env{RepoDir: repo, Client: c, Registry: kinds.Default(), Version: "test"}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// git runs git in dir and returns its trimmed stdout.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return strings.TrimSpace(out.String() + errb.String()), err
	}
	return strings.TrimSpace(out.String()), nil
}

// treeFiles lists the blobs of a commit: path -> blob hash.
func treeFiles(t *testing.T, dir, rev string) map[string]string {
	t.Helper()
	out := git(t, dir, "ls-tree", "-r", rev)
	files := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		meta, path, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		files[path] = f[2]
	}
	return files
}

func topFolder(p string) string {
	top, _, _ := strings.Cut(filepath.ToSlash(p), "/")
	return top
}
