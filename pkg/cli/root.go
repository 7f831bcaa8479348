package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// Exit codes, the contract of DESIGN.md.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2
	ExitPartial = 3
)

// exitCode carries a non-error outcome (changes found, partial run) out of
// a command without printing anything more.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// globals are the flags every command shares.
type globals struct {
	repo     string
	tenant   string
	include  []string
	exclude  []string
	output   string
	verbose  bool
	quiet    bool
	registry *kinds.Registry
	// recorded is the repo's tenant from qlikops.yaml, set by env.
	recorded ops.Identity
	// notice is what a command adds to its alert (see withNotify).
	notice []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	isTTY  func() bool
}

// Main runs qlikops with os.Args and returns the exit code.
func Main() int {
	return Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// Run is Main with explicit arguments and streams, for tests.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	g := &globals{registry: kinds.Default(), stdin: stdin, stdout: stdout, stderr: stderr, isTTY: stdinIsTerminal}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var code exitCode
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &code):
		return int(code)
	default:
		fmt.Fprintln(stderr, "qlikops: "+strings.ReplaceAll(err.Error(), "\n", "\nqlikops: "))
		return ExitError
	}
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "qlikops",
		Short:         "Put a Qlik Cloud tenant under Git: export, diff, drift, plan and apply",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.repo, "repo", ".", "the Git repo that holds the snapshot")
	pf.StringVar(&g.tenant, "tenant", "", "tenant URL (default $QLIK_TENANT_URL, then tenant: in qlikops.yaml); http:// only for loopback")
	pf.StringSliceVar(&g.include, "kinds", nil, "only these kinds, e.g. spaces,groups")
	pf.StringSliceVar(&g.exclude, "exclude-kinds", nil, "all kinds but these")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log every API call to stderr (secrets are never logged)")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "for cron: print only errors and the final summary, no progress")
	root.AddCommand(
		newExportCmd(g),
		newDiffCmd(g),
		newDriftCmd(g),
		newPlanCmd(g),
		newApplyCmd(g),
		newUnlockCmd(g),
		newStatusCmd(g),
		newFleetCmd(g),
		newPruneCmd(g),
		newRestoreReportCmd(g),
		newRehearseCmd(g),
		newHistoryCmd(g),
		newFindCmd(g),
	)
	addFleetFlags(g, root)
	decorateHelp(root)
	return root
}

// env builds the ops environment. withTenant is false for commands that only
// read Git.
func (g *globals) env(withTenant bool) (ops.Env, error) {
	if g.output != "text" && g.output != "json" {
		return ops.Env{}, fmt.Errorf("--output must be text or json, not %q", g.output)
	}
	o := ops.EnvOptions{RepoDir: g.repo, Registry: g.registry, Include: g.include, Exclude: g.exclude, Version: Version, CheckConfig: g.checkKinds,
		Warn: func(msg string) { fmt.Fprintln(g.stderr, "qlikops: warning: "+msg) }}
	if !withTenant {
		env, _, err := ops.NewEnv(o)
		return env, err
	}
	cfg := qlik.ConfigFromEnv()
	cfg.RetryBackoff = retryBackoff
	if unlimitedRates {
		cfg.Tier1PerMin, cfg.Tier2PerMin = -1, -1
	}
	o.Qlik = &cfg
	o.CheckConfig = func(repoCfg ops.Config) error {
		if err := g.checkKinds(repoCfg); err != nil {
			return err
		}
		g.recorded = repoCfg.Recorded()
		cfg.TenantURL = g.tenantURL(cfg.TenantURL, repoCfg.Tenant)
		return nil
	}
	if g.verbose {
		cfg.Logf = func(format string, args ...any) { fmt.Fprintf(g.stderr, "debug: "+format+"\n", args...) }
	}
	env, _, err := ops.NewEnv(o)
	return env, err
}

// tenantURL picks the tenant URL: --tenant, then QLIK_TENANT_URL, then
// qlikops.yaml. When two of them are set and disagree it warns, in one line,
// so that a stale variable never silently points a repo at another tenant
// (CheckTenant then refuses it unless told).
func (g *globals) tenantURL(fromEnv, fromConfig string) string {
	sources := []struct{ name, url string }{
		{"--tenant", strings.TrimSpace(g.tenant)},
		{"QLIK_TENANT_URL", fromEnv},
		{ops.ConfigPath, strings.TrimSpace(fromConfig)},
	}
	winner := -1
	var others []string
	for i, s := range sources {
		switch {
		case s.url == "":
		case winner < 0:
			winner = i
		case !ops.SameURL(s.url, sources[winner].url):
			others = append(others, fmt.Sprintf("%s (%s)", s.name, s.url))
		}
	}
	if winner < 0 {
		return ""
	}
	w := sources[winner]
	if len(others) > 0 {
		fmt.Fprintf(g.stderr, "qlikops: warning: tenant URLs disagree: using %s (%s) over %s\n", w.name, w.url, strings.Join(others, " and "))
	}
	return w.url
}

// checkTenant makes sure the command acts on the repo's own tenant, or on
// another one only as the user said (see ops.CheckTenant).
func (g *globals) checkTenant(ctx context.Context, env *ops.Env, op string, allowOther bool, target string) error {
	return ops.CheckTenant(ctx, env, ops.TenantGuard{Op: op, Recorded: g.recorded, AllowOther: allowOther, Target: target})
}

// checkKinds validates the kind selection before any command acts on it, so
// every command fails the same way. A bad name in qlikops.yaml is blamed on
// the file only when the file's list is the one in use; a bad flag is
// blamed on the flag.
func (g *globals) checkKinds(repoCfg ops.Config) error {
	if len(g.include) > 0 || len(repoCfg.Kinds) == 0 {
		_, err := g.registry.Select(g.include, g.exclude)
		return err
	}
	if _, err := g.registry.Select(repoCfg.Kinds, nil); err != nil {
		return fmt.Errorf("%s: kinds: %w", ops.ConfigPath, err)
	}
	_, err := g.registry.Select(repoCfg.Kinds, g.exclude)
	if errors.Is(err, kinds.ErrNoKindSelected) {
		return fmt.Errorf("%w: --exclude-kinds %s excludes every kind that %s selects (%s)",
			kinds.ErrNoKindSelected, strings.Join(g.exclude, ","), ops.ConfigPath, strings.Join(repoCfg.Kinds, ","))
	}
	return err
}
