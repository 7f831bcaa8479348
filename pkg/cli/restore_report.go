package cli

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/secrets"
)

type restoreReportOptions struct {
	*globals
	ref    string
	format string
}

func newRestoreReportCmd(g *globals) *cobra.Command {
	o := &restoreReportOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "restore-report",
		Short: "What restoring a snapshot takes, resource by resource (reads only the repo)",
		Long: `Restore-report classifies every resource of the snapshot at --ref by what
restoring it takes: it restores directly; it restores but needs secrets
re-entered (named by placeholder); it restores but needs a reload (apps); it
restores under a new id (what refers to the old one must be re-pointed); it
cannot be restored from this snapshot (and why); or it is manual (and what to
do). Totals per kind head it. It reads the repo only, never a tenant.
--format markdown is a runbook page.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "commit, tag or branch to report on")
	cmd.Flags().StringVar(&o.format, "format", "", "text, json or markdown (a runbook page); default: --output")
	return cmd
}

func (o *restoreReportOptions) run(_ *cobra.Command, _ []string) error {
	format, err := resultFormat(o.format, o.output)
	if err != nil {
		return err
	}
	env, err := o.env(false)
	if err != nil {
		return err
	}
	r, err := ops.RestoreReportOf(env, o.ref)
	if err != nil {
		return err
	}
	return writeRestoreReport(o.stdout, r, format)
}

func writeRestoreReport(w io.Writer, r ops.RestoreReport, format string) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "markdown":
		restoreReportMarkdown(w, r)
	default:
		restoreReportText(w, r)
	}
	return nil
}

// classHeads are the short column heads of the totals table.
var classHeads = map[ops.RestoreClass]string{
	ops.RestoresDirectly: "direct", ops.NeedsReentry: "re-entry", ops.NeedsReload: "reload",
	ops.NewID: "new id", ops.CannotRestore: "cannot", ops.Manual: "manual",
}

func sortedKinds(r ops.RestoreReport) []string {
	var out []string
	for k := range r.Totals {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func kindTotal(m map[ops.RestoreClass]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func restoreReportText(w io.Writer, r ops.RestoreReport) {
	diff.WriteLine(w, fmt.Sprintf("Restore report for commit %s: %d resources.", short(r.Commit), len(r.Entries)))
	diff.WriteLine(w, "")
	head := fmt.Sprintf("%-22s %6s", "kind", "total")
	for _, c := range ops.RestoreClasses {
		head += fmt.Sprintf(" %8s", classHeads[c])
	}
	diff.WriteLine(w, head)
	row := func(name string, m map[ops.RestoreClass]int) {
		line := fmt.Sprintf("%-22s %6d", name, kindTotal(m))
		for _, c := range ops.RestoreClasses {
			line += fmt.Sprintf(" %8d", m[c])
		}
		diff.WriteLine(w, line)
	}
	for _, k := range sortedKinds(r) {
		row(k, r.Totals[k])
	}
	row("all", r.Classes)
	for _, c := range ops.RestoreClasses {
		entries := entriesOf(r, c)
		if len(entries) == 0 {
			continue
		}
		diff.WriteLine(w, "")
		diff.WriteLine(w, fmt.Sprintf("%s (%d):", c.Title(), len(entries)))
		if c == ops.NeedsReentry {
			diff.WriteLine(w, fmt.Sprintf("  (supply with --secrets FILE or %s<NAME>, or enter them in the hub)", secrets.EnvPrefix))
		}
		for _, e := range entries {
			diff.WriteLine(w, "  "+entryLine(e, c))
			for _, s := range e.Secrets {
				diff.WriteLine(w, "      secret "+s)
			}
			for _, n := range e.Notes {
				diff.WriteLine(w, "      note: "+n)
			}
		}
	}
}

// entryLine is one resource with what its class asks.
func entryLine(e ops.RestoreEntry, c ops.RestoreClass) string {
	s := e.Kind + " " + e.Key().Display()
	if e.ID != "" && c == ops.NewID {
		s += " (id " + e.ID + ")"
	}
	if e.Why != "" && c != ops.NeedsReentry {
		s += ": " + e.Why
	}
	return s
}

func entriesOf(r ops.RestoreReport, c ops.RestoreClass) []ops.RestoreEntry {
	var out []ops.RestoreEntry
	for _, e := range r.Entries {
		if e.Class == c {
			out = append(out, e)
		}
	}
	return out
}

// restoreReportMarkdown is a runbook page: the totals, then a checklist of
// what someone has to do, class by class, and last what needs nothing.
func restoreReportMarkdown(w io.Writer, r ops.RestoreReport) {
	md := diff.MarkdownText
	diff.WriteLine(w, fmt.Sprintf("## Restore runbook for commit `%s`", short(r.Commit)))
	diff.WriteLine(w, "")
	diff.WriteLine(w, fmt.Sprintf("%d resources. Restore with `qlikops apply --ref %s --target-tenant URL --secrets FILE`, then work through the checklists below.", len(r.Entries), short(r.Commit)))
	diff.WriteLine(w, "")
	head, rule := "| kind | total |", "|---|---:|"
	for _, c := range ops.RestoreClasses {
		head += " " + classHeads[c] + " |"
		rule += "---:|"
	}
	diff.WriteLine(w, head)
	diff.WriteLine(w, rule)
	row := func(name string, m map[ops.RestoreClass]int) {
		line := fmt.Sprintf("| %s | %d |", name, kindTotal(m))
		for _, c := range ops.RestoreClasses {
			line += fmt.Sprintf(" %d |", m[c])
		}
		diff.WriteLine(w, line)
	}
	for _, k := range sortedKinds(r) {
		row(k, r.Totals[k])
	}
	row("**all**", r.Classes)
	// The order of a runbook: what blocks first, then what to do by hand,
	// then follow-ups, then what needs nothing.
	for _, c := range []ops.RestoreClass{ops.CannotRestore, ops.Manual, ops.NeedsReentry, ops.NewID, ops.NeedsReload, ops.RestoresDirectly} {
		entries := entriesOf(r, c)
		if len(entries) == 0 {
			continue
		}
		diff.WriteLine(w, "")
		diff.WriteLine(w, fmt.Sprintf("### %s (%d)", c.Title(), len(entries)))
		diff.WriteLine(w, "")
		box := "- [ ] "
		if c == ops.RestoresDirectly {
			box = "- "
		}
		if c == ops.NeedsReentry {
			diff.WriteLine(w, fmt.Sprintf("Supply each with `--secrets FILE` or `%s<NAME>`, or enter it in the hub after the restore.", secrets.EnvPrefix))
			diff.WriteLine(w, "")
		}
		for _, e := range entries {
			line := box + "**" + e.Kind + "** " + md(e.Key().Display())
			if e.ID != "" && c == ops.NewID {
				line += " (old id `" + e.ID + "`)"
			}
			diff.WriteLine(w, line)
			if e.Why != "" && c != ops.NeedsReentry {
				diff.WriteLine(w, "  - "+md(e.Why))
			}
			for _, s := range e.Secrets {
				diff.WriteLine(w, "  - [ ] `"+s+"`")
			}
			for _, n := range e.Notes {
				diff.WriteLine(w, "  - "+md(n))
			}
		}
	}
	if len(r.Entries) == 0 {
		diff.WriteLine(w, "")
		diff.WriteLine(w, "The snapshot holds no resource of the selected kinds.")
	}
}
