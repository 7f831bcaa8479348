package cli

import (
	"os"

	"golang.org/x/term"
)

func stdinIsTerminal() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// stderrIsTTY reports whether progress lines may be drawn: only on a
// terminal, so logs and CI output stay clean.
func (g *globals) stderrIsTTY() bool {
	f, ok := g.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
