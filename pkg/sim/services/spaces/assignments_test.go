package spaces_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestAssignments(t *testing.T) {
	e := newEnv(t, core.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Sales", "type": "shared"}))
	base := "/api/v1/spaces/" + simtest.Str(sp["id"]) + "/assignments"
	u := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "bob", "email": "bob@example.com"}))
	g := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "Sales Team"}))

	a := e.Must(201, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"producer", "consumer"}}))
	if a["spaceId"] != sp["id"] || len(simtest.List(a, "roles")) != 2 || !hex24.MatchString(simtest.Str(a["id"])) {
		t.Errorf("assignment = %v", a)
	}
	e.Must(201, e.Do("POST", base, map[string]any{"type": "group", "assigneeId": g["id"], "roles": []string{"consumer"}}))
	e.Must(201, e.Do("POST", base, map[string]any{"type": "group", "assigneeId": core.EveryoneGroupID, "roles": []string{"consumer"}}))

	// 409 duplicate assignee, 400 role not allowed in a shared space, owner, unknown assignee, empty roles
	e.Must(409, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	bad := e.Must(400, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"publisher"}}))
	if simtest.FirstError(t, bad)["detail"] == nil {
		t.Errorf("400 without detail: %v", bad)
	}
	e.Must(400, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": sp["ownerId"], "roles": []string{"consumer"}}))
	e.Must(400, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": "0123456789abcdef01234567", "roles": []string{"consumer"}}))
	e.Must(400, e.Do("POST", base, map[string]any{"type": "group", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.Must(400, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{}}))
	e.Must(404, e.Do("POST", "/api/v1/spaces/0123456789abcdef01234567/assignments", map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))

	l := e.Must(200, e.Do("GET", base, nil))
	if n := l["meta"].(map[string]any)["count"]; n != 3.0 {
		t.Errorf("count = %v", n)
	}
	l = e.Must(200, e.Do("GET", base+"?type=group", nil))
	if len(simtest.List(l, "data")) != 2 {
		t.Errorf("type=group gave %v", l["data"])
	}
	l = e.Must(200, e.Do("GET", base+"?assigneeId="+simtest.Str(u["id"]), nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Errorf("assigneeId filter gave %v", l["data"])
	}

	aid := base + "/" + simtest.Str(a["id"])
	up := e.Must(200, e.Do("PUT", aid, map[string]any{"roles": []string{"codeveloper"}}))
	if r := simtest.List(up, "roles"); len(r) != 1 || r[0] != "codeveloper" {
		t.Errorf("put roles = %v", up["roles"])
	}
	e.Must(400, e.Do("PUT", aid, map[string]any{"roles": []string{"operator"}}))
	got := e.Must(200, e.Do("GET", aid, nil))
	if simtest.List(got, "roles")[0] != "codeveloper" {
		t.Errorf("get after bad put = %v", got)
	}

	// Members do not make a space non-empty: it deletes, and its
	// assignments go with it.
	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	e.Must(404, e.Do("GET", aid, nil))
}

func TestAssignmentRolesPerSpaceType(t *testing.T) {
	e := newEnv(t, core.Options{})
	u := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "x"}))
	cases := map[string]struct{ ok, bad string }{
		"shared":  {"codeveloper", "contributor"},
		"managed": {"basicconsumer", "producer"},
		"data":    {"operator", "codeveloper"},
	}
	for typ, c := range cases {
		sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "S " + typ, "type": typ}))
		base := "/api/v1/spaces/" + simtest.Str(sp["id"]) + "/assignments"
		e.Must(400, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{c.bad}}))
		e.Must(201, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{c.ok}}))
	}
}

func TestDeletingUserOrGroupRemovesAssignments(t *testing.T) {
	e := newEnv(t, core.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "S", "type": "managed"}))
	base := "/api/v1/spaces/" + simtest.Str(sp["id"]) + "/assignments"
	u := e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{"subject": "x"}))
	g := e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "G"}))
	e.Must(201, e.Do("POST", base, map[string]any{"type": "user", "assigneeId": u["id"], "roles": []string{"consumer"}}))
	e.Must(201, e.Do("POST", base, map[string]any{"type": "group", "assigneeId": g["id"], "roles": []string{"consumer"}}))
	e.Must(204, e.Do("DELETE", "/api/v1/users/"+simtest.Str(u["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/groups/"+simtest.Str(g["id"]), nil))
	if n := e.Must(200, e.Do("GET", base, nil))["meta"].(map[string]any)["count"]; n != 0.0 {
		t.Errorf("assignments left: %v", n)
	}
}
