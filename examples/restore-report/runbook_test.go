// Package restorereport holds the example restore runbook; this test
// regenerates it from the demo tenant and checks that the page in README.md
// has today's format: the same header, table columns and sections. Counts
// may lag behind a demo tenant that grew (go test -update rewrites it), so
// that adding a kind elsewhere does not break this test.
package restorereport

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/cli"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
)

var update = flag.Bool("update", false, "rewrite the runbook in README.md")

// separator ends the introduction of README.md; the runbook follows it.
const separator = "\n---\n\n"

var (
	commit  = regexp.MustCompile("`[0-9a-f]{12}`|--ref [0-9a-f]{12}")
	counted = regexp.MustCompile(`\(\d+\)$|^\d+ resources`)
)

// shape is what the format decides: the header lines, the table's head,
// and the section headings without their counts.
func shape(page string) []string {
	var out []string
	for _, line := range strings.Split(page, "\n") {
		switch {
		case strings.HasPrefix(line, "## "), strings.HasPrefix(line, "| kind "), strings.HasPrefix(line, "|---"),
			strings.HasPrefix(line, "### "), strings.Contains(line, " resources. Restore with "):
			out = append(out, counted.ReplaceAllString(commit.ReplaceAllString(line, "COMMIT"), "N"))
		}
	}
	return out
}

func TestRunbookIsCurrent(t *testing.T) {
	s := sim.New(sim.Options{APIKey: "runbook-key", Deterministic: true})
	if err := s.LoadSeed("../demo-tenant"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "runbook-key", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := ops.Export(ctx, ops.Env{RepoDir: repo, Client: c, Registry: kinds.Default(), Version: "test"}); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := cli.Run([]string{"restore-report", "--repo", repo, "--format", "markdown"}, nil, &out, &errs); code != 0 {
		t.Fatalf("restore-report exited %d: %s", code, errs.String())
	}
	page, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	intro, runbook, ok := strings.Cut(string(page), separator)
	if !ok {
		t.Fatal("README.md lacks the --- line before the runbook")
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(intro+separator+out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if d := cmp.Diff(shape(runbook), shape(out.String())); d != "" {
		t.Errorf("README.md's runbook has not the format restore-report prints (-README +now); run go test ./examples/restore-report -update\n%s", d)
	}
}
