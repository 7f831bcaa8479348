package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
)

func TestMinCalls(t *testing.T) {
	members := make([]any, 250)
	spaces := []resource.Document{resource.New("Space", "Big", "s1", map[string]any{"members": members}),
		resource.New("Space", "Empty", "s2", nil)}
	// One list page, then 3 member pages for the big space and 1 for the empty one.
	if got := kinds.MinCalls(kinds.Spaces, spaces, nil); got != 5 {
		t.Errorf("spaces: %d, want 5", got)
	}
	var conns []resource.Document
	for i := range 150 {
		d := resource.New("DataConnection", "c", string(rune('a'+i%26))+string(rune('a'+i/26)), nil)
		d.Metadata.Modified = "t1"
		conns = append(conns, d)
	}
	// First export: 2 list pages and a GET each.
	if got := kinds.MinCalls(kinds.DataConnections, conns, nil); got != 152 {
		t.Errorf("connections, no prior: %d, want 152", got)
	}
	// With a prior, only what Unchanged found moved costs a GET.
	prior := kinds.NewPrior(conns)
	for i, d := range conns {
		stamp := "t1"
		if i < 3 {
			stamp = "t2"
		}
		prior.Unchanged("DataConnection", d.Metadata.ID, stamp)
	}
	if got := kinds.MinCalls(kinds.DataConnections, conns, prior); got != 5 {
		t.Errorf("connections, 3 moved: %d, want 5", got)
	}
}

func TestPriorSettle(t *testing.T) {
	doc := func(updated, typ string) resource.Document {
		d := resource.New("DataConnection", "c", "id1", map[string]any{"type": typ})
		d.Metadata.Space, d.Metadata.Modified = "S", updated
		return d
	}
	prior := kinds.NewPrior([]resource.Document{doc("t1", "snowflake")})
	if got := prior.Settle(doc("t2", "snowflake")); got.Metadata.Modified != "t1" {
		t.Errorf("a save without change: updated %q, want the prior's t1 (no commit)", got.Metadata.Modified)
	}
	if got := prior.Settle(doc("t2", "postgres")); got.Metadata.Modified != "t2" {
		t.Errorf("a real change: updated %q, want t2", got.Metadata.Modified)
	}
	legacy := kinds.NewPrior([]resource.Document{doc("", "snowflake")})
	if got := legacy.Settle(doc("t2", "snowflake")); got.Metadata.Modified != "t2" {
		t.Errorf("a prior without a time: updated %q, want t2 recorded", got.Metadata.Modified)
	}
	if _, ok := prior.Unchanged("DataConnection", "id1", "t1"); !ok {
		t.Error("same time: not reused")
	}
	if _, ok := prior.Unchanged("DataConnection", "id1", ""); ok {
		t.Error("no time in the list: reused")
	}
}
