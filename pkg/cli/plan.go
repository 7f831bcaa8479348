package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/plan"
)

type planOptions struct {
	*globals
	ref        string
	prune      bool
	maxDeletes int
	out        string

	allowUnresolved bool
}

func (o *planOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.ref, "ref", "HEAD", "commit, tag or branch to make the tenant match")
	f.BoolVar(&o.prune, "prune", false, "delete resources that are not in the snapshot (only within kinds the snapshot contains)")
	f.IntVar(&o.maxDeletes, "max-deletes", 0, "refuse to prune more than this many resources (default 10, and at most 10% of a kind)")
	f.BoolVar(&o.allowUnresolved, "allow-unresolved", false, "skip members and owners whose user or group the repo's own tenant lacks, instead of stopping (apply then exits 3)")
}

func (o *planOptions) planOptions() ops.PlanOptions {
	return ops.PlanOptions{Ref: o.ref, Prune: o.prune, MaxDeletes: o.maxDeletes, AllowUnresolved: o.allowUnresolved}
}

func newPlanCmd(g *globals) *cobra.Command {
	o := &planOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change, resource by resource and field by field",
		Long: `Plan compares the snapshot at --ref with the live tenant and lists the
creates, updates and (with --prune) deletes that apply would make, in the
order it would make them. It writes nothing to the tenant. Exit code 0 means
nothing to do, 2 means changes.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.out, "out", "", "also save the plan as JSON, for apply --plan")
	return cmd
}

func (o *planOptions) run(cmd *cobra.Command, _ []string) error {
	env, err := o.env(true)
	if err != nil {
		return err
	}
	p, err := ops.Plan(cmd.Context(), env, o.planOptions())
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, p); err != nil {
			return err
		}
	}
	if o.output == "json" {
		err = writeJSON(o.stdout, p)
	} else {
		printPlan(o.stdout, p)
	}
	if err != nil {
		return err
	}
	if len(p.Steps) > 0 {
		return exitCode(ExitChanges)
	}
	return nil
}

var actionSymbol = map[plan.Action]string{plan.Create: "+", plan.Update: "~", plan.Delete: "-"}

func printPlan(w io.Writer, p *plan.Plan) {
	n := p.Counts()
	fmt.Fprintf(w, "Plan for %s: %d to create, %d to update, %d to delete.\n",
		short(p.Commit), n[plan.Create], n[plan.Update], n[plan.Delete])
	for _, s := range p.Steps {
		fmt.Fprintf(w, "%s %s %s %s\n", actionSymbol[s.Action], s.Action, s.Kind, s.Key().Display())
		if s.Action == plan.Update {
			for _, f := range s.Fields {
				fmt.Fprintf(w, "    %s\n", fieldLine(f))
			}
		}
	}
	for _, u := range p.Unresolved {
		fmt.Fprintf(w, "unresolved: %s (will be skipped)\n", u)
	}
}

// fieldLine shows a field change in the direction apply goes: from the
// tenant's value to Git's.
func fieldLine(f diff.Field) string {
	switch f.Op {
	case diff.Added:
		return fmt.Sprintf("+ %s: %s", f.Path, diff.Value(f.New))
	case diff.Removed:
		return fmt.Sprintf("- %s: %s", f.Path, diff.Value(f.Old))
	}
	return fmt.Sprintf("~ %s: %s → %s", f.Path, diff.Value(f.Old), diff.Value(f.New))
}

func savePlan(path string, p *plan.Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

func loadPlan(path string) (*plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: not a qlikops plan: %w", path, err)
	}
	return &p, nil
}
