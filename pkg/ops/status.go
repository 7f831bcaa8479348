package ops

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/qlikops/qlikops/pkg/store"
)

// Status is what the repo knows without asking the tenant: the last
// snapshot, the last run (changed or not), and whether a run holds the lock.
type Status struct {
	Snapshot *store.CommitInfo `json:"snapshot,omitempty"`
	// LastRun is the last export run (kept under this name for scripts that
	// read it); LastApply the last apply, each from the runs ref.
	LastRun   *Manifest    `json:"lastRun,omitempty"`
	LastApply *ApplyRecord `json:"lastApply,omitempty"`
	Locked    string       `json:"locked,omitempty"`
}

// RepoStatus reads the status of a repo.
func RepoStatus(repoDir string) (Status, error) {
	var st Status
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
	if st.LastRun, st.LastApply, err = lastRuns(repo); err != nil {
		return st, err
	}
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

// lastRuns finds the newest export record and the newest apply record on
// the runs ref. A record without an op predates apply records: an export.
func lastRuns(repo *store.Repo) (*Manifest, *ApplyRecord, error) {
	runs, err := repo.Runs(0)
	if err != nil {
		return nil, nil, err
	}
	var export *Manifest
	var last *ApplyRecord
	for _, raw := range runs {
		var head struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, nil, fmt.Errorf("run record on %s: %w", store.RunsRef, err)
		}
		switch {
		case head.Op == "apply" && last == nil:
			last = &ApplyRecord{}
			if err := json.Unmarshal(raw, last); err != nil {
				return nil, nil, fmt.Errorf("apply record on %s: %w", store.RunsRef, err)
			}
		case head.Op != "apply" && export == nil:
			export = &Manifest{}
			if err := json.Unmarshal(raw, export); err != nil {
				return nil, nil, fmt.Errorf("run record on %s: %w", store.RunsRef, err)
			}
		}
		if export != nil && last != nil {
			break
		}
	}
	return export, last, nil
}
