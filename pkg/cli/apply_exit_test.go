package cli

import (
	"errors"
	"testing"

	"github.com/qlikops/qlikops/pkg/apply"
)

// TestApplyExitIsPartialForAnythingLeftUndone is the exit-code rule of the
// contract: only an apply that did everything exits 0.
func TestApplyExitIsPartialForAnythingLeftUndone(t *testing.T) {
	done := apply.Outcome{Kind: "Space", Name: "A", Status: apply.Done}
	for _, c := range []struct {
		name    string
		add     apply.Outcome
		partial bool
		summary string
	}{
		{"all done", done, false, "Applied: 2 done, 0 skipped, 0 failed, 0 unresolved, 0 needs re-entry."},
		{"skipped", apply.Outcome{Status: apply.Skipped, Reason: "depends on X"}, true, "Applied: 1 done, 1 skipped, 0 failed, 0 unresolved, 0 needs re-entry."},
		{"failed", apply.Outcome{Status: apply.Failed}, true, "Applied: 1 done, 0 skipped, 1 failed, 0 unresolved, 0 needs re-entry."},
		{"unresolved member", apply.Outcome{Status: apply.Done, Unresolved: []string{"user:a", "group:b"}}, true, "Applied: 2 done, 0 skipped, 0 failed, 2 unresolved, 0 needs re-entry."},
		{"needs re-entry", apply.Outcome{Status: apply.Done, NeedsReentry: []string{"data-connections/x/password"}}, true, "Applied: 2 done, 0 skipped, 0 failed, 0 unresolved, 1 needs re-entry."},
	} {
		r := apply.Report{Outcomes: []apply.Outcome{done, c.add}}
		err := applyExit(r)
		var code exitCode
		switch {
		case c.partial && (!errors.As(err, &code) || int(code) != ExitPartial):
			t.Errorf("%s: applyExit = %v, want exit %d", c.name, err, ExitPartial)
		case !c.partial && err != nil:
			t.Errorf("%s: applyExit = %v, want exit 0", c.name, err)
		}
		if got := summaryLine(r); got != c.summary {
			t.Errorf("%s: summary %q, want %q", c.name, got, c.summary)
		}
	}
}
