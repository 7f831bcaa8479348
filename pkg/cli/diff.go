package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
)

type diffOptions struct {
	*globals
	format string
}

func newDiffCmd(g *globals) *cobra.Command {
	o := &diffOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "diff [REV_A [REV_B]]",
		Short: "Semantic diff between two commits, or a commit and the working tree",
		Long: `Diff compares documents by natural key and field, ignoring tenant ids.
With no revision it compares HEAD with the working tree; with one, that
revision with the working tree. Exit code 0 means no changes, 2 changes.`,
		Args: cobra.MaximumNArgs(2),
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.format, "format", "", "text, json or markdown (default: --output)")
	return cmd
}

func (o *diffOptions) run(_ *cobra.Command, args []string) error {
	env, err := o.env(false)
	if err != nil {
		return err
	}
	format, err := resultFormat(o.format, o.output)
	if err != nil {
		return err
	}
	changes, err := ops.Diff(env, args...)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		err = writeJSON(o.stdout, changesOrEmpty(changes))
	case "markdown":
		diff.Markdown(o.stdout, "qlikops diff", changes)
	default:
		if len(changes) == 0 {
			fmt.Fprintln(o.stdout, "No changes.")
		}
		diff.Text(o.stdout, changes)
	}
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		return exitCode(ExitChanges)
	}
	return nil
}

func changesOrEmpty(cs []diff.Change) []diff.Change {
	if cs == nil {
		return []diff.Change{}
	}
	return cs
}
