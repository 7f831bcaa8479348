package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/fleet"
	"github.com/qlikops/qlikops/pkg/ops"
)

// fleetOptions are --fleet and --parallel, which export, drift and status
// take to run across every tenant of a fleet.yaml.
type fleetOptions struct {
	*globals
	file     string
	parallel int
}

// addFleetFlags gives export, drift and status --fleet and --parallel. With
// --fleet the command runs per tenant in pkg/fleet instead of on --repo; its
// own flags (--push, --remote, --allow-other-tenant, --ref) apply to every
// tenant.
func addFleetFlags(g *globals, root *cobra.Command) {
	for _, cmd := range root.Commands() {
		switch cmd.Name() {
		case fleet.OpExport, fleet.OpDrift, fleet.OpStatus:
		default:
			continue
		}
		o := &fleetOptions{globals: g}
		cmd.Flags().StringVar(&o.file, "fleet", "", "run for every tenant of this fleet.yaml (each with its own repo and credentials) instead of --repo")
		cmd.Flags().IntVar(&o.parallel, "parallel", fleet.DefaultParallel, "with --fleet: how many tenants run at once")
		single := cmd.RunE
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			if o.file == "" {
				if cmd.Flags().Changed("parallel") {
					return fmt.Errorf("--parallel needs --fleet")
				}
				return single(cmd, args)
			}
			return o.run(cmd)
		}
	}
}

func (o *fleetOptions) run(cmd *cobra.Command) error {
	for _, f := range []string{"repo", "tenant", "target-tenant"} {
		if fl := cmd.Flags().Lookup(f); fl != nil && fl.Changed {
			return fmt.Errorf("--%s and --fleet do not go together: fleet.yaml names each tenant's repo and URL", f)
		}
	}
	if o.output != "text" && o.output != "json" {
		return fmt.Errorf("--output must be text or json, not %q", o.output)
	}
	if o.parallel < 1 {
		return fmt.Errorf("--parallel must be at least 1, not %d", o.parallel)
	}
	if len(o.include) > 0 || len(o.exclude) > 0 {
		if _, err := o.registry.Select(o.include, o.exclude); err != nil {
			return err
		}
	}
	f, err := fleet.Load(o.file)
	if err != nil {
		return err
	}
	fo := fleet.Options{Op: cmd.Name(), Parallel: o.parallel, Registry: o.registry, Include: o.include, Exclude: o.exclude,
		Version: Version, Getenv: os.Getenv}
	fo.Qlik.RetryBackoff = retryBackoff
	fo.AllowOtherTenant, _ = cmd.Flags().GetBool("allow-other-tenant")
	fo.Ref, _ = cmd.Flags().GetString("ref")
	if push, _ := cmd.Flags().GetBool("push"); push {
		remote, _ := cmd.Flags().GetString("remote")
		fo.Push = &ops.PushOptions{Remote: remote}
	}
	if o.output == "text" && o.stderrIsTTY() {
		done := 0
		fo.Done = func(r fleet.Result) {
			done++
			fmt.Fprintf(o.stderr, "\r%s %d/%d tenants (%s: %s)\033[K", cmd.Name(), done, len(f.Tenants), r.Tenant, r.Outcome)
			if done == len(f.Tenants) {
				fmt.Fprint(o.stderr, "\r\033[K")
			}
		}
	}
	results := fleet.Run(cmd.Context(), f, fo)
	if o.output == "json" {
		if err := writeJSON(o.stdout, results); err != nil {
			return err
		}
	} else {
		fleet.WriteSummary(o.stdout, cmd.Name(), results)
	}
	if code := fleet.ExitCode(results); code != 0 {
		return exitCode(code)
	}
	return nil
}

// newFleetCmd is `qlikops fleet list`: the tenants of a fleet.yaml, for CI
// matrices (one job per tenant) and generators.
func newFleetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Work with a fleet.yaml (export, drift and status take --fleet to run across it)",
		Args:  cobra.NoArgs,
	}
	var file string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the tenants of a fleet.yaml; -o json gives a CI matrix",
		Long: `List validates the fleet file and prints its tenants: name, URL, repo
(relative to the current folder) and the names of the variables holding
each tenant's credentials (never their values). With -o json the list is
a JSON array, ready for a GitHub Actions matrix (fromJSON).`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			f, err := fleet.Load(file)
			if err != nil {
				return err
			}
			rows := fleet.List(f)
			if g.output == "json" {
				return writeJSON(g.stdout, rows)
			}
			for _, r := range rows {
				fmt.Fprintf(g.stdout, "%s\t%s\t%s\t%s\n", r.Name, r.URL, r.Repo, r.CredentialEnv())
			}
			return nil
		},
	}
	list.Flags().StringVar(&file, "fleet", "fleet.yaml", "the fleet file")
	cmd.AddCommand(list)
	return cmd
}
