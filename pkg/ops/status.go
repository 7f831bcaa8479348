package ops

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/qlikops/qlikops/pkg/store"
)

// Status is what the repo knows without asking the tenant: the last
// snapshot, the last runs (changed or not), how fresh each kind's backup is,
// whether a run holds the lock, and the problems that make status exit 2.
type Status struct {
	Snapshot *store.CommitInfo `json:"snapshot,omitempty"`
	// LastRun is the last export run (kept under this name for scripts that
	// read it); LastApply the last apply, each from the runs ref.
	LastRun   *Manifest    `json:"lastRun,omitempty"`
	LastApply *ApplyRecord `json:"lastApply,omitempty"`
	Locked    string       `json:"locked,omitempty"`
	// Runs are the newest runs, export and apply, newest first.
	Runs []RunSummary `json:"runs"`
	// LastSuccessfulExport is when an export last read every kind it was
	// asked for; Kinds has each kind's own last successful read.
	LastSuccessfulExport *time.Time      `json:"lastSuccessfulExport,omitempty"`
	Kinds                []KindFreshness `json:"kinds"`
	// MaxAge is the --max-age the freshness was judged by ("" = not judged).
	MaxAge string `json:"maxAge,omitempty"`
	// Problems say why the backup needs attention: the last run failed or
	// partly failed, or a kind's last good export is older than MaxAge.
	// status exits 2 when there is any.
	Problems []string `json:"problems"`
}

// RunSummary is one run in a few fields: when, how long, the outcome, and
// what changed or failed.
type RunSummary struct {
	Op         string    `json:"op"`
	Status     string    `json:"status"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	DurationMs int64     `json:"durationMs"`
	Tenant     string    `json:"tenant"`
	TenantID   string    `json:"tenantId,omitempty"`
	Commit     string    `json:"commit,omitempty"`
	// Changes says what the run changed: per kind for an export
	// ("spaces: 2 changed"), the steps written for an apply.
	Changes []string `json:"changes"`
	// Failures names every failed or skipped kind or step, with its reason.
	Failures []string `json:"failures"`
}

// Duration is how long the run took.
func (r RunSummary) Duration() time.Duration { return r.FinishedAt.Sub(r.StartedAt) }

// KindFreshness is a kind's last successful export.
type KindFreshness struct {
	Kind   string     `json:"kind"`
	Folder string     `json:"folder"`
	LastOK *time.Time `json:"lastOk,omitempty"`
	// Status is the kind's outcome in the newest export.
	Status string `json:"status"`
	Stale  bool   `json:"stale,omitempty"`
}

// StatusOptions shape what RepoStatus reports.
type StatusOptions struct {
	Runs   int           // the newest runs to list; 0 = 10
	MaxAge time.Duration // 0 = freshness not judged
	Now    func() time.Time
}

// DefaultStatusRuns is how many runs status lists unless told.
const DefaultStatusRuns = 10

// RepoStatus reads the status of a repo.
func RepoStatus(repoDir string, o StatusOptions) (Status, error) {
	st := Status{Runs: []RunSummary{}, Kinds: []KindFreshness{}, Problems: []string{}}
	repo, err := store.Open(repoDir)
	if err != nil {
		return st, err
	}
	log, err := repo.Log(1)
	switch {
	case errors.Is(err, store.ErrNoCommits):
	case err != nil:
		return st, err
	default:
		st.Snapshot = &log[0]
	}
	records, err := readRecords(repo)
	if err != nil {
		return st, err
	}
	st.judge(records, o)
	unlock, err := repo.Lock()
	var le *store.LockedError
	switch {
	case errors.As(err, &le):
		st.Locked = le.Error()
	case err != nil:
		return st, err
	default:
		if err := unlock(); err != nil {
			return st, err
		}
	}
	return st, nil
}

// record is one run record, decoded by its op.
type record struct {
	export *Manifest
	apply  *ApplyRecord
}

// readRecords decodes every record on the runs ref, newest first. A record
// without an op predates apply records: an export.
func readRecords(repo *store.Repo) ([]record, error) {
	runs, err := repo.Runs(0)
	if err != nil {
		return nil, err
	}
	return decodeRecords(runs)
}

func decodeRecords(runs [][]byte) ([]record, error) {
	out := make([]record, 0, len(runs))
	for i, raw := range runs {
		var head struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("run record %d on %s: %w", i+1, store.RunsRef, err)
		}
		var r record
		var err error
		if head.Op == "apply" {
			r.apply = &ApplyRecord{}
			err = json.Unmarshal(raw, r.apply)
		} else {
			r.export = &Manifest{}
			err = json.Unmarshal(raw, r.export)
		}
		if err != nil {
			return nil, fmt.Errorf("run record %d on %s: %w", i+1, store.RunsRef, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (r record) summary() RunSummary {
	if r.apply != nil {
		return applySummary(*r.apply)
	}
	return exportSummary(*r.export)
}

// judge fills in the runs, the freshness and the problems from the records.
func (st *Status) judge(records []record, o StatusOptions) {
	n := o.Runs
	if n <= 0 {
		n = DefaultStatusRuns
	}
	for i, r := range records {
		if i < n {
			st.Runs = append(st.Runs, r.summary())
		}
		if r.export != nil && st.LastRun == nil {
			st.LastRun = r.export
		}
		if r.apply != nil && st.LastApply == nil {
			st.LastApply = r.apply
		}
		if r.export != nil && r.export.Status == RunOK && st.LastSuccessfulExport == nil {
			t := r.export.FinishedAt
			st.LastSuccessfulExport = &t
		}
	}
	if len(st.Runs) > 0 && st.Runs[0].Status != RunOK {
		last := st.Runs[0]
		st.Problems = append(st.Problems, fmt.Sprintf("the last run (%s at %s) ended %s", last.Op, last.FinishedAt.UTC().Format(time.RFC3339), last.Status))
	}
	st.Kinds = freshness(records, st.LastRun)
	if o.MaxAge <= 0 {
		return
	}
	st.MaxAge = o.MaxAge.String()
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	if st.LastSuccessfulExport == nil && len(st.Kinds) == 0 {
		st.Problems = append(st.Problems, "no export has been recorded: the backup is stale")
		return
	}
	for i, k := range st.Kinds {
		switch {
		case k.LastOK == nil:
			st.Kinds[i].Stale = true
			st.Problems = append(st.Problems, fmt.Sprintf("%s has never been exported successfully", k.Folder))
		case now.Sub(*k.LastOK) > o.MaxAge:
			st.Kinds[i].Stale = true
			st.Problems = append(st.Problems, fmt.Sprintf("%s was last exported successfully %s ago (%s), longer than --max-age %s",
				k.Folder, now.Sub(*k.LastOK).Round(time.Second), k.LastOK.UTC().Format(time.RFC3339), o.MaxAge))
		}
	}
}

// freshness finds, for every kind of the newest export (skipped ones
// included: the repo manages them), the newest record that read it.
func freshness(records []record, newest *Manifest) []KindFreshness {
	out := []KindFreshness{}
	if newest == nil {
		return out
	}
	at := map[string]int{}
	for _, k := range newest.Kinds {
		at[k.Kind] = len(out)
		out = append(out, KindFreshness{Kind: k.Kind, Folder: k.Folder, Status: k.Status})
	}
	left := len(out)
	for _, r := range records {
		if r.export == nil || left == 0 {
			continue
		}
		for _, k := range r.export.Kinds {
			i, ok := at[k.Kind]
			if !ok || out[i].LastOK != nil || k.Status != KindOK {
				continue
			}
			t := r.export.FinishedAt
			out[i].LastOK = &t
			left--
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Folder < out[j].Folder })
	return out
}

func exportSummary(m Manifest) RunSummary {
	s := RunSummary{Op: "export", Status: m.Status, StartedAt: m.StartedAt, FinishedAt: m.FinishedAt,
		DurationMs: m.FinishedAt.Sub(m.StartedAt).Milliseconds(), Tenant: m.Tenant, TenantID: m.TenantID, Commit: m.Commit,
		Changes: []string{}, Failures: []string{}}
	for _, k := range m.Kinds {
		switch k.Status {
		case KindOK:
			if k.Changed > 0 {
				s.Changes = append(s.Changes, fmt.Sprintf("%s: %d changed", k.Folder, k.Changed))
			}
		default:
			s.Failures = append(s.Failures, fmt.Sprintf("%s %s: %s", k.Folder, k.Status, k.Reason))
		}
	}
	if len(s.Changes) == 0 && m.Changed > 0 {
		s.Changes = append(s.Changes, fmt.Sprintf("%d files changed", m.Changed))
	}
	return s
}

func applySummary(a ApplyRecord) RunSummary {
	s := RunSummary{Op: "apply", Status: a.Status, StartedAt: a.StartedAt, FinishedAt: a.FinishedAt,
		DurationMs: a.FinishedAt.Sub(a.StartedAt).Milliseconds(), Tenant: a.Tenant, TenantID: a.TenantID, Commit: a.Commit,
		Changes: []string{}, Failures: []string{}}
	for _, k := range a.Kinds {
		if k.Done > 0 {
			s.Changes = append(s.Changes, fmt.Sprintf("%s: %d written", k.Kind, k.Done))
		}
	}
	for _, o := range a.Steps {
		if o.Status != "done" {
			s.Failures = append(s.Failures, fmt.Sprintf("%s %s %s: %s", o.Action, o.Key(), o.Status, o.Reason))
		}
	}
	if a.Error != "" {
		s.Failures = append(s.Failures, a.Error)
	}
	if n := a.Counts["needsReentry"]; n > 0 {
		s.Failures = append(s.Failures, fmt.Sprintf("%d secrets need re-entry", n))
	}
	return s
}

// LatestRun is the newest run recorded at or after since, if any: what an
// alert reports about the command that just ran.
func LatestRun(repoDir string, since time.Time) (*RunSummary, error) {
	repo, err := store.Open(repoDir)
	if err != nil {
		return nil, err
	}
	raw, err := repo.Runs(1)
	if err != nil || len(raw) == 0 {
		return nil, err
	}
	records, err := decodeRecords(raw)
	if err != nil {
		return nil, err
	}
	s := records[0].summary()
	if s.FinishedAt.Before(since) {
		return nil, nil
	}
	return &s, nil
}
