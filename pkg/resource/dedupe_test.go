package resource

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDisambiguateIsDeterministicAndAvoidsTakenNames(t *testing.T) {
	in := func() []Document {
		return []Document{
			New("Automation", "Sync", "id-c", nil),
			New("Automation", "Sync (2)", "id-z", nil),
			New("Automation", "Sync", "id-a", nil),
			New("Automation", "Sync", "id-b", nil),
			New("Automation", "Other", "id-d", nil),
		}
	}
	got, notes := Disambiguate(in())
	names := map[string]string{}
	for _, d := range got {
		names[d.Metadata.ID] = d.Metadata.Name
	}
	want := map[string]string{"id-a": "Sync", "id-b": "Sync (3)", "id-c": "Sync (4)", "id-z": "Sync (2)", "id-d": "Other"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], `3 Automation resources share the name "Sync"`) {
		t.Errorf("notes = %q", notes)
	}
	// Input order does not matter.
	rev := in()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	again, _ := Disambiguate(rev)
	if d := cmp.Diff(got, again); d != "" {
		t.Errorf("order-dependent:\n%s", d)
	}
}
