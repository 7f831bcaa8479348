package apply

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/plan"
)

// The needs-re-entry list loses what steps wrote or deleted, takes what
// creates still need, and keeps what failed.
func TestPendingAfterApply(t *testing.T) {
	p := &plan.Plan{NeedsReentry: []plan.Pending{
		{Kind: "DataConnection", Name: "A", Secrets: []string{"a/password", "a/username"}},
		{Kind: "DataConnection", Name: "B", Secrets: []string{"b/password"}},
		{Kind: "DataConnection", Name: "C", Secrets: []string{"c/password"}},
		{Kind: "DataConnection", Name: "D", Secrets: []string{"d/password"}},
	}}
	r := Report{Outcomes: []Outcome{
		{Action: plan.WriteSecrets, Kind: "DataConnection", Name: "A", Status: Done, Secrets: []string{"a/password"}},
		{Action: plan.Delete, Kind: "DataConnection", Name: "B", Status: Done},
		{Action: plan.WriteSecrets, Kind: "DataConnection", Name: "C", Status: Failed, Secrets: []string{"c/password"}},
		{Action: plan.Create, Kind: "DataConnection", Name: "E", Status: Done, NeedsReentry: []string{"e/token"}},
	}}
	want := []plan.Pending{
		{Kind: "DataConnection", Name: "A", Secrets: []string{"a/username"}},
		{Kind: "DataConnection", Name: "C", Secrets: []string{"c/password"}},
		{Kind: "DataConnection", Name: "D", Secrets: []string{"d/password"}},
		{Kind: "DataConnection", Name: "E", Secrets: []string{"e/token"}},
	}
	if got := r.Pending(p); !cmp.Equal(got, want) {
		t.Errorf("pending:\n%s", cmp.Diff(want, got))
	}
}
