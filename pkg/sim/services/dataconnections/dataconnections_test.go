package dataconnections_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/automations"
	"github.com/qlikops/qlikops/pkg/sim/services/dataconnections"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func dcBody(name, space string) map[string]any {
	return map[string]any{
		"qName":             name,
		"qType":             "QvOdbcConnectorPackage.exe",
		"datasourceID":      "snowflake",
		"qConnectStatement": `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;PWD=inline-secret;"`,
		"space":             space,
		"qUsername":         "svc",
		"qPassword":         "pw-secret-1",
		"qConnectionSecret": "conn-secret-1",
		"qLogOn":            "0",
		"tags":              []string{"a"},
	}
}

func TestDataConnectionsCRUD(t *testing.T) {
	e := seededConnEnv(t)
	fin := e.SpaceID("Finance")
	r := e.Do("POST", "/api/v1/data-connections", dcBody("DC One", fin))
	c := e.Must(201, r)
	simtest.NoSecrets(t, "create", r.Raw, "pw-secret-1", "conn-secret-1", `"qUsername"`)
	id := simtest.Str(c["qID"])
	if !core.IsUUID(id) || c["qEngineObjectID"] != id || c["qLogOn"] != "0" || c["space"] != fin {
		t.Fatalf("create = %v", c)
	}
	// GET one returns qConnectionSecret and the connect statement as stored.
	r = e.Do("GET", "/api/v1/data-connections/"+id, nil)
	g := e.Must(200, r)
	simtest.NoSecrets(t, "get", r.Raw, "pw-secret-1", `"qUsername"`, `"qPassword"`)
	if g["qConnectionSecret"] != "conn-secret-1" || !strings.Contains(simtest.Str(g["qConnectStatement"]), "PWD=inline-secret") ||
		g["qLogOn"] != 0.0 || g["tenant"] == "" || g["datasourceID"] != "snowflake" {
		t.Errorf("get = %v", g)
	}
	// By name.
	byName := e.Must(200, e.Do("GET", "/api/v1/data-connections/"+url.PathEscape("DC One")+"?type=connectionname&spaceId="+fin, nil))
	if byName["qID"] != id {
		t.Errorf("by name = %v", byName)
	}
	e.Must(404, e.Do("GET", "/api/v1/data-connections/Nope?type=connectionname&spaceId="+fin, nil))
	// The list never carries qConnectionSecret or qPassword.
	r = e.Do("GET", "/api/v1/data-connections?spaceId="+fin, nil)
	l := e.Must(200, r)
	simtest.NoSecrets(t, "list", r.Raw, "pw-secret-1", "conn-secret-1", "FAKE-not-a-real-password-1\"", `"qConnectionSecret"`, `"qPassword"`)
	if len(simtest.List(l, "data")) != 2 || l["meta"].(map[string]any)["count"] != 2.0 {
		t.Errorf("list in Finance = %s", r.Raw)
	}

	// 409 on the same name in the same space (case-insensitive); fine elsewhere.
	e.Must(409, e.Do("POST", "/api/v1/data-connections", dcBody("dc one", fin)))
	other := e.Must(201, e.Do("POST", "/api/v1/data-connections", dcBody("DC One", e.SpaceID("Executive Dashboards"))))
	e.Must(201, e.Do("POST", "/api/v1/data-connections", dcBody("DC One", "")))
	// 400 on missing fields, 403 on an unknown space.
	for _, f := range []string{"qName", "qType", "qConnectStatement", "datasourceID"} {
		b := dcBody("X", fin)
		delete(b, f)
		er := e.Must(400, e.Do("POST", "/api/v1/data-connections", b))
		fe := simtest.FirstError(t, er)
		if fe["status"] != 400.0 || er["traceId"] != nil || !strings.HasPrefix(simtest.Str(fe["code"]), "DCERROR-") {
			t.Errorf("400 body = %v", er)
		}
	}
	e.Must(403, e.Do("POST", "/api/v1/data-connections", dcBody("X", "000000000000000000000999")))

	// PUT without qPassword keeps it; qConnectionSecret "" clears it.
	put := map[string]any{"qID": id, "qEngineObjectID": id, "qName": "DC One Renamed", "qType": "QvOdbcConnectorPackage.exe",
		"qConnectStatement": "CUSTOM CONNECT TO \"x\"", "qConnectionSecret": ""}
	e.Must(204, e.Do("PUT", "/api/v1/data-connections/"+id, put))
	sec := e.Must(200, e.Do("GET", "/_sim/data-connections/"+id+"/secrets", nil))
	if sec["qPassword"] != "pw-secret-1" || sec["qConnectionSecret"] != "" || sec["qUsername"] != "svc" {
		t.Errorf("secrets after PUT = %v", sec)
	}
	g = e.Must(200, e.Do("GET", "/api/v1/data-connections/"+id, nil))
	if g["qName"] != "DC One Renamed" || g["qConnectionSecret"] != nil || g["space"] != fin {
		t.Errorf("after PUT = %v", g)
	}
	// PUT omitting qConnectionSecret keeps it; with qPassword replaces.
	e.Must(204, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{
		{"op": "replace", "path": "/qConnectionSecret", "value": "s2"}}))
	put["qPassword"] = "pw-2"
	delete(put, "qConnectionSecret")
	e.Must(204, e.Do("PUT", "/api/v1/data-connections/"+id, put))
	sec = e.Must(200, e.Do("GET", "/_sim/data-connections/"+id+"/secrets", nil))
	if sec["qPassword"] != "pw-2" || sec["qConnectionSecret"] != "s2" {
		t.Errorf("secrets after 2nd PUT = %v", sec)
	}
	// PUT errors: 400 missing qID, 400 id mismatch, 409 name clash, 404 unknown.
	bad := map[string]any{"qName": "n", "qType": "t", "qConnectStatement": "c"}
	e.Must(400, e.Do("PUT", "/api/v1/data-connections/"+id, bad))
	bad["qID"], bad["qEngineObjectID"] = simtest.Str(other["qID"]), simtest.Str(other["qID"])
	e.Must(400, e.Do("PUT", "/api/v1/data-connections/"+id, bad))
	e.Must(201, e.Do("POST", "/api/v1/data-connections", dcBody("Taken", fin)))
	put["qName"] = "Taken"
	e.Must(409, e.Do("PUT", "/api/v1/data-connections/"+id, put))
	unknown := "11111111-2222-4333-8444-555555555555"
	put["qID"], put["qEngineObjectID"] = unknown, unknown
	e.Must(404, e.Do("PUT", "/api/v1/data-connections/"+unknown, put))
	e.Must(400, e.Do("GET", "/api/v1/data-connections/not-a-uuid", nil))

	// PATCH add/replace/remove; 400 on bad op, path, type; 409 on name clash.
	e.Must(204, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{
		{"op": "replace", "path": "/qName", "value": "Patched"},
		{"op": "add", "path": "/tags", "value": []string{"x", "y"}},
		{"op": "remove", "path": "/qPassword"},
		{"op": "replace", "path": "/qLogOn", "value": "LOG_ON_CURRENT_USER"},
	}))
	g = e.Must(200, e.Do("GET", "/api/v1/data-connections/"+id, nil))
	if g["qName"] != "Patched" || len(simtest.List(g, "tags")) != 2 || g["qLogOn"] != 1.0 {
		t.Errorf("after PATCH = %v", g)
	}
	if sec = e.Must(200, e.Do("GET", "/_sim/data-connections/"+id+"/secrets", nil)); sec["qPassword"] != "" {
		t.Errorf("remove /qPassword: %v", sec)
	}
	e.Must(400, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "move", "path": "/qName", "value": "x"}}))
	e.Must(400, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qID", "value": "x"}}))
	e.Must(400, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qName", "value": 3}}))
	e.Must(400, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "remove", "path": "/qName"}}))
	e.Must(409, e.Do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qName", "value": "Taken"}}))

	// 412: a space holding a connection cannot be deleted; after the delete it can.
	ex := e.SpaceID("Executive Dashboards")
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Conn Space", "type": "shared"}))
	c2 := e.Must(201, e.Do("POST", "/api/v1/data-connections", dcBody("In Space", simtest.Str(sp["id"]))))
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/data-connections/In%20Space?type=connectionname&spaceId="+simtest.Str(sp["id"]), nil))
	e.Must(404, e.Do("GET", "/api/v1/data-connections/"+simtest.Str(c2["qID"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	_ = ex

	e.Must(204, e.Do("DELETE", "/api/v1/data-connections/"+id, nil))
	e.Must(404, e.Do("DELETE", "/api/v1/data-connections/"+id, nil))
	if r := e.Do("GET", "/_sim/data-connections/"+id+"/secrets", nil); r.Status != 404 {
		t.Errorf("secrets of a deleted connection: %d", r.Status)
	}
}

func TestDataConnectionsPaging(t *testing.T) {
	e := newEnv(t, core.Options{})
	for i := 0; i < 7; i++ {
		e.Must(201, e.Do("POST", "/api/v1/data-connections", dcBody("conn-"+string(rune('g'-i)), "")))
	}
	// No limit: everything, no next link.
	all := e.Must(200, e.Do("GET", "/api/v1/data-connections", nil))
	if len(simtest.List(all, "data")) != 7 || all["links"].(map[string]any)["next"] != nil {
		t.Fatalf("unlimited list = %v", all)
	}
	var names []string
	l := e.Must(200, e.Do("GET", "/api/v1/data-connections?limit=3&sort=-qName", nil))
	pages := 1
	for {
		if l["meta"].(map[string]any)["count"] != 7.0 {
			t.Errorf("meta.count = %v", l["meta"])
		}
		for _, d := range simtest.List(l, "data") {
			names = append(names, simtest.Str(d.(map[string]any)["qName"]))
		}
		next, _ := l["links"].(map[string]any)["next"].(map[string]any)
		if next == nil {
			break
		}
		u, _ := url.Parse(simtest.Str(next["href"]))
		if u.Query().Get("page") == "" || u.Query().Get("limit") != "3" {
			t.Fatalf("next href = %v", next["href"])
		}
		l = e.Must(200, e.Do("GET", simtest.Str(next["href"]), nil))
		pages++
		if pages == 2 {
			prev := l["links"].(map[string]any)["prev"].(map[string]any)
			back := e.Must(200, e.Do("GET", simtest.Str(prev["href"]), nil))
			if simtest.Str(simtest.List(back, "data")[0].(map[string]any)["qName"]) != "conn-g" {
				t.Errorf("prev page = %v", back)
			}
		}
	}
	if pages != 3 || strings.Join(names, ",") != "conn-g,conn-f,conn-e,conn-d,conn-c,conn-b,conn-a" {
		t.Errorf("pages=%d names=%v", pages, names)
	}
	e.Must(400, e.Do("GET", "/api/v1/data-connections?limit=101", nil))
	e.Must(400, e.Do("GET", "/api/v1/data-connections?limit=0", nil))
	e.Must(400, e.Do("GET", "/api/v1/data-connections?page=zzz", nil))
	e.Must(400, e.Do("GET", "/api/v1/data-connections?sort=+qType", nil))
	f := e.Must(200, e.Do("GET", "/api/v1/data-connections?filter="+url.QueryEscape(`qName eq "conn-a" or qName sw "CONN-B"`), nil))
	if len(simtest.List(f, "data")) != 2 {
		t.Errorf("filter = %v", f)
	}
	dn := e.Must(200, e.Do("GET", "/api/v1/data-connections?dataName=connections&limit=1", nil))
	if len(simtest.List(dn, "connections")) != 1 {
		t.Errorf("dataName = %v", dn)
	}
}

func TestDataConnectionSeedErrors(t *testing.T) {
	cases := map[string]string{
		"data-connections.yaml":       "- {space: Nowhere, name: A, type: folder, connectStatement: x}\n",
		"automations.yaml":            "- {name: A, owner: ghost@example.com}\n",
		"automation-connections.yaml": "- {name: A}\n",
	}
	want := map[string]string{
		"data-connections.yaml":       `data-connections[0] ("A"): space "Nowhere" is not in spaces.yaml`,
		"automations.yaml":            `automations[0] ("A"): owner "ghost@example.com" is not a user`,
		"automation-connections.yaml": `automation-connections[0] ("A"): connector is required`,
	}
	for file, body := range cases {
		dir := t.TempDir()
		for _, f := range []string{"roles.yaml", "users.yaml", "groups.yaml", "spaces.yaml"} {
			data, err := os.ReadFile(filepath.Join(demoSeed, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		s := sim.New(core.Options{})
		err := s.LoadSeed(dir)
		if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), want[file]) {
			t.Errorf("%s: err = %v", file, err)
		}
		if len(core.Spaces.In(s.St)) != 0 {
			t.Errorf("%s: a failed seed changed the tenant", file)
		}
	}
	// Unknown fields are refused too.
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "data-connections.yaml"), []byte("- {name: A, type: folder, connectStatement: x, pasword: y}\n"), 0o644)
	if err := sim.New(core.Options{}).LoadSeed(dir); err == nil || !strings.Contains(err.Error(), "data-connections.yaml") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestDemoSeedConnections(t *testing.T) {
	e := seededConnEnv(t)
	r := e.Do("GET", "/api/v1/data-connections", nil)
	l := e.Must(200, r)
	if len(simtest.List(l, "data")) != 3 {
		t.Fatalf("seeded connections = %s", r.Raw)
	}
	simtest.NoSecrets(t, "seeded list", r.Raw, "FAKE-crm-api-token-0000", `"qPassword"`, `"qUsername"`)
	for _, d := range simtest.List(l, "data") {
		m := d.(map[string]any)
		sec := e.Must(200, e.Do("GET", "/_sim/data-connections/"+simtest.Str(m["qID"])+"/secrets", nil))
		g := e.Must(200, e.Do("GET", simtest.Str(m["links"].(map[string]any)["self"].(map[string]any)["href"]), nil))
		switch m["qName"] {
		case "Finance Snowflake":
			if sec["qPassword"] != "FAKE-not-a-real-password-1" || sec["qUsername"] != "svc_finance" {
				t.Errorf("snowflake secrets = %v", sec)
			}
		case "CRM REST API":
			if g["qConnectionSecret"] != "FAKE-crm-api-token-0000" {
				t.Errorf("REST GET = %v", g)
			}
		case "Raw Landing Files":
			if g["qConnectionSecret"] != nil || sec["qPassword"] != "" {
				t.Errorf("folder = %v %v", g, sec)
			}
		}
	}
	// State round trip keeps the secrets.
	path := filepath.Join(t.TempDir(), "state.json")
	if err := e.S.SaveState(path); err != nil {
		t.Fatal(err)
	}
	s2 := sim.New(core.Options{})
	if err := s2.LoadState(path); err != nil {
		t.Fatal(err)
	}
	for _, c := range dataconnections.DataConnections.In(s2.St) {
		if c.Name == "Finance Snowflake" && c.Password != "FAKE-not-a-real-password-1" {
			t.Errorf("state lost the password: %+v", c)
		}
	}
	if len(automations.Automations.In(s2.St)) != 3 || len(automations.AutomationConnections.In(s2.St)) != 2 {
		t.Errorf("state automations=%d connections=%d", len(automations.Automations.In(s2.St)), len(automations.AutomationConnections.In(s2.St)))
	}
}
