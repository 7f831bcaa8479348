package identity_test

import (
	"net/url"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestUsersCRUD(t *testing.T) {
	e := newEnv(t, core.Options{})
	g := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "Data Engineers", "providerType": "custom"}))
	u := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{
		"subject": "auth0|jane", "name": "Jane", "email": "jane@example.com",
		"assignedRoles": []map[string]any{{"name": "Developer"}}}))
	id := simtest.Str(u["id"])
	if len(simtest.List(u, "assignedRoles")) != 1 || u["status"] != "active" || u["tenantId"] == "" {
		t.Errorf("created user = %v", u)
	}
	e.Must(409, e.Do("POST", "/api/v1/users", map[string]any{"subject": "auth0|jane"}))
	e.Must(400, e.Do("POST", "/api/v1/users", map[string]any{"name": "no subject"}))
	e.Must(400, e.Do("POST", "/api/v1/users", map[string]any{"subject": "z", "assignedRoles": []map[string]any{{"name": "NoSuchRole"}}}))

	roles := e.Must(200, e.Do("GET", "/api/v1/roles?filter="+url.QueryEscape(`name eq "Developer"`), nil))
	devID := simtest.Str(simtest.List(roles, "data")[0].(map[string]any)["id"])

	ops := []map[string]any{
		{"op": "replace", "path": "/name", "value": "Jane Doe"},
		{"op": "add", "path": "/assignedRoles/-", "value": map[string]any{"name": "TenantAdmin"}},
		{"op": "remove-value", "path": "/assignedRoles", "value": map[string]any{"id": devID}},
		{"op": "replace", "path": "/assignedGroups", "value": []map[string]any{{"name": "Data Engineers", "providerType": "custom"}}},
		{"op": "replace", "path": "/status", "value": "disabled"},
	}
	e.Must(204, e.Do("PATCH", "/api/v1/users/"+id, ops))
	got := e.Must(200, e.Do("GET", "/api/v1/users/"+id, nil))
	ar := simtest.List(got, "assignedRoles")
	ag := simtest.List(got, "assignedGroups")
	if got["name"] != "Jane Doe" || got["status"] != "disabled" || len(ar) != 1 ||
		ar[0].(map[string]any)["name"] != "TenantAdmin" || len(ag) != 1 || ag[0].(map[string]any)["id"] != g["id"] {
		t.Errorf("after patch = %v", got)
	}
	// A bad op leaves the user unchanged (all-or-nothing).
	e.Must(400, e.Do("PATCH", "/api/v1/users/"+id, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Changed"},
		{"op": "replace", "path": "/assignedGroups", "value": []map[string]any{{"id": "0123456789abcdef01234567"}}}}))
	if n := e.Must(200, e.Do("GET", "/api/v1/users/"+id, nil))["name"]; n != "Jane Doe" {
		t.Errorf("name after failed patch = %v", n)
	}

	cnt := e.Must(200, e.Do("GET", "/api/v1/users/actions/count", nil))
	if cnt["total"] != 2.0 {
		t.Errorf("count = %v", cnt)
	}
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil)) // 301 followed
	if me["subject"] != core.BotSubject {
		t.Errorf("me = %v", me)
	}

	e.Must(204, e.Do("DELETE", "/api/v1/users/"+id, nil))
	nf := e.Must(404, e.Do("GET", "/api/v1/users/"+id, nil))
	if fe := simtest.FirstError(t, nf); fe["code"] != "USERS-7" || fe["status"] != 404.0 || nf["traceId"] == nil {
		t.Errorf("users 404 body = %v", nf)
	}
}

func TestUsersFilter(t *testing.T) {
	e := newEnv(t, core.Options{})
	e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "auth0|jane", "email": "jane@example.com",
		"assignedRoles": []map[string]any{{"name": "TenantAdmin"}}}))
	e.Must(204, e.Do("PATCH", "/api/v1/users/"+simtest.Str(simtest.List(e.Must(200, e.Do("GET", "/api/v1/users?filter="+url.QueryEscape(`subject eq "auth0|jane"`), nil)), "data")[0].(map[string]any)["id"]),
		[]map[string]any{{"op": "replace", "path": "/status", "value": "disabled"}}))
	e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "auth0|bob", "email": "bob@example.com"}))
	for filter, want := range map[string]int{
		`subject eq "auth0|jane"`:                               1,
		`email eq "BOB@example.com"`:                            1,
		`email eq "bob@example.com" or subject eq "auth0|jane"`: 2,
		`email co "example.com" and status eq "active"`:         1,
		`assignedRoles.name eq "TenantAdmin"`:                   2, // jane + the built-in caller
	} {
		l := e.Must(200, e.Do("GET", "/api/v1/users?filter="+url.QueryEscape(filter), nil))
		if n := len(simtest.List(l, "data")); n != want {
			t.Errorf("filter %s: %d users, want %d", filter, n, want)
		}
	}
	e.Must(400, e.Do("GET", "/api/v1/users?filter="+url.QueryEscape(`shoeSize eq "9"`), nil))

}

func TestGroupsCRUD(t *testing.T) {
	e := newEnv(t, core.Options{})
	g := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{
		"name": "Executives", "providerType": "custom", "description": "leaders",
		"assignedRoles": []map[string]any{{"name": "AnalyticsAdmin"}}}))
	id := simtest.Str(g["id"])
	if g["status"] != "active" || len(simtest.List(g, "assignedRoles")) != 1 {
		t.Errorf("group = %v", g)
	}
	idp := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "Finance Analysts"}))
	if idp["providerType"] != "idp" {
		t.Errorf("default providerType = %v", idp["providerType"])
	}
	c := e.Must(409, e.Do("POST", "/api/v1/groups", map[string]any{"name": "Executives"}))
	if fe := simtest.FirstError(t, c); fe["status"] != 409.0 {
		t.Errorf("409 body = %v", c)
	}
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "executives"})) // case-sensitive
	e.Must(400, e.Do("POST", "/api/v1/groups", map[string]any{"name": "X", "providerType": "ldap"}))

	// PATCH paths with and without a leading slash.
	e.Must(204, e.Do("PATCH", "/api/v1/groups/"+id, []map[string]any{
		{"op": "replace", "path": "assignedRoles", "value": []map[string]any{{"name": "Steward"}, {"name": "Developer"}}},
		{"op": "replace", "path": "/name", "value": "Execs"},
		{"op": "replace", "path": "description", "value": "the board"}}))
	got := e.Must(200, e.Do("GET", "/api/v1/groups/"+id, nil))
	if got["name"] != "Execs" || got["description"] != "the board" || len(simtest.List(got, "assignedRoles")) != 2 {
		t.Errorf("after patch = %v", got)
	}
	e.Must(400, e.Do("PATCH", "/api/v1/groups/"+simtest.Str(idp["id"]), []map[string]any{{"op": "replace", "path": "name", "value": "Y"}}))
	e.Must(409, e.Do("PATCH", "/api/v1/groups/"+id, []map[string]any{{"op": "replace", "path": "name", "value": "executives"}}))

	// Everyone: a system group, listed only with systemGroups=true.
	l := e.Must(200, e.Do("GET", "/api/v1/groups?totalResults=true", nil))
	if l["totalResults"] != 3.0 {
		t.Errorf("regular groups = %v", l["totalResults"])
	}
	sys := e.Must(200, e.Do("GET", "/api/v1/groups?systemGroups=true", nil))
	if d := simtest.List(sys, "data"); len(d) != 1 || d[0].(map[string]any)["id"] != core.EveryoneGroupID {
		t.Errorf("system groups = %v", sys["data"])
	}
	e.Must(400, e.Do("GET", "/api/v1/groups?systemGroups=true&limit=5", nil))
	e.Must(200, e.Do("GET", "/api/v1/groups/"+core.EveryoneGroupID, nil))
	e.Must(400, e.Do("DELETE", "/api/v1/groups/"+core.EveryoneGroupID, nil))

	e.Must(204, e.Do("DELETE", "/api/v1/groups/"+id, nil))
	nf := e.Must(404, e.Do("GET", "/api/v1/groups/"+id, nil))
	if simtest.FirstError(t, nf)["code"] != "GROUPS-7" {
		t.Errorf("groups 404 = %v", nf)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t, core.Options{})
	l := e.Must(200, e.Do("GET", "/api/v1/roles?limit=100&totalResults=true", nil))
	byName := map[string]map[string]any{}
	for _, d := range simtest.List(l, "data") {
		m := d.(map[string]any)
		byName[simtest.Str(m["name"])] = m
	}
	for _, n := range []string{"TenantAdmin", "AnalyticsAdmin", "DataAdmin", "Developer", "AuditAdmin", "Steward", "SharingServiceAdmin"} {
		r, ok := byName[n]
		if !ok || r["type"] != "default" || r["level"] == nil {
			t.Errorf("role %s = %v", n, r)
		}
	}
	if byName["TenantAdmin"]["level"] != "admin" || byName["Developer"]["level"] != "user" {
		t.Errorf("levels wrong")
	}
	id := simtest.Str(byName["Steward"]["id"])
	if got := e.Must(200, e.Do("GET", "/api/v1/roles/"+id, nil)); got["name"] != "Steward" {
		t.Errorf("get role = %v", got)
	}
	nf := e.Must(404, e.Do("GET", "/api/v1/roles/0123456789abcdef01234567", nil))
	if fe := simtest.FirstError(t, nf); fe["code"] != "IDENTITIES-10402" || fe["status"] != nil {
		t.Errorf("roles 404 = %v", nf)
	}
	f := e.Must(200, e.Do("GET", "/api/v1/roles?filter="+url.QueryEscape(`level eq "admin"`), nil))
	for _, d := range simtest.List(f, "data") {
		if d.(map[string]any)["level"] != "admin" {
			t.Errorf("filter gave %v", d)
		}
	}
}
