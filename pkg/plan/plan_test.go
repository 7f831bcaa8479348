package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

// fakeKinds gives waves Group 0, User 1, Space 2, and reads refs from a
// "refs" list of "Kind/Name" strings in the spec.
type fakeKinds struct{}

func (fakeKinds) Wave(kind string) int {
	return map[string]int{"Group": 0, "User": 1, "Space": 2}[kind]
}

func (fakeKinds) Refs(d resource.Document) []resource.Ref {
	var out []resource.Ref
	refs, _ := d.Spec["refs"].([]any)
	for _, r := range refs {
		kind, name, _ := strings.Cut(r.(string), "/")
		out = append(out, resource.Ref{Key: resource.Key{Kind: kind, Name: name}, Field: "spec.refs"})
	}
	return out
}

func (fakeKinds) Builtin(k resource.Key) bool {
	return k == resource.Key{Kind: "Group", Name: "Everyone"}
}

func doc(kind, name string, spec map[string]any) resource.Document {
	return resource.New(kind, name, "", spec)
}

func summary(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, string(s.Action)+" "+s.Kind+"/"+s.Name)
	}
	return out
}

func TestBuildOrdersByWaveKindNameAndDeletesLastInReverse(t *testing.T) {
	desired := []resource.Document{
		doc("Space", "B", map[string]any{"type": "shared"}),
		doc("Space", "A", map[string]any{"type": "shared", "description": "new"}),
		doc("Group", "G2", map[string]any{}),
	}
	live := []resource.Document{
		doc("Space", "A", map[string]any{"type": "shared"}),
		doc("Space", "Old", map[string]any{"type": "shared"}),
		doc("Group", "OldGroup", map[string]any{}),
	}
	for i := 0; i < 20; i++ {
		live = append(live, doc("Space", "keep"+string(rune('a'+i)), nil), doc("Group", "keep"+string(rune('a'+i)), nil))
		desired = append(desired, doc("Space", "keep"+string(rune('a'+i)), nil), doc("Group", "keep"+string(rune('a'+i)), nil))
	}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Group", "Space"}, Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"create Group/G2", "update Space/A", "create Space/B", "delete Space/Old", "delete Group/OldGroup"}
	if diff := cmp.Diff(want, summary(p)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

func TestBuildWithoutPruneNeverDeletes(t *testing.T) {
	live := []resource.Document{doc("Space", "Extra", nil)}
	p, err := Build(fakeKinds{}, Input{Live: live, Scope: []string{"Space"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 0 {
		t.Errorf("steps = %v, want none", summary(p))
	}
}

func TestBuildLeavesKindsOutsideScopeAlone(t *testing.T) {
	desired := []resource.Document{doc("Space", "S", map[string]any{"x": 1.0})}
	live := []resource.Document{doc("Group", "Unmanaged", nil), doc("Space", "S", map[string]any{"x": 2.0})}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}, Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"update Space/S"}, summary(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBrake(t *testing.T) {
	var live []resource.Document
	for i := 0; i < 30; i++ {
		live = append(live, doc("Space", string(rune('A'+i)), nil))
	}
	desired := live[3:] // three deletions out of 30 = 10%: allowed
	if _, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}, Prune: true}); err != nil {
		t.Errorf("3 of 30: %v", err)
	}
	desired = live[4:] // four: over 10%
	_, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}, Prune: true})
	if err == nil || !strings.Contains(err.Error(), "pass --max-deletes 4") {
		t.Errorf("4 of 30: err = %v", err)
	}
	if _, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}, Prune: true, MaxDeletes: 4}); err != nil {
		t.Errorf("explicit limit 4: %v", err)
	}
	desired = nil // thirty: over the default absolute limit even with 10% ignored
	_, err = Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}, Prune: true})
	if err == nil || !strings.Contains(err.Error(), "default limit of 10") {
		t.Errorf("30 of 30: err = %v", err)
	}
}

func TestRefs(t *testing.T) {
	desired := []resource.Document{
		doc("Group", "InGit", nil),
		doc("Space", "S", map[string]any{"refs": []any{"Group/InGit", "Group/Live", "Group/Everyone", "User/ghost@example.com"}}),
	}
	live := []resource.Document{doc("Group", "Live", nil)}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space", "Group"}})
	if err != nil {
		t.Fatalf("resolvable refs: %v", err)
	}
	if diff := cmp.Diff([]string{"Space/S: user ghost@example.com is not in the target tenant"}, p.Unresolved); diff != "" {
		t.Errorf("unresolved (-want +got):\n%s", diff)
	}
	desired[1].Spec["refs"] = []any{"Group/Nowhere"}
	_, err = Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space"}})
	if err == nil || !strings.Contains(err.Error(), `Space/S: spec.refs: Group "Nowhere" is neither in the snapshot nor in the tenant`) {
		t.Errorf("err = %v", err)
	}
}

func TestIdsDoNotMakeChanges(t *testing.T) {
	a := resource.New("Space", "S", "id-in-tenant-a", map[string]any{"type": "shared"})
	b := resource.New("Space", "S", "id-in-tenant-b", map[string]any{"type": "shared"})
	p, err := Build(fakeKinds{}, Input{Desired: []resource.Document{a}, Live: []resource.Document{b}, Scope: []string{"Space"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 0 {
		t.Errorf("steps = %v, want none", summary(p))
	}
	if p.LiveDigest != Digest([]resource.Document{b}) || p.LiveDigest == Digest([]resource.Document{a}) {
		t.Error("digest must fingerprint the live documents")
	}
}
