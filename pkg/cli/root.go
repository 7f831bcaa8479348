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
	registry *kinds.Registry
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	isTTY    func() bool
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
	pf.StringVar(&g.tenant, "tenant", "", "tenant URL (default $QLIK_TENANT_URL); http:// only for loopback")
	pf.StringSliceVar(&g.include, "kinds", nil, "only these kinds, e.g. spaces,groups")
	pf.StringSliceVar(&g.exclude, "exclude-kinds", nil, "all kinds but these")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log every API call to stderr (secrets are never logged)")
	root.AddCommand(
		newExportCmd(g),
		newDiffCmd(g),
		newDriftCmd(g),
		newPlanCmd(g),
		newApplyCmd(g),
		newUnlockCmd(g),
		newStatusCmd(g),
	)
	return root
}

// env builds the ops environment. withTenant is false for commands that only
// read Git.
func (g *globals) env(withTenant bool) (ops.Env, error) {
	if g.output != "text" && g.output != "json" {
		return ops.Env{}, fmt.Errorf("--output must be text or json, not %q", g.output)
	}
	repoCfg, err := ops.LoadConfig(g.repo)
	if err != nil {
		return ops.Env{}, err
	}
	env := ops.Env{RepoDir: g.repo, Registry: g.registry, Include: g.include, Exclude: g.exclude, Version: Version,
		Warn: func(msg string) { fmt.Fprintln(g.stderr, "qlikops: warning: "+msg) }}
	if len(env.Include) == 0 {
		env.Include = repoCfg.Kinds
	}
	if _, err := g.registry.Select(env.Include, env.Exclude); err != nil && len(g.include) == 0 && len(repoCfg.Kinds) > 0 {
		return env, fmt.Errorf("%s: kinds: %w", ops.ConfigPath, err)
	}
	if !withTenant {
		return env, nil
	}
	cfg := qlik.ConfigFromEnv()
	if g.tenant != "" {
		cfg.TenantURL = g.tenant
	}
	if cfg.TenantURL == "" {
		cfg.TenantURL = repoCfg.Tenant
	}
	cfg.UserAgent = "qlikops/" + Version
	if g.verbose {
		cfg.Logf = func(format string, args ...any) { fmt.Fprintf(g.stderr, "debug: "+format+"\n", args...) }
	}
	c, err := qlik.New(cfg)
	if err != nil {
		return env, err
	}
	env.Client = c
	return env, nil
}
