package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

// pushFlags are export's --push and --remote.
type pushFlags struct {
	enabled bool
	remote  string
}

func (p *pushFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&p.enabled, "push", false, "push the branch, refs/qlikops/runs and the qlikops/* tags to the remote after the export "+
		"(credentials: $"+ops.EnvGitToken+" for https, $"+ops.EnvGitSSHKey+" and known_hosts for ssh; a failed push exits 1 and keeps the local commit)")
	cmd.Flags().StringVar(&p.remote, "remote", ops.DefaultRemote, "the remote --push sends to")
}

// run pushes when --push was given. Its lines go to stdout, or to stderr
// with --output json so that stdout stays one JSON document.
func (p *pushFlags) run(ctx context.Context, g *globals, env ops.Env, branch string) error {
	if !p.enabled {
		return nil
	}
	res, err := ops.Push(ctx, env, ops.PushOptions{Remote: p.remote, Branch: branch, Getenv: os.Getenv})
	if err != nil {
		return err
	}
	w := g.stdout
	if g.output == "json" {
		w = g.stderr
	}
	how := ""
	if res.Rebased {
		how = " (the remote had moved: rebased onto it, then pushed)"
	}
	fmt.Fprintf(w, "Pushed %s to %s (%s)%s\n", strings.Join(res.Refs, ", "), res.Remote, res.URL, how)
	return nil
}
