package apps

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedApp is one entry of a seed directory's apps.yaml. space is a space
// name from spaces.yaml ("" is the owner's personal space); owner a user's
// email ("" the API-key caller); publishTo names managed spaces the app is
// published to, each copy owned by the app's owner.
type seedApp struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Space       string      `json:"space,omitempty"`
	Owner       string      `json:"owner,omitempty"`
	Usage       string      `json:"usage,omitempty"`
	Script      string      `json:"script,omitempty"`
	Objects     []appObject `json:"objects,omitempty"`
	PublishTo   []string    `json:"publishTo,omitempty"`
	// ReportFilters are the app's report filters (reportfilters.go).
	ReportFilters []seedFilter `json:"reportFilters,omitempty"`
}

// seed creates the apps of apps.yaml, in file order, each with its script
// as the one version (default script when none is given).
func (s server) seed(st *core.State, dir string) error {
	path := filepath.Join(dir, "apps.yaml")
	var entries []seedApp
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := s.seedOne(st, e); err != nil {
			return fmt.Errorf("%s: entry %d (%q): %w", path, i+1, e.Name, err)
		}
	}
	return nil
}

func (s server) seedOne(st *core.State, e seedApp) error {
	if strings.TrimSpace(e.Name) == "" {
		return fmt.Errorf("name: an app needs a name")
	}
	if e.Usage == "" {
		e.Usage = "ANALYTICS"
	}
	if !slices.Contains(usages, e.Usage) {
		return fmt.Errorf("usage: %q is not one of %s", e.Usage, strings.Join(usages, ", "))
	}
	spaceID, err := core.SeedSpaceID(st, e.Space)
	if err != nil {
		return fmt.Errorf("space: %w", err)
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return fmt.Errorf("owner: %w", err)
	}
	for j, o := range e.Objects {
		if o.ID == "" || o.Type == "" {
			return fmt.Errorf("objects[%d]: an object needs an id and a type", j)
		}
	}
	script := e.Script
	if script == "" {
		script = defaultScript
	}
	a := s.newApp(st, e.Name, e.Description, spaceID, e.Usage, script, e.Objects)
	a.OwnerID, a.CreatorID, a.UpdaterID = owner.ID, owner.ID, owner.ID
	a.Scripts[0].ModifierID = owner.ID
	if err := seedFilters(st, a, e.ReportFilters); err != nil {
		return err
	}
	for j, name := range e.PublishTo {
		to, err := core.SeedSpaceID(st, name)
		if err != nil || to == "" {
			return fmt.Errorf("publishTo[%d]: %q is not a space of spaces.yaml", j, name)
		}
		if sp := core.Spaces.Get(st, to); sp.Type != "managed" {
			return fmt.Errorf("publishTo[%d]: %q is a %s space; apps are published to managed spaces", j, name, sp.Type)
		}
		c := s.newApp(st, a.Name, a.Description, to, a.Usage, script, cloneObjects(a.Objects))
		c.OwnerID, c.CreatorID, c.UpdaterID = owner.ID, owner.ID, owner.ID
		c.Scripts[0].ModifierID, c.Scripts[0].VersionMessage = owner.ID, "Published"
		c.OriginAppID, c.PublishTime = a.ID, c.CreatedAt
	}
	return nil
}
