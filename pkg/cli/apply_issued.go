package cli

import (
	"fmt"
	"io"

	"github.com/qlikops/qlikops/pkg/apply"
)

// showIssued prints, once, the secrets the tenant generated during the
// apply (a new OAuth client's secret): Qlik returns them this one time and
// qlikops stores them nowhere. Text output puts them on stdout after the
// summary. With --output json they go to stderr, so that the JSON on
// stdout, which is the output most often saved to a file or kept as a CI
// artifact, never holds one; the JSON names the field in the step's
// "issued" list instead.
func (o *applyOptions) showIssued(r apply.Report) {
	w := io.Writer(o.stdout)
	if o.output == "json" {
		w = o.stderr
	}
	header := false
	for _, oc := range r.Outcomes {
		for _, s := range oc.Issued {
			if !header {
				fmt.Fprintln(w, "New secrets issued by the tenant. Copy them now: this is the only time they are shown;")
				fmt.Fprintln(w, "qlikops does not store them, and Qlik will not show them again.")
				header = true
			}
			fmt.Fprintf(w, "  %s %s: %s: %s\n", oc.Kind, oc.Key().Display(), s.Field, s.Reveal())
		}
	}
}
