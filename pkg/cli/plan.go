package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/secrets"
)

type planOptions struct {
	*globals
	ref        string
	prune      bool
	maxDeletes int
	out        string
	format     string
	// targetTenant is --target-tenant: the URL of another tenant to act on.
	targetTenant string
	// rewriteSecrets is set by apply's --rewrite-secrets.
	rewriteSecrets bool
	// allowUnresolved is --allow-unresolved.
	allowUnresolved bool
	// artifacts is --artifacts: the store app files are read from.
	artifacts string
	// only is apply's --only: KIND/NAME selectors.
	only []string
}

// artifactsUsage is the --artifacts help of plan, drift and apply.
const artifactsUsage = "the content-addressed store (DIR/sha256/<digest>) export --artifacts kept the app files in; needed when the snapshot names them by sha256"

func (o *planOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.ref, "ref", "HEAD", "commit, tag or branch to make the tenant match")
	f.BoolVar(&o.prune, "prune", false, "delete resources that are not in the snapshot (only within kinds the snapshot contains)")
	f.IntVar(&o.maxDeletes, "max-deletes", 0, "refuse to prune more than this many resources (default 10, and at most 10% of a kind)")
	f.StringVar(&o.targetTenant, "target-tenant", "", targetTenantUsage)
	f.StringVar(&o.artifacts, "artifacts", "", artifactsUsage)
	f.BoolVar(&o.allowUnresolved, "allow-unresolved", false, "skip members and owners whose user or group the repo's own tenant lacks, instead of stopping (apply then exits 3)")
}

func (o *planOptions) planOptions() ops.PlanOptions {
	return ops.PlanOptions{Ref: o.ref, Prune: o.prune, MaxDeletes: o.maxDeletes, RewriteSecrets: o.rewriteSecrets, AllowUnresolved: o.allowUnresolved, Only: o.only}
}

func newPlanCmd(g *globals) *cobra.Command {
	o := &planOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change, resource by resource and field by field",
		Long: `Plan compares the snapshot at --ref with the live tenant and lists the
creates, updates and (with --prune) deletes that apply would make, in the
order it would make them. It writes nothing to the tenant. Exit code 0 means
nothing to do, 2 means changes.

--format markdown writes a pull-request comment of what apply will do. A
change inside a side file (an automation's workspace, a theme's files) shows
as unified hunks with 3 lines of context; a JSON side file also field by field.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.out, "out", "", "also save the plan as JSON, for apply --plan")
	cmd.Flags().StringVar(&o.format, "format", "", "text, json or markdown (a pull-request comment of what apply will do); default: --output")
	return cmd
}

func (o *planOptions) run(cmd *cobra.Command, _ []string) error {
	format, err := resultFormat(o.format, o.output)
	if err != nil {
		return err
	}
	env, err := o.env(true)
	if err != nil {
		return err
	}
	if err := o.checkTenant(cmd.Context(), &env, "plan", false, o.targetTenant); err != nil {
		return err
	}
	env.Artifacts = o.artifacts
	// Values in the environment show which pending re-entries apply would
	// write; plan never reads or sends them.
	env.Secrets = secrets.NewStore(nil, os.Getenv)
	p, err := ops.Plan(cmd.Context(), env, o.planOptions())
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, p); err != nil {
			return err
		}
	}
	if err := writePlan(o.stdout, p, format); err != nil {
		return err
	}
	if len(p.Steps) > 0 {
		return exitCode(ExitChanges)
	}
	return nil
}

var actionSymbol = map[plan.Action]string{plan.Create: "+", plan.Update: "~", plan.Delete: "-", plan.WriteSecrets: "~"}

// printPlan writes the plan for a terminal. Field changes read in the
// direction apply goes: from the tenant's value to Git's.
func printPlan(w io.Writer, p *plan.Plan) {
	n := p.Counts()
	diff.WriteLine(w, fmt.Sprintf("%s: %d to create, %d to update, %d to delete.",
		planHeader(p), n[plan.Create], n[plan.Update]+n[plan.WriteSecrets], n[plan.Delete]))
	if len(p.Only) > 0 {
		diff.WriteLine(w, "Only: "+strings.Join(p.Only, ", "))
	}
	if len(p.Dangerous) > 0 {
		diff.WriteLine(w, fmt.Sprintf("DANGER: this plan changes access to the tenant (%s); apply needs --allow-access-changes, and refuses it if the caller would be locked out.", strings.Join(p.Dangerous, "; ")))
	}
	for _, s := range p.Steps {
		diff.WriteLine(w, fmt.Sprintf("%s %s %s %s%s", actionSymbol[s.Action], stepVerb(s.Action), s.Kind, s.Key().Display(), secretsNote(s)))
		if s.Action == plan.Update {
			diff.TextFields(w, "    ", s.Fields)
		}
		for _, n := range s.Notes {
			diff.WriteLine(w, "    note: "+n)
		}
	}
	for _, u := range p.Unresolved {
		diff.WriteLine(w, fmt.Sprintf("unresolved: %s (will be skipped)", u))
	}
	printNotPlanned(w, p)
}

// targetTenantUsage documents --target-tenant for drift, plan and apply.
const targetTenantUsage = "act on this tenant although the repo belongs to another one (a restore or migration); must be the tenant targeted"

// planHeader names the target tenant and the commit, so that nobody applies
// a plan to the wrong tenant without having read which one it is. Text and
// markdown both lead with it.
func planHeader(p *plan.Plan) string {
	target := ""
	if p.Tenant.URL != "" {
		target = " to tenant " + ops.Identity(p.Tenant).String()
	}
	return fmt.Sprintf("Plan for commit %s%s", short(p.Commit), target)
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
