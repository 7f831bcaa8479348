package sim

import (
	"net/url"
	"testing"
)

func TestUsersCRUD(t *testing.T) {
	e := newEnv(t, Options{})
	g := e.must(201, e.do("POST", "/api/v1/groups", map[string]any{"name": "Data Engineers", "providerType": "custom"}))
	u := e.must(201, e.do("POST", "/api/v1/users", map[string]any{
		"subject": "auth0|jane", "name": "Jane", "email": "jane@example.com",
		"assignedRoles": []map[string]any{{"name": "Developer"}}}))
	id := str(u["id"])
	if len(list(u, "assignedRoles")) != 1 || u["status"] != "active" || u["tenantId"] == "" {
		t.Errorf("created user = %v", u)
	}
	e.must(409, e.do("POST", "/api/v1/users", map[string]any{"subject": "auth0|jane"}))
	e.must(400, e.do("POST", "/api/v1/users", map[string]any{"name": "no subject"}))
	e.must(400, e.do("POST", "/api/v1/users", map[string]any{"subject": "z", "assignedRoles": []map[string]any{{"name": "NoSuchRole"}}}))

	roles := e.must(200, e.do("GET", "/api/v1/roles?filter="+url.QueryEscape(`name eq "Developer"`), nil))
	devID := str(list(roles, "data")[0].(map[string]any)["id"])

	ops := []map[string]any{
		{"op": "replace", "path": "/name", "value": "Jane Doe"},
		{"op": "add", "path": "/assignedRoles/-", "value": map[string]any{"name": "TenantAdmin"}},
		{"op": "remove-value", "path": "/assignedRoles", "value": map[string]any{"id": devID}},
		{"op": "replace", "path": "/assignedGroups", "value": []map[string]any{{"name": "Data Engineers", "providerType": "custom"}}},
		{"op": "replace", "path": "/status", "value": "disabled"},
	}
	e.must(204, e.do("PATCH", "/api/v1/users/"+id, ops))
	got := e.must(200, e.do("GET", "/api/v1/users/"+id, nil))
	ar := list(got, "assignedRoles")
	ag := list(got, "assignedGroups")
	if got["name"] != "Jane Doe" || got["status"] != "disabled" || len(ar) != 1 ||
		ar[0].(map[string]any)["name"] != "TenantAdmin" || len(ag) != 1 || ag[0].(map[string]any)["id"] != g["id"] {
		t.Errorf("after patch = %v", got)
	}
	// A bad op leaves the user unchanged (all-or-nothing).
	e.must(400, e.do("PATCH", "/api/v1/users/"+id, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Changed"},
		{"op": "replace", "path": "/assignedGroups", "value": []map[string]any{{"id": "0123456789abcdef01234567"}}}}))
	if n := e.must(200, e.do("GET", "/api/v1/users/"+id, nil))["name"]; n != "Jane Doe" {
		t.Errorf("name after failed patch = %v", n)
	}

	cnt := e.must(200, e.do("GET", "/api/v1/users/actions/count", nil))
	if cnt["total"] != 2.0 {
		t.Errorf("count = %v", cnt)
	}
	me := e.must(200, e.do("GET", "/api/v1/users/me", nil)) // 301 followed
	if me["subject"] != botSubject {
		t.Errorf("me = %v", me)
	}

	e.must(204, e.do("DELETE", "/api/v1/users/"+id, nil))
	nf := e.must(404, e.do("GET", "/api/v1/users/"+id, nil))
	if fe := firstError(t, nf); fe["code"] != "USERS-7" || fe["status"] != 404.0 || nf["traceId"] == nil {
		t.Errorf("users 404 body = %v", nf)
	}
}

func TestUsersFilter(t *testing.T) {
	e := newEnv(t, Options{})
	e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "auth0|jane", "email": "jane@example.com",
		"assignedRoles": []map[string]any{{"name": "TenantAdmin"}}}))
	e.must(204, e.do("PATCH", "/api/v1/users/"+str(list(e.must(200, e.do("GET", "/api/v1/users?filter="+url.QueryEscape(`subject eq "auth0|jane"`), nil)), "data")[0].(map[string]any)["id"]),
		[]map[string]any{{"op": "replace", "path": "/status", "value": "disabled"}}))
	e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "auth0|bob", "email": "bob@example.com"}))
	for filter, want := range map[string]int{
		`subject eq "auth0|jane"`:                               1,
		`email eq "BOB@example.com"`:                            1,
		`email eq "bob@example.com" or subject eq "auth0|jane"`: 2,
		`email co "example.com" and status eq "active"`:         1,
		`assignedRoles.name eq "TenantAdmin"`:                   2, // jane + the built-in caller
	} {
		l := e.must(200, e.do("GET", "/api/v1/users?filter="+url.QueryEscape(filter), nil))
		if n := len(list(l, "data")); n != want {
			t.Errorf("filter %s: %d users, want %d", filter, n, want)
		}
	}
	e.must(400, e.do("GET", "/api/v1/users?filter="+url.QueryEscape(`shoeSize eq "9"`), nil))

}

func TestGroupsCRUD(t *testing.T) {
	e := newEnv(t, Options{})
	g := e.must(201, e.do("POST", "/api/v1/groups", map[string]any{
		"name": "Executives", "providerType": "custom", "description": "leaders",
		"assignedRoles": []map[string]any{{"name": "AnalyticsAdmin"}}}))
	id := str(g["id"])
	if g["status"] != "active" || len(list(g, "assignedRoles")) != 1 {
		t.Errorf("group = %v", g)
	}
	idp := e.must(201, e.do("POST", "/api/v1/groups", map[string]any{"name": "Finance Analysts"}))
	if idp["providerType"] != "idp" {
		t.Errorf("default providerType = %v", idp["providerType"])
	}
	c := e.must(409, e.do("POST", "/api/v1/groups", map[string]any{"name": "Executives"}))
	if fe := firstError(t, c); fe["status"] != 409.0 {
		t.Errorf("409 body = %v", c)
	}
	e.must(201, e.do("POST", "/api/v1/groups", map[string]any{"name": "executives"})) // case-sensitive
	e.must(400, e.do("POST", "/api/v1/groups", map[string]any{"name": "X", "providerType": "ldap"}))

	// PATCH paths with and without a leading slash.
	e.must(204, e.do("PATCH", "/api/v1/groups/"+id, []map[string]any{
		{"op": "replace", "path": "assignedRoles", "value": []map[string]any{{"name": "Steward"}, {"name": "Developer"}}},
		{"op": "replace", "path": "/name", "value": "Execs"},
		{"op": "replace", "path": "description", "value": "the board"}}))
	got := e.must(200, e.do("GET", "/api/v1/groups/"+id, nil))
	if got["name"] != "Execs" || got["description"] != "the board" || len(list(got, "assignedRoles")) != 2 {
		t.Errorf("after patch = %v", got)
	}
	e.must(400, e.do("PATCH", "/api/v1/groups/"+str(idp["id"]), []map[string]any{{"op": "replace", "path": "name", "value": "Y"}}))
	e.must(409, e.do("PATCH", "/api/v1/groups/"+id, []map[string]any{{"op": "replace", "path": "name", "value": "executives"}}))

	// Everyone: a system group, listed only with systemGroups=true.
	l := e.must(200, e.do("GET", "/api/v1/groups?totalResults=true", nil))
	if l["totalResults"] != 3.0 {
		t.Errorf("regular groups = %v", l["totalResults"])
	}
	sys := e.must(200, e.do("GET", "/api/v1/groups?systemGroups=true", nil))
	if d := list(sys, "data"); len(d) != 1 || d[0].(map[string]any)["id"] != EveryoneGroupID {
		t.Errorf("system groups = %v", sys["data"])
	}
	e.must(400, e.do("GET", "/api/v1/groups?systemGroups=true&limit=5", nil))
	e.must(200, e.do("GET", "/api/v1/groups/"+EveryoneGroupID, nil))
	e.must(400, e.do("DELETE", "/api/v1/groups/"+EveryoneGroupID, nil))

	e.must(204, e.do("DELETE", "/api/v1/groups/"+id, nil))
	nf := e.must(404, e.do("GET", "/api/v1/groups/"+id, nil))
	if firstError(t, nf)["code"] != "GROUPS-7" {
		t.Errorf("groups 404 = %v", nf)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t, Options{})
	l := e.must(200, e.do("GET", "/api/v1/roles?limit=100&totalResults=true", nil))
	byName := map[string]map[string]any{}
	for _, d := range list(l, "data") {
		m := d.(map[string]any)
		byName[str(m["name"])] = m
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
	id := str(byName["Steward"]["id"])
	if got := e.must(200, e.do("GET", "/api/v1/roles/"+id, nil)); got["name"] != "Steward" {
		t.Errorf("get role = %v", got)
	}
	nf := e.must(404, e.do("GET", "/api/v1/roles/0123456789abcdef01234567", nil))
	if fe := firstError(t, nf); fe["code"] != "IDENTITIES-10402" || fe["status"] != nil {
		t.Errorf("roles 404 = %v", nf)
	}
	f := e.must(200, e.do("GET", "/api/v1/roles?filter="+url.QueryEscape(`level eq "admin"`), nil))
	for _, d := range list(f, "data") {
		if d.(map[string]any)["level"] != "admin" {
			t.Errorf("filter gave %v", d)
		}
	}
}
