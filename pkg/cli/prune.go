package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

type pruneOptions struct {
	*globals
	artifacts string
	dryRun    bool
}

func newPruneCmd(g *globals) *cobra.Command {
	o := &pruneOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Apply the retention policy: keep the tagged daily, weekly and monthly runs, drop the rest",
		Long: `Prune applies the retention block of qlikops.yaml, for example

  retention: {daily: 14, weekly: 8, monthly: 24}

It keeps the newest successful export of each of the last 14 days, 8 ISO
weeks and 24 months that have one, as tags qlikops/daily/2026-12-07,
qlikops/weekly/2026-W49 and qlikops/monthly/2026-12 on the snapshot commit
(export sets the tags of its own run), and deletes the retention tags the
policy no longer names. It compacts refs/qlikops/runs to the records of kept
runs plus every record of the last "daily" days. With --artifacts it deletes
the binaries in the store (DIR/sha256/<hex>) that no kept run, no kept run
record, no branch tip and no other tag references in a sha256: field; the
store must belong to this repo alone. Prune talks to no tenant. --dry-run reports
the same and changes nothing.`,
		Example: `  # What the policy would delete, changing nothing
  qlikops prune --repo ~/qlik-backup --artifacts ~/qlik-artifacts --dry-run
  # Weekly, after the nightly export
  qlikops prune --repo ~/qlik-backup --artifacts ~/qlik-artifacts`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.artifacts, "artifacts", "", "the content-addressed artifacts store to sweep (default: leave artifacts alone)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "say what would be deleted and change nothing")
	return cmd
}

func (o *pruneOptions) run(cmd *cobra.Command, _ []string) error {
	env, err := o.env(false)
	if err != nil {
		return err
	}
	res, err := ops.Prune(cmd.Context(), env, ops.PruneOptions{Artifacts: o.artifacts, DryRun: o.dryRun})
	if err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSON(o.stdout, res)
	}
	o.printPrune(res)
	return nil
}

func (o *pruneOptions) printPrune(res ops.PruneResult) {
	would := func(verb string) string {
		if res.DryRun {
			return "would " + verb
		}
		return verb
	}
	w := o.stdout
	fmt.Fprintf(w, "Retention policy (%s): %s\n", ops.ConfigPath, res.Policy)
	fmt.Fprintf(w, "Tags: %d kept, %d %s, %d %s\n", len(res.Tags), len(res.SetTags), would("set"), len(res.DeletedTags), would("delete"))
	commitOf := map[string]string{}
	for _, t := range res.Tags {
		commitOf[t.Name] = t.Commit
	}
	listCapped(w, res.SetTags, func(name string) string { return fmt.Sprintf("%s %s -> %s", would("set"), name, short(commitOf[name])) })
	listCapped(w, res.DeletedTags, func(name string) string { return would("delete") + " " + name })
	fmt.Fprintf(w, "Run records: %d kept, %d %s from refs/qlikops/runs\n", res.KeptRuns, res.DroppedRuns, would("drop"))
	switch {
	case o.artifacts == "":
		fmt.Fprintln(w, "Artifacts: not swept (no --artifacts)")
	case !res.ArtifactsSwept:
		fmt.Fprintf(w, "Artifacts in %s: none deleted: %s\n", o.artifacts, res.ArtifactsUntouchedReason)
	default:
		fmt.Fprintf(w, "Artifacts in %s: %d kept (named by %s), %d %s\n", o.artifacts, len(res.KeptArtifacts),
			countOf(len(res.Protected), "snapshots"), len(res.DeletedArtifacts), would("delete"))
		listCapped(w, res.DeletedArtifacts, func(h string) string { return would("delete") + " sha256/" + h })
	}
	if res.DryRun {
		fmt.Fprintln(w, "Dry run: nothing was changed.")
	}
}

// listCapped prints one indented line per item, at most maxResourceLines.
func listCapped(w io.Writer, items []string, line func(string) string) {
	for i, it := range items {
		if i == maxResourceLines {
			fmt.Fprintf(w, "  … and %d more (-o json lists them all)\n", len(items)-i)
			return
		}
		fmt.Fprintf(w, "  %s\n", line(it))
	}
}
