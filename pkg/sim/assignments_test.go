package sim

import (
	"testing"
)

func TestAssignments(t *testing.T) {
	e := newEnv(t, Options{})
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Sales", "type": "shared"}))
	base := "/api/v1/spaces/" + str(sp["id"]) + "/assignments"
	u := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "bob", "email": "bob@example.com"}))
	g := e.must(201, e.do("POST", "/api/v1/groups", map[string]any{"name": "Sales Team"}))

	a := e.must(201, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"producer", "consumer"}}))
	if a["spaceId"] != sp["id"] || len(list(a, "roles")) != 2 || !hex24.MatchString(str(a["id"])) {
		t.Errorf("assignment = %v", a)
	}
	e.must(201, e.do("POST", base, map[string]any{"type": "group", "assigneeId": g["id"], "roles": []string{"consumer"}}))
	e.must(201, e.do("POST", base, map[string]any{"type": "group", "assigneeId": EveryoneGroupID, "roles": []string{"consumer"}}))

	// 409 duplicate assignee, 400 role not allowed in a shared space, owner, unknown assignee, empty roles
	e.must(409, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	bad := e.must(400, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"publisher"}}))
	if firstError(t, bad)["detail"] == nil {
		t.Errorf("400 without detail: %v", bad)
	}
	e.must(400, e.do("POST", base, map[string]any{"type": "user", "assigneeId": sp["ownerId"], "roles": []string{"consumer"}}))
	e.must(400, e.do("POST", base, map[string]any{"type": "user", "assigneeId": "0123456789abcdef01234567", "roles": []string{"consumer"}}))
	e.must(400, e.do("POST", base, map[string]any{"type": "group", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.must(400, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{}}))
	e.must(404, e.do("POST", "/api/v1/spaces/0123456789abcdef01234567/assignments", map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))

	l := e.must(200, e.do("GET", base, nil))
	if n := l["meta"].(map[string]any)["count"]; n != 3.0 {
		t.Errorf("count = %v", n)
	}
	l = e.must(200, e.do("GET", base+"?type=group", nil))
	if len(list(l, "data")) != 2 {
		t.Errorf("type=group gave %v", l["data"])
	}
	l = e.must(200, e.do("GET", base+"?assigneeId="+str(u["id"]), nil))
	if len(list(l, "data")) != 1 {
		t.Errorf("assigneeId filter gave %v", l["data"])
	}

	aid := base + "/" + str(a["id"])
	up := e.must(200, e.do("PUT", aid, map[string]any{"roles": []string{"codeveloper"}}))
	if r := list(up, "roles"); len(r) != 1 || r[0] != "codeveloper" {
		t.Errorf("put roles = %v", up["roles"])
	}
	e.must(400, e.do("PUT", aid, map[string]any{"roles": []string{"operator"}}))
	got := e.must(200, e.do("GET", aid, nil))
	if list(got, "roles")[0] != "codeveloper" {
		t.Errorf("get after bad put = %v", got)
	}

	// Members do not make a space non-empty: it deletes, and its
	// assignments go with it.
	e.must(204, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
	e.must(404, e.do("GET", aid, nil))
}

func TestAssignmentRolesPerSpaceType(t *testing.T) {
	e := newEnv(t, Options{})
	u := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "x"}))
	cases := map[string]struct{ ok, bad string }{
		"shared":  {"codeveloper", "contributor"},
		"managed": {"basicconsumer", "producer"},
		"data":    {"operator", "codeveloper"},
	}
	for typ, c := range cases {
		sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "S " + typ, "type": typ}))
		base := "/api/v1/spaces/" + str(sp["id"]) + "/assignments"
		e.must(400, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{c.bad}}))
		e.must(201, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{c.ok}}))
	}
}

func TestDeletingUserOrGroupRemovesAssignments(t *testing.T) {
	e := newEnv(t, Options{})
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "S", "type": "managed"}))
	base := "/api/v1/spaces/" + str(sp["id"]) + "/assignments"
	u := e.must(201, e.do("POST", "/api/v1/users", map[string]any{"subject": "x"}))
	g := e.must(201, e.do("POST", "/api/v1/groups", map[string]any{"name": "G"}))
	e.must(201, e.do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.must(201, e.do("POST", base, map[string]any{"type": "group", "assigneeId": g["id"], "roles": []string{"consumer"}}))
	e.must(204, e.do("DELETE", "/api/v1/users/"+str(u["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/groups/"+str(g["id"]), nil))
	if n := e.must(200, e.do("GET", base, nil))["meta"].(map[string]any)["count"]; n != 0.0 {
		t.Errorf("assignments left: %v", n)
	}
}
