package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

func newUnlockCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "unlock",
		Short: "Clear the lock of a qlikops run that died",
		Long: `Unlock removes the repo lock (.git/qlikops.lock) when the run that took it
is no longer alive on this machine. It refuses to remove the lock of a run
that is still going, or one taken on another machine.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cleared, err := ops.Unlock(g.repo)
			if err != nil {
				return err
			}
			if cleared {
				fmt.Fprintln(g.stdout, "Cleared the stale lock.")
			} else {
				fmt.Fprintln(g.stdout, "The repo is not locked.")
			}
			return nil
		},
	}
}
