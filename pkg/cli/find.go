package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

type findOptions struct {
	*globals
	o       ops.FindOptions
	changed string
	format  string
}

func newFindCmd(g *globals) *cobra.Command {
	o := &findOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "find",
		Short: "The snapshots in which matching resources were added, changed or removed: recovery points",
		Long: `Find walks the snapshot history newest first and prints each commit in which a
resource matching the filters was added, changed or removed, with what changed
(the field paths) and who (the Changed-by trailers). For a removed resource
it names the last snapshot that still has it, the commit to restore from.
Filters combine; none means every resource. It reads only the repo.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	f := cmd.Flags()
	f.StringVar(&o.o.Kind, "kind", "", "only this kind (Space, spaces, DataConnection, ...)")
	f.StringVar(&o.o.Name, "name", "", `only names matching this glob, case-insensitive ("Sales*")`)
	f.StringVar(&o.o.Owner, "owner", "", "only resources owned by this user (email)")
	f.StringVar(&o.o.Space, "space", "", "only resources in this space (and the space itself)")
	f.StringVar(&o.o.Field, "field", "", "only changes to this field or below it (spec.description)")
	f.StringVar(&o.changed, "changed-since", "", "only commits since then: 30d, 12h, 2w or a date (2026-12-01)")
	f.StringVar(&o.o.Ref, "ref", "HEAD", "the commit the walk starts at")
	f.IntVar(&o.o.Limit, "limit", 0, "at most this many commits (0: all)")
	f.StringVar(&o.format, "format", "", "text or json (default: --output)")
	return cmd
}

func (o *findOptions) run(*cobra.Command, []string) error {
	format, err := textOrJSON(o.format, o.output)
	if err != nil {
		return err
	}
	if o.changed != "" {
		if o.o.Since, err = ops.ParseSince(o.changed, time.Now()); err != nil {
			return err
		}
	}
	env, err := o.env(false)
	if err != nil {
		return err
	}
	hits, err := ops.Find(env, o.o)
	if err != nil {
		return err
	}
	if format == "json" {
		if hits == nil {
			hits = []ops.FindHit{}
		}
		return writeJSON(o.stdout, hits)
	}
	if len(hits) == 0 {
		fmt.Fprintln(o.stdout, "No snapshot matches.")
		return nil
	}
	for _, h := range hits {
		fmt.Fprintf(o.stdout, "%.12s %s %s\n", h.Commit, h.When.UTC().Format(time.RFC3339), h.Subject)
		for _, r := range h.Resources {
			fmt.Fprintf(o.stdout, "  %s %s %s %s\n", r.Action, r.Kind, keyName(r.Space, r.Name), byLine(r.ChangedBy))
			for _, f := range r.Fields {
				fmt.Fprintf(o.stdout, "      %s\n", f)
			}
			if r.Action == ops.ActionRemoved && r.RestoreFrom != "" {
				fmt.Fprintf(o.stdout, "      last in %.12s\n", r.RestoreFrom)
			}
		}
	}
	return nil
}
