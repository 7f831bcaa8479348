package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

const pw = "${secret:dc/Finance/Snowflake/password}"
const token = "${secret:dc/Finance/Snowflake/token}"

func conn(spec map[string]any) resource.Document {
	d := resource.New("Space", "Snowflake", "", spec)
	return d
}

func supplies(names ...string) func(string) bool {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return func(n string) bool { return set[n] }
}

// An unsupplied placeholder on either side is no change; a supplied one
// that the tenant lacks is.
func TestUnsuppliedPlaceholderIsNoChange(t *testing.T) {
	want := []resource.Document{conn(map[string]any{"type": "x", "password": pw})}
	have := []resource.Document{conn(map[string]any{"type": "x"})}
	for name, in := range map[string]Input{
		"want has it":  {Desired: want, Live: have, Scope: []string{"Space"}},
		"live has it":  {Desired: have, Live: want, Scope: []string{"Space"}},
		"other values": {Desired: want, Live: have, Scope: []string{"Space"}, Supplied: supplies("dc/other")},
	} {
		p, err := Build(fakeKinds{}, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Steps) != 0 {
			t.Errorf("%s: %v, want no step", name, summary(p))
		}
	}
	p, err := Build(fakeKinds{}, Input{Desired: want, Live: have, Scope: []string{"Space"}, Supplied: supplies("dc/Finance/Snowflake/password")})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(p); !cmp.Equal(got, []string{"update Space/Snowflake"}) {
		t.Errorf("supplied: %v", got)
	}
}

// Pending secrets become a write-secrets step once supplied, and only the
// supplied ones; rewrite takes every supplied secret.
func TestPendingBecomesWriteSecretsStep(t *testing.T) {
	d := conn(map[string]any{"type": "x", "password": pw, "token": token})
	pending := []Pending{{Kind: "Space", Name: "Snowflake", Secrets: []string{"dc/Finance/Snowflake/password", "dc/Finance/Snowflake/token"}},
		{Kind: "Space", Name: "Gone", Secrets: []string{"dc/x"}}}
	in := Input{Desired: []resource.Document{d}, Live: []resource.Document{d}, Scope: []string{"Space"}, Pending: pending}

	p, err := Build(fakeKinds{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 0 || len(p.NeedsReentry) != 1 || len(p.NeedsReentry[0].Secrets) != 2 {
		t.Fatalf("nothing supplied: steps %v, pending %v", summary(p), p.NeedsReentry)
	}

	in.Supplied = supplies("dc/Finance/Snowflake/token")
	p, _ = Build(fakeKinds{}, in)
	if len(p.Steps) != 1 || p.Steps[0].Action != WriteSecrets || p.Steps[0].Why != Reentry ||
		!cmp.Equal(p.Steps[0].Secrets, []string{"dc/Finance/Snowflake/token"}) {
		t.Fatalf("token supplied: %+v", p.Steps)
	}

	in.Pending, in.RewriteSecrets = nil, true
	in.Supplied = supplies("dc/Finance/Snowflake/token", "dc/Finance/Snowflake/password")
	p, _ = Build(fakeKinds{}, in)
	if len(p.Steps) != 1 || p.Steps[0].Why != Rewrite || len(p.Steps[0].Secrets) != 2 {
		t.Fatalf("rewrite: %+v", p.Steps)
	}
}

type blockingKinds struct{ fakeKinds }

func (blockingKinds) CannotRecreate(d resource.Document) string {
	if d.Spec["hidden"] == true {
		return "hidden"
	}
	return ""
}

// A document the snapshot cannot recreate is reported, not planned.
func TestCannotRestoreIsNotAStep(t *testing.T) {
	desired := []resource.Document{doc("Space", "Hidden", map[string]any{"hidden": true}), doc("Space", "Shown", nil)}
	p, err := Build(blockingKinds{}, Input{Desired: desired, Scope: []string{"Space"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(p); !cmp.Equal(got, []string{"create Space/Shown"}) {
		t.Errorf("steps %v", got)
	}
	if len(p.CannotRestore) != 1 || p.CannotRestore[0].Name != "Hidden" || p.CannotRestore[0].Reason != "hidden" {
		t.Errorf("cannot restore %+v", p.CannotRestore)
	}
}
