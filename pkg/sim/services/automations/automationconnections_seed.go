package automations

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedAutomationConnection is one entry of automation-connections.yaml.
// connector is the connectorId; space names a space (absent: personal);
// owner is a user email (absent: the API-key caller).
type seedAutomationConnection struct {
	Name      string      `json:"name"`
	Connector string      `json:"connector"`
	Space     string      `json:"space,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Params    []seedParam `json:"params,omitempty"`
}

type seedParam struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	FieldType  string `json:"fieldType,omitempty"`
	IsOptional bool   `json:"isOptional,omitempty"`
}

func (s server) seedAutomationConnections(st *core.State, dir string) error {
	path := filepath.Join(dir, "automation-connections.yaml")
	var entries []seedAutomationConnection
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := s.seedAutomationConnection(st, e); err != nil {
			return fmt.Errorf("%s: automation-connections[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}

func (s server) seedAutomationConnection(st *core.State, e seedAutomationConnection) error {
	switch {
	case strings.TrimSpace(e.Name) == "":
		return fmt.Errorf("name is required")
	case strings.TrimSpace(e.Connector) == "":
		return fmt.Errorf("connector is required")
	}
	var in []acParamIn
	for _, p := range e.Params {
		v := p.Value
		in = append(in, acParamIn{Name: p.Name, Value: &v, FieldType: p.FieldType})
	}
	params, msg := s.buildParams(st, in)
	if msg != "" {
		return fmt.Errorf("%s", msg)
	}
	for j, p := range e.Params {
		params[j].IsOptional = p.IsOptional
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	c := &automationConnection{Name: e.Name, ConnectorID: e.Connector, Params: params}
	if c.SpaceID, err = core.SeedSpaceID(st, e.Space); err != nil {
		return err
	}
	s.insertAutomationConnection(st, c, owner.ID)
	return nil
}
