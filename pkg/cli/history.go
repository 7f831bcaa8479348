package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
)

type historyOptions struct {
	*globals
	ref    string
	limit  int
	format string
}

func newHistoryCmd(g *globals) *cobra.Command {
	o := &historyOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "history KIND/NAME",
		Short: "A resource's changes across snapshots: when, who, and what changed, field by field",
		Long: `History walks the snapshot history (first parents, newest first) and lists every
commit in which the resource was added, changed or removed: when, who changed
it (the commit's Changed-by trailers, which export takes from the tenant's
audit log; "unknown" where the log could not tell), and the field-level diff.
A resource in a space is KIND/SPACE/NAME. It reads only the repo.`,
		Args: cobra.ExactArgs(1),
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "the commit the history ends at")
	cmd.Flags().IntVar(&o.limit, "limit", 0, "at most this many changes (0: all)")
	cmd.Flags().StringVar(&o.format, "format", "", "text or json (default: --output)")
	return cmd
}

func (o *historyOptions) run(_ *cobra.Command, args []string) error {
	format, err := textOrJSON(o.format, o.output)
	if err != nil {
		return err
	}
	env, err := o.env(false)
	if err != nil {
		return err
	}
	key, entries, err := ops.History(env, ops.HistoryOptions{Ref: o.ref, Resource: args[0], Limit: o.limit})
	if err != nil {
		return err
	}
	if format == "json" {
		if entries == nil {
			entries = []ops.HistoryEntry{}
		}
		return writeJSON(o.stdout, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintf(o.stdout, "No snapshot changed %s %s.\n", key.Kind, keyName(key.Space, key.Name))
		return nil
	}
	for _, e := range entries {
		fmt.Fprintf(o.stdout, "%.12s %s %s %s\n", e.Commit, e.When.UTC().Format(time.RFC3339), e.Action, byLine(e.ChangedBy))
		diff.TextFields(o.stdout, "    ", e.Fields)
	}
	return nil
}

func keyName(space, name string) string {
	if space != "" {
		return space + "/" + name
	}
	return name
}

// byLine names who changed a resource in one commit.
func byLine(cbs []ops.ChangedBy) string {
	if len(cbs) == 0 {
		return "by unknown (no Changed-by trailer)"
	}
	var parts []string
	for _, c := range cbs {
		switch {
		case c.Unknown != "":
			parts = append(parts, "unknown ("+c.Unknown+")")
		case c.At != nil:
			parts = append(parts, c.Who+" at "+c.At.UTC().Format(time.RFC3339))
		default:
			parts = append(parts, c.Who)
		}
	}
	return "by " + strings.Join(parts, ", ")
}

func textOrJSON(format, output string) (string, error) {
	if format == "" {
		format = output
	}
	if format != "text" && format != "json" {
		return "", fmt.Errorf("--format must be text or json, not %q", format)
	}
	return format, nil
}
