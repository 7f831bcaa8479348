package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

type statusOptions struct {
	*globals
	runs   int
	maxAge string
}

func newStatusCmd(g *globals) *cobra.Command {
	o := &statusOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "When the tenant was last exported and checked, and whether the backup needs attention",
		Long: `Status reads the repo only: the last snapshot commit, the last runs (export
and apply, recorded on refs/qlikops/runs even when nothing changed) with when,
how long, the outcome, what changed and what failed, each kind's last
successful export, the secrets still to re-enter, and whether another run
holds the lock.

Exit code 2 means the backup needs attention: the last run failed or partly
failed, or (with --max-age) a kind's last successful export is older than
that. Made for monitoring: qlikops status --max-age 26h in a check.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().IntVar(&o.runs, "runs", ops.DefaultStatusRuns, "how many of the newest runs to list")
	cmd.Flags().StringVar(&o.maxAge, "max-age", "", "exit 2 when a kind's last successful export is older than this (e.g. 26h, 90m, 2d)")
	return cmd
}

func (o *statusOptions) run(*cobra.Command, []string) error {
	if o.output != "text" && o.output != "json" {
		return fmt.Errorf("--output must be text or json, not %q", o.output)
	}
	if o.runs < 1 {
		return fmt.Errorf("--runs must be at least 1, not %d", o.runs)
	}
	maxAge, err := parseAge(o.maxAge)
	if err != nil {
		return err
	}
	st, err := ops.RepoStatus(o.repo, ops.StatusOptions{Runs: o.runs, MaxAge: maxAge})
	if err != nil {
		return err
	}
	if o.output == "json" {
		if err := writeJSON(o.stdout, st); err != nil {
			return err
		}
	} else {
		printStatus(o.globals, st)
	}
	if len(st.Problems) > 0 {
		return exitCode(ExitChanges)
	}
	return nil
}

// parseAge reads a Go duration, or a whole number of days ("2d"), which
// time.ParseDuration does not know.
func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--max-age %q: want a positive duration such as 26h, 90m or 2d", s)
	}
	return d, nil
}

func printStatus(g *globals, st ops.Status) {
	if st.Snapshot == nil {
		fmt.Fprintln(g.stdout, "No snapshot yet: run qlikops export.")
	} else {
		subject, _, _ := strings.Cut(st.Snapshot.Message, "\n")
		fmt.Fprintf(g.stdout, "Snapshot: %s %s (%s)\n", short(st.Snapshot.Hash), subject, st.Snapshot.When.UTC().Format(time.RFC3339))
	}
	if m := st.LastRun; m != nil {
		fmt.Fprintf(g.stdout, "Last export: %s, %s, %d files changed, tenant %s\n", m.FinishedAt.UTC().Format(time.RFC3339), m.Status, m.Changed, m.Tenant)
		for _, k := range m.Kinds {
			if k.Status == ops.KindFailed {
				fmt.Fprintf(g.stdout, "  failed %s: %s\n", k.Folder, k.Reason)
			}
		}
	}
	printLastApply(g, st.LastApply)
	printRuns(g, st.Runs)
	printFreshness(g, st)
	if st.Locked != "" {
		fmt.Fprintln(g.stdout, "Locked: "+st.Locked)
	}
	for _, p := range st.Problems {
		fmt.Fprintln(g.stdout, "ATTENTION: "+p)
	}
}

func printRuns(g *globals, runs []ops.RunSummary) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(g.stdout, "Runs (newest first, %d shown):\n", len(runs))
	for _, r := range runs {
		what := strings.Join(r.Changes, ", ")
		if what == "" {
			what = "no changes"
		}
		fmt.Fprintf(g.stdout, "  %s  %-6s %-7s %8s  %s  %s\n", r.FinishedAt.UTC().Format(time.RFC3339), r.Op, r.Status,
			r.Duration().Round(10*time.Millisecond), short(r.Commit), what)
		for _, f := range r.Failures {
			fmt.Fprintf(g.stdout, "      %s\n", f)
		}
	}
}

func printFreshness(g *globals, st ops.Status) {
	if len(st.Kinds) == 0 {
		return
	}
	fmt.Fprintln(g.stdout, "Last successful export per kind:")
	for _, k := range st.Kinds {
		when := "never"
		if k.LastOK != nil {
			when = k.LastOK.UTC().Format(time.RFC3339)
		}
		note := ""
		if k.Status != ops.KindOK {
			note = " (" + k.Status + " in the last export)"
		}
		if k.Stale {
			note += " STALE"
		}
		fmt.Fprintf(g.stdout, "  %-22s %s%s\n", k.Folder, when, note)
	}
}

func printLastApply(g *globals, a *ops.ApplyRecord) {
	if a == nil {
		fmt.Fprintln(g.stdout, "Last apply: none recorded")
		return
	}
	fmt.Fprintf(g.stdout, "Last apply: %s, %s, commit %s, %d done, %d skipped, %d failed, tenant %s\n",
		a.FinishedAt.UTC().Format(time.RFC3339), a.Status, short(a.Commit), a.Counts["done"], a.Counts["skipped"], a.Counts["failed"], a.Tenant)
	for _, s := range a.Steps {
		if s.Status == "failed" {
			fmt.Fprintf(g.stdout, "  failed %s: %s\n", s.Key(), s.Reason)
		}
	}
	n := 0
	for _, p := range a.NeedsReentry {
		n += len(p.Secrets)
	}
	if n > 0 {
		fmt.Fprintf(g.stdout, "  %d secrets still need re-entry\n", n)
	}
}
