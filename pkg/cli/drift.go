package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/ops"
)

type driftOptions struct {
	*globals
	ref          string
	targetTenant string
	artifacts    string
}

func newDriftCmd(g *globals) *cobra.Command {
	o := &driftOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Compare the live tenant with a commit; exit 2 when they differ",
		Long: `Drift reads the tenant and compares it with the snapshot at --ref (default
HEAD). It writes nothing. Changes are shown from Git to the tenant: "-" is in
Git but gone from the tenant, "+" is in the tenant but not in Git.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().StringVar(&o.ref, "ref", "HEAD", "commit, tag or branch to compare with")
	cmd.Flags().StringVar(&o.targetTenant, "target-tenant", "", targetTenantUsage)
	cmd.Flags().StringVar(&o.artifacts, "artifacts", "", artifactsUsage)
	return withNotify(g, "drift", cmd)
}

func (o *driftOptions) run(cmd *cobra.Command, _ []string) error {
	env, err := o.env(true)
	if err != nil {
		return err
	}
	if err := o.checkTenant(cmd.Context(), &env, "drift", false, o.targetTenant); err != nil {
		return err
	}
	env.Artifacts = o.artifacts
	changes, err := ops.Drift(cmd.Context(), env, o.ref)
	if err != nil {
		return err
	}
	if o.output == "json" {
		if err := writeJSON(o.stdout, changesOrEmpty(changes)); err != nil {
			return err
		}
	} else if len(changes) == 0 {
		fmt.Fprintf(o.stdout, "No drift: the tenant matches %s.\n", o.ref)
	} else {
		fmt.Fprintf(o.stdout, "Drift from %s (%s):\n", o.ref, diff.Summary(changes))
		diff.Text(o.stdout, changes)
	}
	o.notice = driftNotice(o.ref, changes)
	if len(changes) > 0 {
		return exitCode(ExitChanges)
	}
	return nil
}
