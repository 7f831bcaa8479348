package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Exit codes of a fleet run. A fleet is partial when any tenant failed: the
// others were still processed, which is what exit 3 means for export.
//
//	export: 0 every tenant ok; 3 any tenant failed or partly failed
//	drift:  0 no drift anywhere; 2 some tenant drifted and none failed; 3 any tenant failed
//	status: 0 every tenant fresh; 2 some tenant stale or its last run failed, none unreadable; 3 any unreadable
func ExitCode(results []Result) int {
	code := 0
	for _, r := range results {
		switch r.Outcome {
		case Failed, Partial:
			return 3
		case Drifted, Stale:
			code = 2
		}
	}
	return code
}

// WriteSummary writes one table: a row per tenant, then the totals. Each
// failed tenant's row carries its error.
func WriteSummary(w io.Writer, op string, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tOUTCOME\tTIME\tDETAIL")
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Outcome]++
		detail := r.Detail
		if r.Error != "" {
			detail = strings.TrimPrefix(detail+"; ", "; ") + r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Tenant, r.Outcome, r.Duration.Round(10*time.Millisecond), detail)
	}
	_ = tw.Flush()
	var parts []string
	for _, o := range []string{OK, Drifted, Stale, Partial, Failed} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
	}
	fmt.Fprintf(w, "fleet %s: %d tenants: %s\n", op, len(results), strings.Join(parts, ", "))
}
