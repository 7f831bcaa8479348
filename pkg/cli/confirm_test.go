package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simctl"
)

// TestApplyAsksOnATerminal drives the confirmation prompt, which scripts
// cannot reach because they never run on a terminal.
func TestApplyAsksOnATerminal(t *testing.T) {
	s := sim.New(sim.Options{APIKey: "k"})
	if err := s.LoadSeed("../../examples/demo-tenant"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	t.Setenv("QLIK_TENANT_URL", srv.URL)
	t.Setenv("QLIK_API_KEY", "k")
	repo := t.TempDir()

	run := func(stdin string, args ...string) (int, string) {
		var out bytes.Buffer
		g := &globals{registry: kinds.Default(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &out, isTTY: func() bool { return true }}
		root := newRoot(g)
		root.SetArgs(args)
		err := root.ExecuteContext(context.Background())
		var c exitCode
		switch {
		case err == nil:
			return ExitOK, out.String()
		case errors.As(err, &c):
			return int(c), out.String()
		default:
			return ExitError, out.String() + err.Error()
		}
	}
	if code, out := run("", "export", "--repo", repo); code != ExitOK {
		t.Fatalf("export: %d %s", code, out)
	}
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if err := (simctl.Ctl{API: c}).SetSpaceDescription(context.Background(), "Finance", "oops"); err != nil {
		t.Fatal(err)
	}

	s.ResetStats()
	code, out := run("no\n", "apply", "--repo", repo)
	if code != ExitError || !strings.Contains(out, "~ update Space Finance") || !strings.Contains(out, "Type yes to continue") || !strings.Contains(out, "nothing was written") {
		t.Errorf("declined apply: exit %d\n%s", code, out)
	}
	if w := s.Stats().Writes; w != 0 {
		t.Errorf("declined apply wrote %d times", w)
	}

	idA, err := ops.LiveIdentity(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Apply these changes to tenant " + srv.URL + " (id " + idA.ID + ")? Type yes"; !strings.Contains(out, want) {
		t.Errorf("the prompt does not name the tenant: want %q in\n%s", want, out)
	}

	code, out = run("yes\n", "apply", "--repo", repo)
	if code != ExitOK || !strings.Contains(out, "done update Space Finance") {
		t.Errorf("confirmed apply: exit %d\n%s", code, out)
	}
	if w := s.Stats().Writes; w != 1 {
		t.Errorf("confirmed apply wrote %d times, want 1", w)
	}

	// Another tenant, named with --target-tenant: the prompt says that it
	// is not the repo's own, and names both.
	other := sim.New(sim.Options{APIKey: "k"})
	if err := other.LoadSeed("../../testdata/seeds/idp-only"); err != nil {
		t.Fatal(err)
	}
	srvB := httptest.NewServer(other.Handler())
	defer srvB.Close()
	cb, err := qlik.New(qlik.Config{TenantURL: srvB.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	idB, err := ops.LiveIdentity(context.Background(), cb)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("QLIK_TENANT_URL", srvB.URL)
	code, out = run("no\n", "apply", "--repo", repo, "--kinds", "groups,spaces", "--target-tenant", srvB.URL)
	want := "Apply these changes to tenant " + srvB.URL + " (id " + idB.ID + "), which is NOT this repo's tenant " + srv.URL + " (id " + idA.ID + ")? Type yes"
	if code != ExitError || !strings.Contains(out, want) || !strings.Contains(out, "Plan for commit ") {
		t.Errorf("apply to another tenant: exit %d, want %q in\n%s", code, want, out)
	}
	if w := other.Stats().Writes; w != 0 {
		t.Errorf("declined apply to another tenant wrote %d times", w)
	}
}
