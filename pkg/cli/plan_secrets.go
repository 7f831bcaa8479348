package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/plan"
)

// stepVerb shows a write-secrets step as the update it is.
func stepVerb(a plan.Action) plan.Action {
	if a == plan.WriteSecrets {
		return plan.Update
	}
	return a
}

// secretsNote names the secrets a step writes, e.g.
// " (re-enter secret password)". Names only, never values.
func secretsNote(s plan.Step) string {
	if len(s.Secrets) == 0 {
		return ""
	}
	short := make([]string, len(s.Secrets))
	for i, n := range s.Secrets {
		short[i] = plan.ShortSecret(n)
	}
	noun := "secret"
	if len(short) > 1 {
		noun = "secrets"
	}
	return fmt.Sprintf(" (%s %s %s)", s.Why, noun, strings.Join(short, ", "))
}

// writtenNote names the secrets a step wrote, as " (secrets a, b)".
func writtenNote(oc apply.Outcome) string {
	if len(oc.Secrets) == 0 {
		return ""
	}
	short := make([]string, len(oc.Secrets))
	for i, n := range oc.Secrets {
		short[i] = plan.ShortSecret(n)
	}
	return " (secrets " + strings.Join(short, ", ") + ")"
}

// printNotPlanned shows what the plan leaves out on purpose: resources the
// snapshot cannot recreate, and secrets still waiting for a value.
func printNotPlanned(w io.Writer, p *plan.Plan) {
	if len(p.CannotRestore) > 0 {
		fmt.Fprintln(w, "Cannot restore from this snapshot:")
		for _, b := range p.CannotRestore {
			fmt.Fprintf(w, "  %s %s: %s\n", b.Kind, b.Key().Display(), b.Reason)
		}
	}
	waiting := 0
	for _, pe := range p.NeedsReentry {
		waiting += len(pe.Secrets)
	}
	for _, s := range p.Steps {
		if s.Why == plan.Reentry {
			waiting -= len(s.Secrets)
		}
	}
	if waiting > 0 {
		fmt.Fprintf(w, "%d secrets still need re-entry (supply them with --secrets or QLIKOPS_SECRET_<NAME>).\n", waiting)
	}
}
