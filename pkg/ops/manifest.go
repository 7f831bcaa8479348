package ops

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/store"
)

// legacyManifestPath is where older versions committed the run manifest
// inside the snapshot. Two branches always conflicted on it, so it now lives
// only on the runs ref; the next export removes this file from the tree.
const legacyManifestPath = ".qlikops/manifest.json"

// ConfigPath is the repo's own settings file.
const ConfigPath = "qlikops.yaml"

// Kind outcomes in a manifest.
const (
	KindOK     = "ok"
	KindFailed = "failed"
	// KindSkipped is a kind the repo manages that this run did not select:
	// its files were left as they were.
	KindSkipped = "skipped"
)

// skippedReason is the reason recorded for a managed kind left out of a run.
const skippedReason = "not selected in this run (--kinds, --exclude-kinds or kinds: in qlikops.yaml); previous files kept"

// Manifest records what one export covered and what failed. It never holds a
// secret: the tenant is recorded by host only, and by the id it reports.
// schemas/run-record.schema.json describes it; the tests validate every
// record they produce against that schema.
type Manifest struct {
	// Op tells an export record from an apply record on the runs ref.
	Op         string    `json:"op"` // export
	Tool       string    `json:"tool"`
	Tenant     string    `json:"tenant"`
	TenantID   string    `json:"tenantId,omitempty"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Status     string    `json:"status"` // ok | partial
	Commit     string    `json:"commit,omitempty"`
	Changed    int       `json:"changedFiles"`
	// Branch is the branch the run compared with and committed to.
	Branch string `json:"branch,omitempty"`
	// Unapplied lists commits on UnappliedOn that no export produced and no
	// apply applied (a merged pull request, say). The run then committed the
	// live state to Branch, a drift branch, instead of on top of them.
	Unapplied   []store.CommitSummary `json:"unapplied,omitempty"`
	UnappliedOn string                `json:"unappliedOn,omitempty"`
	Kinds       []KindReport          `json:"kinds"`
	// Summary counts the kinds by outcome.
	Summary  KindTally `json:"summary"`
	Warnings []string  `json:"warnings,omitempty"`
	// API is what the run cost the tenant's rate budget.
	API APIUsage `json:"api"`
	// NeedsReentry is the secrets still to be entered by hand, as the last
	// apply to this tenant left them: an export cannot see them, so it
	// carries the list forward for status and alerts.
	NeedsReentry []plan.Pending `json:"needsReentry"`
	// Audit is what the run read from the tenant's audit log to say who
	// changed what; absent when nothing changed.
	Audit *AuditReport `json:"audit,omitempty"`
}

// KindTally counts kinds by outcome: exported (read), changed (read and
// with changed files), unchanged (read, nothing changed), failed (could not
// be read; previous files kept) and skipped (managed but not selected).
type KindTally struct {
	Exported  int `json:"exported"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
}

// APIUsage is one run's traffic per rate-limit tier.
type APIUsage struct {
	Tier1 TierUsage `json:"tier1"` // reads
	Tier2 TierUsage `json:"tier2"` // writes
	// TokenRequests counts OAuth token exchanges.
	TokenRequests int64 `json:"tokenRequests"`
	// MinTier1Calls (exports) is the fewest reads the kinds read this run
	// needed, given the tenant and the prior snapshot (kinds.MinCalls):
	// Tier1.Calls against it is how many calls were wasted.
	MinTier1Calls int64 `json:"minTier1Calls,omitempty"`
}

// TierUsage is one tier's calls: every HTTP attempt, the attempts that
// were retries, the 429 answers, and the time spent waiting for the rate
// scheduler.
type TierUsage struct {
	Calls     int64 `json:"calls"`
	Retries   int64 `json:"retries"`
	Throttled int64 `json:"throttled"`
	WaitedMs  int64 `json:"waitedMs"`
}

func apiUsage(s qlik.ClientStats) APIUsage {
	tier := func(t qlik.TierStats) TierUsage {
		return TierUsage{Calls: t.Requests, Retries: t.Retries, Throttled: t.Throttled, WaitedMs: t.Waited.Milliseconds()}
	}
	return APIUsage{Tier1: tier(s.Tier1), Tier2: tier(s.Tier2), TokenRequests: s.TokenRequests}
}

// KindReport is one kind's line in the manifest.
type KindReport struct {
	Kind   string `json:"kind"`
	Folder string `json:"folder"`
	Status string `json:"status"` // ok | failed | skipped
	// Count is the resources exported (read) for the kind.
	Count int `json:"count"`
	// Changed is the resources added, modified or removed by this run;
	// Unchanged the exported ones that are byte for byte as before.
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// Reason says why the kind failed or was skipped, in one line.
	Reason string `json:"reason,omitempty"`
	// Unauthorized is true when the tenant refused the credentials (401).
	Unauthorized bool `json:"unauthorized,omitempty"`
}

// UnmarshalJSON reads the run records of every version: the first ones
// recorded a kind's reason as "error".
func (k *KindReport) UnmarshalJSON(b []byte) error {
	type current KindReport // without this method
	var v struct {
		current
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*k = KindReport(v.current)
	if k.Reason == "" {
		k.Reason = v.Error
	}
	return nil
}

// Failed lists the kinds that could not be read.
func (m Manifest) Failed() []string {
	var out []string
	for _, k := range m.Kinds {
		if k.Status == KindFailed {
			out = append(out, k.Kind)
		}
	}
	return out
}

// tally counts the kinds by outcome.
func tally(reports []KindReport) KindTally {
	var t KindTally
	for _, k := range reports {
		switch k.Status {
		case KindOK:
			t.Exported++
			if k.Changed > 0 {
				t.Changed++
			} else {
				t.Unchanged++
			}
		case KindFailed:
			t.Failed++
		case KindSkipped:
			t.Skipped++
		}
	}
	return t
}

// countChanges fills in each read kind's changed and unchanged resources,
// and adds a skipped report for every managed folder this run did not read.
func countChanges(reg *kinds.Registry, reports []KindReport, managed []string, old, new store.Files, changed []string) []KindReport {
	perFolder := map[string]map[string]bool{}
	for _, p := range changed {
		d, ok := docPathOf(reg, p, old, new)
		if !ok {
			continue
		}
		top, _, _ := strings.Cut(d, "/")
		if perFolder[top] == nil {
			perFolder[top] = map[string]bool{}
		}
		perFolder[top][d] = true
	}
	read := map[string]bool{}
	out := make([]KindReport, 0, len(reports))
	for _, k := range reports {
		read[k.Folder] = true
		if k.Status == KindOK {
			k.Changed = len(perFolder[k.Folder])
			gone := 0
			for d := range perFolder[k.Folder] {
				if _, ok := new[d]; !ok {
					gone++
				}
			}
			k.Unchanged = max(k.Count-(k.Changed-gone), 0)
		}
		out = append(out, k)
	}
	for _, folder := range managed {
		h, ok := reg.Get(folder)
		if !ok || read[folder] {
			continue
		}
		out = append(out, KindReport{Kind: h.Kind(), Folder: folder, Status: KindSkipped, Reason: skippedReason})
	}
	return out
}

func (m Manifest) encode() []byte {
	if m.Kinds == nil {
		m.Kinds = []KindReport{}
	}
	if m.NeedsReentry == nil {
		m.NeedsReentry = []plan.Pending{}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// hostOf keeps only scheme and host of a tenant URL: enough to identify it,
// with no room for credentials or query strings.
func hostOf(tenant string) string {
	u, err := url.Parse(tenant)
	if err != nil || u.Host == "" {
		return "unknown"
	}
	return u.Scheme + "://" + u.Host
}
