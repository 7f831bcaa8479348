package ops

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/store"
)

// Run outcomes of an apply.
const (
	RunOK      = "ok"
	RunPartial = "partial"
	RunFailed  = "failed"
)

// ApplyRecord is what the runs ref keeps of one apply, beside the export
// manifests: the commit applied, the target, each step's outcome, and the
// secrets still to be re-entered. It never holds a secret value: steps name
// placeholders only, and the tenant is recorded by address.
type ApplyRecord struct {
	Op     string `json:"op"` // apply
	Tool   string `json:"tool"`
	Tenant string `json:"tenant"`
	// TenantID is the target's tenant id when the tenant is known by id;
	// otherwise it is empty and Tenant (the URL) identifies the target.
	TenantID   string    `json:"tenantId"`
	Commit     string    `json:"commit"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Status     string    `json:"status"` // ok | partial | failed
	// Counts has one entry per outcome: done, skipped, failed, unresolved
	// (references left out) and needsReentry (secrets created empty).
	Counts map[string]int `json:"counts"`
	// Kinds counts the steps of each kind by outcome; Steps has the reason
	// of every failed or skipped one.
	Kinds         []ApplyKindReport `json:"kinds"`
	Steps         []apply.Outcome   `json:"steps"`
	CannotRestore []plan.Blocked    `json:"cannotRestore"`
	// NeedsReentry is the pending list after this apply; the next apply to
	// the same tenant starts from it.
	NeedsReentry []plan.Pending `json:"needsReentry"`
	Error        string         `json:"error,omitempty"`
	// API is what the run cost the tenant's rate budget.
	API APIUsage `json:"api"`
}

// ApplyKindReport is one kind's steps in an apply: written (done), failed,
// and skipped (a dependency failed, or the run stopped).
type ApplyKindReport struct {
	Kind    string `json:"kind"`
	Done    int    `json:"done"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
}

// kindCounts tallies a report's steps per kind, in the order kinds first
// appear (the plan's dependency order).
func kindCounts(r apply.Report) []ApplyKindReport {
	out := []ApplyKindReport{}
	at := map[string]int{}
	for _, o := range r.Outcomes {
		i, ok := at[o.Kind]
		if !ok {
			i = len(out)
			at[o.Kind] = i
			out = append(out, ApplyKindReport{Kind: o.Kind})
		}
		switch o.Status {
		case apply.Done:
			out[i].Done++
		case apply.Failed:
			out[i].Failed++
		case apply.Skipped:
			out[i].Skipped++
		}
	}
	return out
}

func (r ApplyRecord) encode() []byte {
	if r.Steps == nil {
		r.Steps = []apply.Outcome{}
	}
	if r.CannotRestore == nil {
		r.CannotRestore = []plan.Blocked{}
	}
	if r.NeedsReentry == nil {
		r.NeedsReentry = []plan.Pending{}
	}
	if r.Kinds == nil {
		r.Kinds = []ApplyKindReport{}
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	return append(b, '\n')
}

// outcomeCounts counts a report's outcomes, and the unresolved references
// and new needs-re-entry secrets within them.
func outcomeCounts(r apply.Report) map[string]int {
	n := map[string]int{"done": 0, "skipped": 0, "failed": 0, "unresolved": 0, "needsReentry": 0}
	for _, o := range r.Outcomes {
		n[string(o.Status)]++
		n["unresolved"] += len(o.Unresolved)
		n["needsReentry"] += len(o.NeedsReentry)
	}
	return n
}

// runStatus is failed when the run stopped or no step succeeded, partial
// when anything was failed, skipped, left unresolved or created without a
// secret, and ok otherwise.
func runStatus(counts map[string]int, steps int, err error) string {
	switch {
	case err != nil, steps > 0 && counts["failed"] == steps:
		return RunFailed
	case counts["failed"]+counts["skipped"]+counts["unresolved"]+counts["needsReentry"] > 0:
		return RunPartial
	}
	return RunOK
}

// lastPending is the needs-re-entry list of the newest apply recorded for
// this tenant. Export records and applies to other tenants are passed over.
func lastPending(repo *store.Repo, tenant, tenantID string) ([]plan.Pending, error) {
	runs, err := repo.Runs(0)
	if err != nil {
		return nil, err
	}
	for _, raw := range runs {
		var r ApplyRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("run record on %s: %w", store.RunsRef, err)
		}
		if r.Op != "apply" || r.Tenant != tenant || (tenantID != "" && r.TenantID != "" && r.TenantID != tenantID) {
			continue
		}
		return r.NeedsReentry, nil
	}
	return nil, nil
}

// recordApply appends the apply's record to the runs ref.
func recordApply(repo *store.Repo, rec ApplyRecord) error {
	sig := store.CommitOptions{Name: "qlikops", Email: "qlikops@localhost", When: rec.FinishedAt}
	_, err := repo.RecordRun(rec.encode(), "qlikops apply "+rec.Status, sig)
	return err
}
