package collections

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// collectionErrors is the collections style (spec ErrorResponseBody):
// errors[{code, title, detail, meta}] and nothing else at the top.
var collectionErrors = &core.ErrorStyle{Code: "COLLECTIONS", Body: func(f core.ErrorFields) any {
	return map[string]any{"errors": []any{f.Entry()}}
}}

// Service serves collections and tags. It seeds after apps, whose items
// it holds.
var Service = core.Service{
	Name: "collections",
	APIs: []core.API{{Prefixes: []string{"/api/v1/collections"}, Errors: collectionErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		resource.Route(s, mux)
		routeItems(s, mux)
	},
	Seed:  seed,
	Specs: []string{"qliksense-collections-api-openapi.yml"},
}

// collections.yaml: name, type, description and items, each an app as
// "Space/App name", made by the API-key caller.
func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "collections.yaml")
	var entries []struct {
		Name        string   `json:"name"`
		Type        string   `json:"type"`
		Description string   `json:"description"`
		Items       []string `json:"items"`
	}
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		c := &collection{Name: e.Name, Type: e.Type, Description: e.Description}
		for _, ref := range e.Items {
			id, err := seedItem(st, ref)
			if err != nil {
				return fmt.Errorf("%s: collections[%d] (%q): %w", path, i, e.Name, err)
			}
			c.Items = append(c.Items, id)
		}
		if err := resource.Insert(s, st, c, core.CallerOf(st).ID); err != nil {
			return fmt.Errorf("%s: collections[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}

// seedItem finds the item id of "Space/App name".
func seedItem(st *core.State, ref string) (string, error) {
	space, name, ok := strings.Cut(ref, "/")
	if !ok {
		return "", fmt.Errorf("item %q is not Space/App", ref)
	}
	spaceID, err := core.SeedSpaceID(st, space)
	if err != nil {
		return "", err
	}
	for _, a := range apps.Apps.In(st) {
		if a.SpaceID == spaceID && a.Name == name && !a.Deleted {
			return a.ItemID, nil
		}
	}
	return "", fmt.Errorf("no app %q in space %q", name, space)
}
