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
	LastRun  *Manifest         `json:"lastRun,omitempty"`
	Locked   string            `json:"locked,omitempty"`
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
	raw, err := repo.LastRun()
	switch {
	case errors.Is(err, store.ErrNoRuns):
	case err != nil:
		return st, err
	default:
		var m Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			return st, fmt.Errorf("last run record on %s: %w", store.RunsRef, err)
		}
		st.LastRun = &m
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
