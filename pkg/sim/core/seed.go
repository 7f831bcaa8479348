package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"sigs.k8s.io/yaml"
)

// LoadSeed adds the tenant described by dir to the simulator: each service
// reads its own file(s) there (users.yaml, groups.yaml, spaces.yaml,
// data-connections.yaml, ...; each optional), in service order. It is
// all-or-nothing: on error the tenant is unchanged and the error names the
// file and the problem. The first seeded TenantAdmin becomes the API-key
// caller.
func (s *Server) LoadSeed(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("seed %s: not a directory", dir)
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st, err := CloneState(s.St)
	if err != nil {
		return err
	}
	for _, svc := range s.services {
		if svc.Seed == nil {
			continue
		}
		if err := svc.Seed(s, st, dir); err != nil {
			return err
		}
	}
	s.St = st
	return nil
}

func ReadSeedFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func CloneState(st *State) (*State, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	out := newState()
	err = json.Unmarshal(data, out)
	return out, err
}
