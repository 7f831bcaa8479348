package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
)

type rehearseOptions struct {
	*globals
	ref    string
	format string
}

func newRehearseCmd(g *globals) *cobra.Command {
	o := &rehearseOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "rehearse",
		Short: "Prove a snapshot restores: restore it into a local qliksim and compare what comes back",
		Long: `Rehearse starts qliksim in-process, holding only what the identity provider
provides (the snapshot's users and identity-provider groups), applies the
snapshot at --ref to it with a generated value for every secret placeholder,
exports the result into a temporary repo and compares it with the snapshot
document by document, ids aside. No tenant is touched; the repo is only read.

It prints the verdict (the restorable resources that came back identical, and
those that did not, with why), then the restore report. Exit code 0 means
every restorable resource came back identical, 2 that some did not, 1 an
error. --format json suits CI.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "commit, tag or branch to rehearse")
	cmd.Flags().StringVar(&o.format, "format", "", "text or json; default: --output")
	return cmd
}

func (o *rehearseOptions) run(cmd *cobra.Command, _ []string) error {
	format := o.format
	if format == "" {
		format = o.output
	}
	if format != "text" && format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", format)
	}
	env, err := o.env(false)
	if err != nil {
		return err
	}
	env.Version = Version
	res, err := ops.Rehearse(cmd.Context(), env, o.ref)
	if err != nil {
		return err
	}
	if format == "json" {
		if err := writeJSON(o.stdout, res); err != nil {
			return err
		}
	} else {
		rehearsalText(o.stdout, res)
	}
	if !res.OK {
		return exitCode(ExitChanges)
	}
	return nil
}

func rehearsalText(w io.Writer, r ops.RehearseResult) {
	diff.WriteLine(w, fmt.Sprintf("Rehearsed restore of commit %s into a local qliksim seeded with %d resources from the identity provider.", short(r.Commit), r.Seeded))
	diff.WriteLine(w, fmt.Sprintf("Apply: %d done, %d skipped, %d failed.", r.Applied[apply.Done], r.Applied[apply.Skipped], r.Applied[apply.Failed]))
	diff.WriteLine(w, "Verdict: "+r.Summary()+".")
	for _, d := range r.Different {
		where := ""
		if d.File != "" {
			where = " (" + d.File + ")"
		}
		state := "came back different"
		if !d.CameBack {
			state = "did not come back"
		}
		diff.WriteLine(w, fmt.Sprintf("  ✗ %s %s%s %s", d.Kind, d.Key().Display(), where, state))
		diff.TextFields(w, "      ", d.Fields)
		for _, why := range d.Why {
			diff.WriteLine(w, "      "+why)
		}
	}
	if len(r.NotRestorable) > 0 {
		diff.WriteLine(w, fmt.Sprintf("Not restored by apply, as the report says (%d):", len(r.NotRestorable)))
		for _, n := range r.NotRestorable {
			state := "stood in for by the rehearsal"
			switch {
			case !n.CameBack:
				state = "not restored"
			case len(n.Fields) > 0:
				state = "came back different"
			}
			line := fmt.Sprintf("  - %s %s: %s", n.Kind, n.Key().Display(), state)
			if n.Class == ops.CannotRestore && len(n.Why) > 0 {
				line += " (" + strings.Join(n.Why, "; ") + ")"
			}
			diff.WriteLine(w, line)
		}
	}
	if len(r.Extra) > 0 {
		diff.WriteLine(w, fmt.Sprintf("In the restored tenant but not in the snapshot (%d):", len(r.Extra)))
		for _, e := range r.Extra {
			diff.WriteLine(w, fmt.Sprintf("  + %s %s", e.Kind, e.Key().Display()))
		}
	}
	diff.WriteLine(w, "")
	restoreReportText(w, r.Report)
}
