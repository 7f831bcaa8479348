package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/secrets"
)

type applyOptions struct {
	planOptions
	planFile       string
	dryRun         bool
	yes            bool
	secretsFile    string
	readableSecret bool
	onError        string
	// target is the verified tenant, named in the confirmation prompt.
	target      ops.Identity
	otherTenant bool
	// progress is the steps bar on a terminal, started after confirmation.
	progress *stepProgress
	// guard is --allow-access-changes and --i-know-this-locks-me-out.
	guard ops.GuardOptions
	// restoreAppContent is --restore-app-content.
	restoreAppContent bool
}

func newApplyCmd(g *globals) *cobra.Command {
	o := &applyOptions{planOptions: planOptions{globals: g}}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Make the tenant match a commit (or a saved plan)",
		Long: `Apply computes the plan, shows it, and on confirmation executes it in
dependency order. On a terminal it asks; otherwise it needs --yes. --dry-run
prints the plan and writes nothing. Exit code 3 means the apply is partial:
a step failed (its dependents were skipped) or was skipped, a reference was
left unresolved, or a created resource still needs a secret re-entered.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.only, "only", nil, "restore only these resources, KIND/NAME[,KIND/NAME...] (Space/Finance, DataConnection/Finance/Snowflake), plus what they need in order to exist (their space, connections, custom groups) and nothing else")
	f.StringVar(&o.planFile, "plan", "", "execute this saved plan (from plan --out) instead of planning anew")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the plan and write nothing")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	f.StringVar(&o.secretsFile, "secrets", "", "YAML file of placeholder name: value (never keep it in the repo); "+secrets.EnvPrefix+"<NAME> variables also work")
	f.StringVar(&o.onError, "on-error", "continue", "continue: independent steps go on and only dependents of a failure are skipped; abort: stop at the first failure")
	f.BoolVar(&o.readableSecret, "allow-readable-secrets", false, "accept a secrets file that the group or others can read")
	f.BoolVar(&o.rewriteSecrets, "rewrite-secrets", false, "write every supplied secret again, also to resources that did not change (rotation)")
	f.BoolVar(&o.guard.AllowAccessChanges, "allow-access-changes", false, "apply a plan that changes identity providers, auth settings, IP policies or the caller's own roles (still refused if it would lock the caller out)")
	f.BoolVar(&o.restoreAppContent, "restore-app-content", false, "for an app whose content beyond the script (sheets, master items) differs from the commit, import the commit's app file as a new app \"<name> (restored <date>)\" in the same space; the live app is never overwritten")
	f.BoolVar(&o.guard.LockMeOut, "i-know-this-locks-me-out", false, "with --allow-access-changes: apply even a plan that would lock the caller out of the tenant")
	return withNotify(g, "apply", cmd)
}

func (o *applyOptions) run(cmd *cobra.Command, _ []string) error {
	if o.planFile != "" && cmd.Flags().Changed("ref") {
		return errors.New("--plan and --ref cannot be used together")
	}
	if o.planFile != "" && len(o.only) > 0 {
		return errors.New("--plan and --only cannot be used together: --only plans anew")
	}
	if o.onError != "continue" && o.onError != "abort" {
		return fmt.Errorf("--on-error must be continue or abort, not %q", o.onError)
	}
	if !o.dryRun && !o.yes && !o.isTTY() {
		return errors.New("not a terminal: pass --yes to apply without confirmation, or --dry-run to only see the plan")
	}
	env, err := o.env(true)
	if err != nil {
		return err
	}
	if err := o.checkTenant(cmd.Context(), &env, "apply", false, o.targetTenant); err != nil {
		return err
	}
	env.Artifacts = o.artifacts
	o.target, o.otherTenant = env.Target, env.OtherTenant
	var values map[string]string
	if o.secretsFile != "" {
		if values, err = secrets.LoadFile(o.secretsFile, o.readableSecret); err != nil {
			return err
		}
	}
	env.Secrets = secrets.NewStore(values, os.Getenv)
	opts := ops.ApplyOptions{PlanOptions: o.planOptions.planOptions(), DryRun: o.dryRun, Abort: o.onError == "abort", Guard: o.guard, RestoreAppContent: o.restoreAppContent}
	if o.planFile != "" {
		if opts.Saved, err = loadPlan(o.planFile); err != nil {
			return err
		}
	}
	text := o.output == "text"
	if text && !o.dryRun && !o.quiet {
		opts.OnStep = func(oc apply.Outcome) { o.stepDone(oc) }
	}
	if !o.dryRun {
		opts.Confirm = func(p *plan.Plan) bool { return o.confirmAndStart(p, env.Client.Stats) }
	}
	res, err := ops.Apply(cmd.Context(), env, opts)
	if o.progress != nil {
		o.progress.finish()
	}
	if err != nil {
		o.showIssued(res.Report) // what was created is there: its secrets must not be lost
		return err
	}
	return o.finish(res)
}

// confirmAndStart asks for confirmation and, once given, starts the steps
// bar on a terminal (stdout and stderr both: the step lines then go above
// the bar instead of through it). --quiet and any redirection keep the
// plain per-step lines, or none.
func (o *applyOptions) confirmAndStart(p *plan.Plan, stats func() qlik.ClientStats) bool {
	if !o.confirm(p) {
		return false
	}
	if !o.quiet && o.output == "text" && o.stderrIsTTY() && isTerminal(o.stdout) {
		o.progress = newStepProgress(o.stderr, len(p.Steps), stats)
	}
	return true
}

func (o *applyOptions) stepDone(oc apply.Outcome) {
	if o.progress != nil {
		o.progress.step(oc, outcomeText(oc))
		return
	}
	fmt.Fprint(o.stdout, outcomeText(oc))
}

func (o *applyOptions) confirm(p *plan.Plan) bool {
	if o.output == "text" && !(o.quiet && o.yes) {
		printPlan(o.stdout, p)
	}
	if o.yes {
		return true
	}
	fmt.Fprint(o.stdout, o.prompt())
	line, _ := bufio.NewReader(o.stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}

// prompt names the tenant that will be written, and says so when it is not
// the repo's own.
func (o *applyOptions) prompt() string {
	other := ""
	if o.otherTenant {
		other = fmt.Sprintf(", which is NOT this repo's tenant %s", o.recorded)
	}
	return fmt.Sprintf("Apply these changes to tenant %s%s? Type yes to continue: ", o.target, other)
}

func (o *applyOptions) finish(res ops.ApplyResult) error {
	if o.output == "json" {
		if err := writeJSON(o.stdout, res); err != nil {
			return err
		}
	} else if !res.Executed {
		printPlan(o.stdout, res.Plan)
		if o.dryRun {
			fmt.Fprintln(o.stdout, "Dry run: nothing was written.")
		}
	} else {
		r := res.Report
		fmt.Fprintln(o.stdout, summaryLine(r))
		for _, oc := range r.Outcomes {
			if oc.Status == apply.Failed {
				fmt.Fprintf(o.stdout, "  failed %s: %s\n", oc.Key(), oc.Reason)
			}
		}
		// Printed, not only logged: whoever runs the restore has to carry
		// these ids to the sites that embed the tenant.
		for _, n := range r.NewIDs() {
			fmt.Fprintln(o.stdout, n)
		}
		if need := r.NeedsReentry(); len(need) > 0 {
			fmt.Fprintf(o.stdout, "Needs re-entry (supply with --secrets or %s<NAME>, or enter in the hub):\n", secrets.EnvPrefix)
			for _, n := range need {
				fmt.Fprintf(o.stdout, "  %s\n", n)
			}
		}
	}
	o.showIssued(res.Report)
	return applyExit(res.Report)
}

// summaryLine counts everything that makes an apply partial, so the line
// says why the exit code is 3.
func summaryLine(r apply.Report) string {
	return fmt.Sprintf("Applied: %d done, %d skipped, %d failed, %d unresolved, %d needs re-entry.",
		r.Count(apply.Done), r.Count(apply.Skipped), r.Count(apply.Failed), unresolvedCount(r), len(r.NeedsReentry()))
}

// applyExit is the contract's rule: an apply is partial (exit 3) when any
// step was skipped or failed, a reference was left unresolved, or a created
// resource still needs a secret entered. Only a clean apply exits 0.
func applyExit(r apply.Report) error {
	if r.Count(apply.Skipped) > 0 || r.Count(apply.Failed) > 0 || unresolvedCount(r) > 0 || len(r.NeedsReentry()) > 0 {
		return exitCode(ExitPartial)
	}
	return nil
}

func unresolvedCount(r apply.Report) int {
	n := 0
	for _, oc := range r.Outcomes {
		n += len(oc.Unresolved)
	}
	return n
}

// outcomeText is one step's line, and its unresolved references and
// unapplied fields indented below it.
func outcomeText(oc apply.Outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s%s", oc.Status, stepVerb(oc.Action), oc.Kind, oc.Key().Display(), writtenNote(oc))
	if oc.Reason != "" {
		b.WriteString(": " + oc.Reason)
	}
	b.WriteString("\n")
	for _, u := range oc.Unresolved {
		fmt.Fprintf(&b, "    unresolved %s: skipped\n", u)
	}
	for _, n := range oc.NotApplied {
		fmt.Fprintf(&b, "    not applied: %s\n", n)
	}
	for _, n := range oc.Notes {
		fmt.Fprintf(&b, "    note: %s\n", n)
	}
	return b.String()
}
