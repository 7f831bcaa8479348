package plan

import (
	"errors"
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

// Policy declares users owned by the identity provider, spaces as
// containers and Settings a singleton, as the real kinds do.
func (fakeKinds) Policy(kind string) resource.KindPolicy {
	return map[string]resource.KindPolicy{"User": {IdPOwned: true}, "Space": {Container: true}, "Settings": {Singleton: true},
		"Licence": {Singleton: true, ReadOnly: true}}[kind]
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
		doc("Group", "OutOfScope", nil),
		doc("Space", "S", map[string]any{"refs": []any{"Group/InGit", "Group/Live", "Group/Everyone", "User/live@example.com"}}),
	}
	live := []resource.Document{doc("Group", "Live", nil), doc("User", "live@example.com", nil)}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Space", "Group"}})
	if err != nil {
		t.Fatalf("resolvable refs: %v", err)
	}
	if len(p.Unresolved) != 0 {
		t.Errorf("unresolved = %v, want none", p.Unresolved)
	}
	locate := func(k resource.Key, field string) (string, int) { return "spaces/" + k.Name + ".yaml", 14 }
	for refs, want := range map[string]string{
		"User/ghost@example.com": `spaces/S.yaml:14: field spec.refs: user "ghost@example.com" is not in the tenant (users come from the identity provider`,
		"Group/Nowhere":          `spaces/S.yaml:14: field spec.refs: group "Nowhere" is neither in the tenant nor in the snapshot`,
		"Group/OutOfScope":       `group "OutOfScope" is not in the tenant (the snapshot has it, but this run does not apply Group documents; add it to --kinds)`,
		"Space/Gone":             `space "Gone" is neither in the tenant nor in the snapshot`,
	} {
		desired[2].Spec["refs"] = []any{refs}
		in := Input{Desired: desired, Live: live, Scope: []string{"Space", "Group"}, LiveKinds: []string{"Group", "User"}, Locate: locate}
		if refs == "Group/OutOfScope" {
			in.Scope = []string{"Space"}
		}
		p, err := Build(fakeKinds{}, in)
		if err == nil || !strings.Contains(err.Error(), want) || p != nil {
			t.Errorf("%s in the own tenant: err = %v, want %q and no plan", refs, err, want)
		}
		var re *RefError
		if !errors.As(err, &re) || re.To.Name != strings.SplitN(refs, "/", 2)[1] {
			t.Errorf("%s: err = %#v, want a RefError", refs, err)
		}
		if err == nil {
			continue
		}
		if hint := strings.Contains(err.Error(), "--allow-unresolved"); hint != (refs != "Space/Gone") {
			t.Errorf("%s: hint %v in %v", refs, hint, err)
		}

		// Another tenant, or --allow-unresolved: users and groups are listed
		// and skipped; a missing space still stops the run.
		for _, allow := range []Input{{OtherTenant: true}, {AllowUnresolved: true}} {
			in.OtherTenant, in.AllowUnresolved = allow.OtherTenant, allow.AllowUnresolved
			p, err := Build(fakeKinds{}, in)
			if refs == "Space/Gone" {
				if err == nil {
					t.Errorf("%s with %+v: no error", refs, allow)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s with %+v: %v", refs, allow, err)
				continue
			}
			kind, name, _ := strings.Cut(refs, "/")
			want := []string{"Space/S: spec.refs: " + strings.ToLower(kind) + " " + name + " is not in the target tenant"}
			if diff := cmp.Diff(want, p.Unresolved); diff != "" {
				t.Errorf("%s with %+v: unresolved (-want +got):\n%s", refs, allow, diff)
			}
		}
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

// A reference to a kind the live read did not cover cannot be known to be
// missing: the snapshot having it is enough, and the write reports it.
func TestRefsToKindsNotReadPassWhenTheSnapshotHasThem(t *testing.T) {
	desired := []resource.Document{
		doc("Space", "InGit", nil),
		doc("Group", "G", map[string]any{"refs": []any{"Space/InGit"}}),
	}
	in := Input{Desired: desired, Scope: []string{"Group"}, LiveKinds: []string{"Group", "User"}}
	if _, err := Build(fakeKinds{}, in); err != nil {
		t.Errorf("space in the snapshot, spaces not read: %v", err)
	}
	desired[1].Spec["refs"] = []any{"Space/Nowhere"}
	if _, err := Build(fakeKinds{}, in); err == nil || !strings.Contains(err.Error(), `space "Nowhere" is neither in the tenant nor in the snapshot`) {
		t.Errorf("space nowhere: err = %v", err)
	}
	in.LiveKinds = append(in.LiveKinds, "Space")
	desired[1].Spec["refs"] = []any{"Space/InGit"}
	if _, err := Build(fakeKinds{}, in); err == nil || !strings.Contains(err.Error(), `space "InGit" is not in the tenant (the snapshot has it`) {
		t.Errorf("spaces read, space missing: err = %v", err)
	}
}

// A singleton is only ever updated: a changed one is one update, and one
// the tenant shows under another name, or the snapshot lacks, is never a
// create or a delete, pruning or not. A plain kind beside it still is.
func TestSingletonIsNeverCreatedOrDeleted(t *testing.T) {
	live := []resource.Document{
		resource.New("Settings", "settings", "t1", map[string]any{"a": true}),
		resource.New("Settings", "stray", "t1", map[string]any{"a": true}),
		resource.New("Group", "Old", "g1", map[string]any{}),
	}
	desired := []resource.Document{
		resource.New("Settings", "settings", "", map[string]any{"a": false}),
		resource.New("Settings", "renamed", "", map[string]any{"a": false}),
		resource.New("Group", "New", "", map[string]any{}),
	}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Settings", "Group"}, Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range p.Steps {
		got = append(got, string(s.Action)+" "+s.Key().String())
	}
	want := []string{"create Group/New", "update Settings/settings", "delete Group/Old"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

// A read-only kind (the licence) is never planned: neither a changed nor
// a missing nor an extra document makes a step, even with --prune.
func TestReadOnlyKindIsNeverPlanned(t *testing.T) {
	live := []resource.Document{
		resource.New("Licence", "license", "t1", map[string]any{"seats": 5}),
		resource.New("Licence", "stray", "t1", map[string]any{}),
		resource.New("Settings", "settings", "t1", map[string]any{"a": true}),
	}
	desired := []resource.Document{
		resource.New("Licence", "license", "", map[string]any{"seats": 8}),
		resource.New("Licence", "extra", "", map[string]any{}),
		resource.New("Settings", "settings", "", map[string]any{"a": false}),
	}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"Licence", "Settings"}, Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"update Settings/settings"}, summary(p)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}
