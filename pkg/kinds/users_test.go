package kinds_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func readUser(t *testing.T, e *kindtest.Env, name string) resource.Document {
	t.Helper()
	docs, err := kinds.Users.Read(testCtx(t), e.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	d, ok := find(docs, name)
	if !ok {
		t.Fatalf("no user %s", name)
	}
	return d
}

// TestUserUpdateKeepsIdPGroups: documents list custom groups only, so an
// update of a user's groups must keep the identity-provider groups the user
// is in (jane is in the idp group Finance Analysts).
func TestUserUpdateKeepsIdPGroups(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	have := readUser(t, e, "jane.doe@example.com")
	want := have
	want.Spec = map[string]any{}
	for k, v := range have.Spec {
		want.Spec[k] = v
	}
	want.Spec["groups"] = []any{"Data Engineers"}
	if _, err := (kinds.Users).Update(testCtx(t), e.Tenant(), want, have); err != nil {
		t.Fatal(err)
	}
	var u struct {
		AssignedGroups []struct {
			Name string `json:"name"`
		} `json:"assignedGroups"`
	}
	if err := e.Client.Do(testCtx(t), http.MethodGet, "/api/v1/users/"+have.Metadata.ID, nil, &u); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range u.AssignedGroups {
		names = append(names, g.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Data Engineers", "Finance Analysts"}) {
		t.Errorf("jane's groups after the update = %q, want [Data Engineers Finance Analysts] (the idp group kept)", names)
	}
}

// TestUserUpdateInvitedStatus: a snapshot taken while a user was still
// invited must apply to a tenant where the user has since logged in. Qlik's
// PATCH /users accepts status "active" or "disabled" only; "invited" is the
// tenant's to set, so Update must not send it (nor fail the whole user).
func TestUserUpdateInvitedStatus(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	// In Git: noah was invited. In the tenant he has since become active.
	want := readUser(t, e, "noah.quinn@example.com")
	if want.Spec["status"] != "invited" {
		t.Fatalf("demo seed changed: noah's status is %v", want.Spec["status"])
	}
	patch := []map[string]any{{"op": "replace", "path": "/status", "value": "active"}}
	if err := e.Client.Do(testCtx(t), http.MethodPatch, "/api/v1/users/"+want.Metadata.ID, patch, nil); err != nil {
		t.Fatal(err)
	}
	have := readUser(t, e, "noah.quinn@example.com")
	want.Spec["roles"] = []any{"Steward"} // and a change that must still go through

	before := e.Writes()
	res, err := kinds.Users.Update(testCtx(t), e.Tenant(), want, have)
	if err != nil {
		t.Fatalf("Users.Update must not send status %q, which Qlik refuses: %v", "invited", err)
	}
	if e.Writes()-before == 0 {
		t.Errorf("Update wrote nothing; the role change was lost (result %+v)", res)
	}
	if len(res.NotApplied) != 1 || !strings.Contains(res.NotApplied[0], "status invited") {
		t.Errorf("NotApplied = %v, want the status named", res.NotApplied)
	}
	got := readUser(t, e, "noah.quinn@example.com")
	if !slices.Equal(toStrings(got.Spec["roles"]), []string{"Steward"}) {
		t.Errorf("roles after Update = %v, want [Steward]", got.Spec["roles"])
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
