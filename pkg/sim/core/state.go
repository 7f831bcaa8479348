package core

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

const stateVersion = 1

// SaveState writes the whole tenant to path as JSON. The write is atomic: a
// temporary file in the same directory is renamed over path.
func (s *Server) SaveState(path string) error {
	s.Mu.Lock()
	data, err := json.MarshalIndent(s.St, "", "  ")
	s.Mu.Unlock()
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// LoadState replaces the tenant with the one saved in path.
func (s *Server) LoadState(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("load state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("load state %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("load state %s: unsupported version %d", path, st.Version)
	}
	if st.TenantID == "" || Users.In(st)[st.CallerID] == nil {
		return fmt.Errorf("load state %s: missing tenantId or caller user", path)
	}
	s.Mu.Lock()
	s.St = st
	s.Mu.Unlock()
	return nil
}
