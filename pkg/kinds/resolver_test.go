package kinds

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/qlikops/qlikops/pkg/resource"
)

func TestResolverResolvesKeysAndLearnsFromApply(t *testing.T) {
	f := newFakeAPI()
	srv := httptest.NewServer(f)
	defer srv.Close()
	r := f.tenant(t, srv.URL).Names
	ctx := context.Background()
	user := func(n string) resource.Key { return resource.Key{Kind: "User", Name: n} }
	group := func(n string) resource.Key { return resource.Key{Kind: "Group", Name: n} }
	for _, c := range []struct {
		k      resource.Key
		wantID string
	}{
		{user("jane@example.com"), "u1"},
		{user("JANE@Example.com"), "u1"}, // emails fold
		{user("auth0|jane"), "u1"},       // subjects resolve exactly
		{user("AUTH0|JANE"), ""},
		{group("Custom"), "g1"},
		{group("custom"), ""}, // group names are case-sensitive in Qlik
		{group("Everyone"), everyoneGroupID},
		{resource.Key{Kind: "Space", Name: "Finance"}, "s1"},
	} {
		id, ok, err := r.Resolve(ctx, c.k)
		if err != nil || id != c.wantID || ok != (c.wantID != "") {
			t.Errorf("Resolve(%s) = %q, %v, %v; want %q", c.k, id, ok, err, c.wantID)
		}
	}
	for _, c := range []struct{ kind, id, want string }{
		{"User", "u1", "jane@example.com"}, {"Group", "g2", "IdP"}, {"Group", everyoneGroupID, "Everyone"},
		{"Space", "s1", "Finance"}, {"Space", "", ""}, {"User", "gone", ""},
	} {
		name, ok, err := r.KeyOf(ctx, c.kind, c.id)
		if err != nil || name != c.want || ok != (c.want != "") {
			t.Errorf("KeyOf(%s, %q) = %q, %v, %v; want %q", c.kind, c.id, name, ok, err, c.want)
		}
	}
	// What apply created and deleted is what later waves resolve against.
	r.Learn(group("Analysts"), "g7", false)
	r.Learn(group("Custom"), "g1", true)
	if id, ok, _ := r.Resolve(ctx, group("Analysts")); !ok || id != "g7" {
		t.Errorf("a created group does not resolve: %q %v", id, ok)
	}
	if _, ok, _ := r.Resolve(ctx, group("Custom")); ok {
		t.Error("a deleted group still resolves")
	}
	if name, ok, _ := r.KeyOf(ctx, "Group", "g7"); !ok || name != "Analysts" {
		t.Errorf("KeyOf a created group = %q %v", name, ok)
	}
	// The users list was read once, however often it was asked.
	n := 0
	for _, p := range f.gets {
		if p == "/api/v1/users" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("users listed %d times, want 1", n)
	}
}
