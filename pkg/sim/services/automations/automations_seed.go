package automations

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedAutomation is one entry of automations.yaml. space names a space
// (absent: personal); owner is a user email (absent: the API-key caller);
// state is enabled (default) or disabled; workspace is any object.
type seedAutomation struct {
	Name              string          `json:"name"`
	Space             string          `json:"space,omitempty"`
	Owner             string          `json:"owner,omitempty"`
	Description       string          `json:"description,omitempty"`
	State             string          `json:"state,omitempty"`
	Workspace         json.RawMessage `json:"workspace,omitempty"`
	Schedules         []scheduleInput `json:"schedules,omitempty"`
	MaxConcurrentRuns *int            `json:"maxConcurrentRuns,omitempty"`
	LastRunStatus     string          `json:"lastRunStatus,omitempty"`
}

var automationRunStatuses = []string{"failed", "finished", "finished with warnings", "must stop", "not started",
	"paused", "running", "starting", "stopped", "exceeded limit"}

func (s server) seedAutomations(st *core.State, dir string) error {
	path := filepath.Join(dir, "automations.yaml")
	var entries []seedAutomation
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := s.seedAutomation(st, e); err != nil {
			return fmt.Errorf("%s: automations[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}

func (s server) seedAutomation(st *core.State, e seedAutomation) error {
	if strings.TrimSpace(e.Name) == "" {
		return fmt.Errorf("name is required")
	}
	a := &automation{Name: e.Name, Description: e.Description, MaxConcurrentRuns: 1, LastRunStatus: e.LastRunStatus}
	switch e.State {
	case "", "enabled", "available":
		a.State = "available"
	case "disabled":
		a.State = "disabled"
	default:
		return fmt.Errorf("state must be enabled or disabled, not %q", e.State)
	}
	if e.LastRunStatus != "" && !slices.Contains(automationRunStatuses, e.LastRunStatus) {
		return fmt.Errorf("unknown lastRunStatus %q", e.LastRunStatus)
	}
	ws, msg := checkWorkspace(e.Workspace)
	if msg == "" {
		msg = checkMaxRuns(e.MaxConcurrentRuns)
	}
	if msg != "" {
		return fmt.Errorf("%s", msg)
	}
	a.Workspace = ws
	if e.MaxConcurrentRuns != nil {
		a.MaxConcurrentRuns = *e.MaxConcurrentRuns
	}
	if a.Schedules, msg = s.buildSchedules(st, e.Schedules); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	if a.SpaceID, err = core.SeedSpaceID(st, e.Space); err != nil {
		return err
	}
	s.insertAutomation(st, a, owner.ID)
	return nil
}
