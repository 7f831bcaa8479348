package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

func newStatusCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "When the tenant was last exported and checked, and whether a run is going",
		Long: `Status reads the repo only: the last snapshot commit, the last export run
(recorded on refs/qlikops/runs even when nothing changed), what that run
covered and what failed, the last apply (its commit, outcome and the secrets
still to re-enter), and whether another run holds the lock.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := ops.RepoStatus(g.repo)
			if err != nil {
				return err
			}
			if g.output == "json" {
				return writeJSON(g.stdout, st)
			}
			printStatus(g, st)
			return nil
		},
	}
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
			if k.Status != ops.KindOK {
				fmt.Fprintf(g.stdout, "  failed %s: %s\n", k.Folder, k.Error)
			}
		}
	}
	printLastApply(g, st.LastApply)
	if st.Locked != "" {
		fmt.Fprintln(g.stdout, "Locked: "+st.Locked)
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
