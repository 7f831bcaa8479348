package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

func isKind(s string) bool {
	return s == "Space" || s == "Group" || s == "User" || s == "DataConnection"
}

func TestParseSelectorsKeepsCommasInsideNames(t *testing.T) {
	got, err := ParseSelectors([]string{"Space/Finance,Group/Sales, EMEA,DataConnection/Finance/Snow"}, isKind)
	if err != nil {
		t.Fatal(err)
	}
	want := []Selector{{"Space", "Finance"}, {"Group", "Sales, EMEA"}, {"DataConnection", "Finance/Snow"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}
	if _, err := ParseSelectors([]string{"Finance"}, isKind); err == nil || !strings.Contains(err.Error(), "KIND/NAME") {
		t.Fatalf("a bare name must be refused, got %v", err)
	}
}

// The closure adds what a selected resource needs and the tenant lacks
// (the deleted space of a data connection, a deleted custom group among a
// space's members), but never what the tenant still has, never users, and
// never an unrelated resource.
func TestOnlyAddsMissingDependenciesAndNothingElse(t *testing.T) {
	dc := resource.New("DataConnection", "Snow", "", map[string]any{"refs": []any{"Space/Finance"}})
	dc.Metadata.Space = "Finance"
	desired := []resource.Document{
		dc,
		doc("Space", "Finance", map[string]any{"refs": []any{"Group/Executives", "Group/Analysts", "User/jane", "Group/Everyone"}}),
		doc("Space", "HR", map[string]any{"refs": []any{"Group/Executives"}}),
		doc("Group", "Executives", nil),
		doc("Group", "Analysts", map[string]any{"description": "changed in git"}),
		doc("User", "jane", nil),
	}
	live := []resource.Document{doc("Group", "Analysts", nil)}
	got, err := Only(fakeKinds{}, desired, live, []Selector{{"DataConnection", "Finance/Snow"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[resource.Key]bool{dc.Key(): true, {Kind: "Space", Name: "Finance"}: true, {Kind: "Group", Name: "Executives"}: true}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}

	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: live, Scope: []string{"DataConnection", "Space", "Group", "User"}, Only: got, OtherTenant: true})
	if err != nil {
		t.Fatal(err)
	}
	// (fakeKinds puts DataConnection in wave 0; the real registry orders it after spaces.)
	if d := cmp.Diff([]string{"create DataConnection/Snow", "create Group/Executives", "create Space/Finance"}, summary(p)); d != "" {
		t.Fatal(d)
	}
	if d := cmp.Diff([]string{"DataConnection/Finance/Snow", "Group/Executives", "Space/Finance"}, p.Only); d != "" {
		t.Fatal(d)
	}
}

func TestOnlyNamesEveryUnknownSelectorAtOnce(t *testing.T) {
	desired := []resource.Document{doc("Space", "Finance", nil)}
	_, err := Only(fakeKinds{}, desired, nil, []Selector{{"Space", "Fiance"}, {"space", "Finance"}, {"Group", "Nope"}})
	if err == nil || err.Error() != "--only: not in the snapshot: Group/Nope, Space/Fiance" {
		t.Fatalf("got %v", err)
	}
}

// Pending re-entries of resources outside --only are kept as they are, so
// a partial restore does not forget them.
func TestOnlyKeepsPendingOfUnselectedResources(t *testing.T) {
	desired := []resource.Document{
		doc("Space", "A", map[string]any{"password": "${secret:spaces/A/password}"}),
		doc("Space", "B", map[string]any{"password": "${secret:spaces/B/password}"}),
	}
	pending := []Pending{{Kind: "Space", Name: "A", Secrets: []string{"spaces/A/password"}}, {Kind: "Space", Name: "B", Secrets: []string{"spaces/B/password"}}}
	only := map[resource.Key]bool{{Kind: "Space", Name: "A"}: true}
	p, err := Build(fakeKinds{}, Input{Desired: desired, Live: desired, Scope: []string{"Space"}, Only: only, Pending: pending})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.NeedsReentry) != 2 {
		t.Fatalf("pending of B lost: %+v", p.NeedsReentry)
	}
}
