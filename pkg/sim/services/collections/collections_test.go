package collections_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/collections"

func names(l []any, field string) []string {
	var out []string
	for _, x := range l {
		out = append(out, simtest.Str(x.(map[string]any)[field]))
	}
	return out
}

func TestSeededCollectionsAndItems(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	all := simtest.List(e.Must(200, e.Do("GET", base+"?limit=100&sort=+name", nil)), "data")
	if got := names(all, "name"); len(got) != 3 || got[0] != "Alex's scratch list" || got[2] != "Month-end close" {
		t.Fatalf("seeded = %v", got)
	}
	tags := simtest.List(e.Must(200, e.Do("GET", base+"?type=public", nil)), "data")
	if len(tags) != 1 || tags[0].(map[string]any)["itemCount"] != 2.0 {
		t.Errorf("tags = %v", tags)
	}
	gov := simtest.List(e.Must(200, e.Do("GET", base+"?types=publicgoverned,public&name=Month-end%20close", nil)), "data")
	if len(gov) != 1 {
		t.Fatalf("governed = %v", gov)
	}
	id := simtest.Str(gov[0].(map[string]any)["id"])
	items := simtest.List(e.Must(200, e.Do("GET", base+"/"+id+"/items?limit=2", nil)), "data")
	if got := names(items, "name"); len(got) != 2 || got[0] != "Profit and Loss" || got[1] != "Cash Flow" {
		t.Errorf("items in added order = %v", got)
	}
	p2 := e.Must(200, e.Do("GET", base+"/"+id+"/items?limit=2", nil))
	next := simtest.Str(p2["links"].(map[string]any)["next"].(map[string]any)["href"])
	if next == "" {
		t.Fatalf("no next: %v", p2)
	}
	itemID := simtest.Str(items[0].(map[string]any)["id"])
	e.Must(200, e.Do("GET", base+"/"+id+"/items/"+itemID, nil))
	e.Must(200, e.Do("GET", base+"/"+id, nil))
}

func TestCollectionWritesAndRules(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	// A tag's name is unique among tags; a collection may share it.
	e.Must(409, e.Do("POST", base, map[string]any{"name": "Certified", "type": "public"}))
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "certified", "type": "private", "description": "mine"}))
	id := simtest.Str(c["id"])
	if c["itemCount"] != 0.0 || c["tenantId"] == nil {
		t.Errorf("created = %v", c)
	}
	e.Must(400, e.Do("POST", base, map[string]any{"name": "x", "type": "favorite"}))
	// Published only with an item; a collection never becomes a tag.
	e.Must(400, e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "replace", "path": "/type", "value": "publicgoverned"}}))
	e.Must(400, e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "replace", "path": "/type", "value": "public"}}))
	app := simtest.List(e.Must(200, e.Do("GET", "/api/v1/items?resourceType=app&name=Cash%20Flow", nil)), "data")[0].(map[string]any)
	itemID := simtest.Str(app["id"])
	e.Must(201, e.Do("POST", base+"/"+id+"/items", map[string]any{"id": itemID}))
	e.Must(409, e.Do("POST", base+"/"+id+"/items", map[string]any{"id": itemID}))
	e.Must(404, e.Do("POST", base+"/"+id+"/items", map[string]any{"id": "0123456789abcdef01234567"}))
	p := e.Must(200, e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "replace", "path": "/type", "value": "publicgoverned"},
		map[string]any{"op": "replace", "path": "/description", "value": "ours"}}))
	if p["type"] != "publicgoverned" || p["description"] != "ours" || p["itemCount"] != 1.0 {
		t.Errorf("patched = %v", p)
	}
	u := e.Must(200, e.Do("PUT", base+"/"+id, map[string]any{"name": "Cash", "description": "renamed"}))
	if u["type"] != "publicgoverned" || u["name"] != "Cash" {
		t.Errorf("put = %v", u)
	}
	e.Must(204, e.Do("DELETE", base+"/"+id+"/items/"+itemID, nil))
	e.Must(404, e.Do("DELETE", base+"/"+id+"/items/"+itemID, nil))
	e.Must(204, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("GET", base+"/"+id, nil))
}
