package dataconnections

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedDataConnection is one entry of data-connections.yaml. space names a
// space (absent: the caller's personal space); owner is a user email
// (absent: the API-key caller).
type seedDataConnection struct {
	Space            string   `json:"space,omitempty"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	DatasourceID     string   `json:"datasourceID,omitempty"`
	ConnectStatement string   `json:"connectStatement"`
	Username         string   `json:"username,omitempty"`
	Password         string   `json:"password,omitempty"`
	ConnectionSecret string   `json:"connectionSecret,omitempty"`
	Architecture     int      `json:"architecture,omitempty"`
	LogOn            int      `json:"logOn,omitempty"`
	Owner            string   `json:"owner,omitempty"`
	Tags             []string `json:"tags,omitempty"`
}

func (s server) seedDataConnections(st *core.State, dir string) error {
	path := filepath.Join(dir, "data-connections.yaml")
	var entries []seedDataConnection
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := s.seedDataConnection(st, e); err != nil {
			return fmt.Errorf("%s: data-connections[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}

func (s server) seedDataConnection(st *core.State, e seedDataConnection) error {
	switch {
	case strings.TrimSpace(e.Name) == "":
		return fmt.Errorf("name is required")
	case strings.TrimSpace(e.Type) == "":
		return fmt.Errorf("type is required")
	case strings.TrimSpace(e.ConnectStatement) == "":
		return fmt.Errorf("connectStatement is required")
	case e.Architecture != 0 && e.Architecture != 1:
		return fmt.Errorf("architecture must be 0 or 1")
	case e.LogOn != 0 && e.LogOn != 1:
		return fmt.Errorf("logOn must be 0 or 1")
	}
	if msg := validTags(e.Tags); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	spaceID, err := core.SeedSpaceID(st, e.Space)
	if err != nil {
		return err
	}
	if dcNameTaken(st, e.Name, spaceID, owner.ID, "") {
		return fmt.Errorf("duplicate connection name in the space")
	}
	ds := e.DatasourceID
	if ds == "" {
		ds = defaultDatasourceID(e.Type)
	}
	s.insertDataConnection(st, &dataConnection{Name: e.Name, Type: e.Type, ConnectStatement: e.ConnectStatement,
		Architecture: e.Architecture, LogOn: e.LogOn, DatasourceID: ds, SpaceID: spaceID,
		Tags: slices.Clone(e.Tags), Username: e.Username, Password: e.Password,
		ConnectionSecret: e.ConnectionSecret}, owner.ID)
	return nil
}

// defaultDatasourceID guesses a datasource id from a qType, e.g.
// "QvRestConnector.exe" -> "rest", "folder" -> "folder" (guess).
func defaultDatasourceID(qType string) string {
	t := strings.ToLower(strings.TrimSuffix(qType, ".exe"))
	for _, known := range []string{"snowflake", "rest", "odbc", "oledb", "folder", "web", "sql", "databricks", "bigquery"} {
		if strings.Contains(t, known) {
			return known
		}
	}
	return t
}
