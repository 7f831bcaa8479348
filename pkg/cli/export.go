package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

type exportOptions struct {
	*globals
	force bool
}

func newExportCmd(g *globals) *cobra.Command {
	o := &exportOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Read the tenant, write one YAML document per resource, and commit if anything changed",
		Long: `Export reads every selected kind from the tenant and writes normalized
documents into the repo. It commits only when something changed, and records
every run on refs/qlikops/runs. A kind that cannot be read keeps its previous
files and makes the run exit 3.

Export never destroys local work. Uncommitted changes to tracked files in
the selected kind folders (and qlikops.yaml), untracked files there and
nested repositories stop it with exit 1 and a list of the paths. --force
writes anyway after saving that work as a commit on refs/qlikops/saved/<time>,
which it names. Export deletes only files the previous snapshot tracked, and
refuses a detached HEAD.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "write over local work in kind folders, after saving it to refs/qlikops/saved/<time>")
	return cmd
}

func (o *exportOptions) run(cmd *cobra.Command, _ []string) error {
	env, err := o.env(true)
	if err != nil {
		return err
	}
	env.Force = o.force
	if o.stderrIsTTY() {
		env.Progress = func(kind string, done, total int) {
			fmt.Fprintf(o.stderr, "\rread %d/%d kinds (%s)\033[K", done, total, kind)
			if done == total {
				fmt.Fprint(o.stderr, "\r\033[K")
			}
		}
	}
	res, err := ops.Export(cmd.Context(), env)
	if err != nil {
		return err
	}
	if o.output == "json" {
		if err := writeJSON(o.stdout, res.Manifest); err != nil {
			return err
		}
	} else {
		o.printExport(res)
	}
	if res.Partial() {
		return exitCode(ExitPartial)
	}
	return nil
}

func (o *exportOptions) printExport(res ops.ExportResult) {
	m := res.Manifest
	var counts []string
	for _, k := range m.Kinds {
		if k.Status == ops.KindOK {
			counts = append(counts, fmt.Sprintf("%d %s", k.Count, k.Folder))
		}
	}
	fmt.Fprintf(o.stdout, "Exported %s from %s\n", strings.Join(counts, ", "), m.Tenant)
	for _, k := range m.Kinds {
		if k.Status != ops.KindOK {
			fmt.Fprintf(o.stdout, "FAILED %s: %s (previous files kept)\n", k.Folder, k.Error)
		}
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(o.stdout, "warning: %s\n", w)
	}
	if res.Commit != "" {
		fmt.Fprintf(o.stdout, "Committed %s: %d files changed\n", short(res.Commit), len(res.Changed))
	} else {
		fmt.Fprintf(o.stdout, "No changes since %s; run recorded on refs/qlikops/runs\n", short(m.Commit))
	}
}
