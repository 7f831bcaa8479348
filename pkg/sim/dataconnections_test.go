package sim

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seededConnEnv loads the demo tenant.
func seededConnEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, Options{})
	if err := e.s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) spaceID(name string) string {
	e.t.Helper()
	for _, d := range list(e.must(200, e.do("GET", "/api/v1/spaces?limit=100", nil)), "data") {
		if m := d.(map[string]any); m["name"] == name {
			return str(m["id"])
		}
	}
	e.t.Fatalf("no space %q", name)
	return ""
}

// noSecrets fails when raw contains any of the secrets.
func noSecrets(t *testing.T, what string, raw []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			t.Errorf("%s leaks secret %q: %s", what, s, raw)
		}
	}
}

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
	fin := e.spaceID("Finance")
	r := e.do("POST", "/api/v1/data-connections", dcBody("DC One", fin))
	c := e.must(201, r)
	noSecrets(t, "create", r.raw, "pw-secret-1", "conn-secret-1", `"qUsername"`)
	id := str(c["qID"])
	if !isUUID(id) || c["qEngineObjectID"] != id || c["qLogOn"] != "0" || c["space"] != fin {
		t.Fatalf("create = %v", c)
	}
	// GET one returns qConnectionSecret and the connect statement as stored.
	r = e.do("GET", "/api/v1/data-connections/"+id, nil)
	g := e.must(200, r)
	noSecrets(t, "get", r.raw, "pw-secret-1", `"qUsername"`, `"qPassword"`)
	if g["qConnectionSecret"] != "conn-secret-1" || !strings.Contains(str(g["qConnectStatement"]), "PWD=inline-secret") ||
		g["qLogOn"] != 0.0 || g["tenant"] == "" || g["datasourceID"] != "snowflake" {
		t.Errorf("get = %v", g)
	}
	// By name.
	byName := e.must(200, e.do("GET", "/api/v1/data-connections/"+url.PathEscape("DC One")+"?type=connectionname&spaceId="+fin, nil))
	if byName["qID"] != id {
		t.Errorf("by name = %v", byName)
	}
	e.must(404, e.do("GET", "/api/v1/data-connections/Nope?type=connectionname&spaceId="+fin, nil))
	// The list never carries qConnectionSecret or qPassword.
	r = e.do("GET", "/api/v1/data-connections?spaceId="+fin, nil)
	l := e.must(200, r)
	noSecrets(t, "list", r.raw, "pw-secret-1", "conn-secret-1", "FAKE-not-a-real-password-1\"", `"qConnectionSecret"`, `"qPassword"`)
	if len(list(l, "data")) != 2 || l["meta"].(map[string]any)["count"] != 2.0 {
		t.Errorf("list in Finance = %s", r.raw)
	}

	// 409 on the same name in the same space (case-insensitive); fine elsewhere.
	e.must(409, e.do("POST", "/api/v1/data-connections", dcBody("dc one", fin)))
	other := e.must(201, e.do("POST", "/api/v1/data-connections", dcBody("DC One", e.spaceID("Executive Dashboards"))))
	e.must(201, e.do("POST", "/api/v1/data-connections", dcBody("DC One", "")))
	// 400 on missing fields, 403 on an unknown space.
	for _, f := range []string{"qName", "qType", "qConnectStatement", "datasourceID"} {
		b := dcBody("X", fin)
		delete(b, f)
		er := e.must(400, e.do("POST", "/api/v1/data-connections", b))
		fe := firstError(t, er)
		if fe["status"] != 400.0 || er["traceId"] != nil || !strings.HasPrefix(str(fe["code"]), "DCERROR-") {
			t.Errorf("400 body = %v", er)
		}
	}
	e.must(403, e.do("POST", "/api/v1/data-connections", dcBody("X", "000000000000000000000999")))

	// PUT without qPassword keeps it; qConnectionSecret "" clears it.
	put := map[string]any{"qID": id, "qEngineObjectID": id, "qName": "DC One Renamed", "qType": "QvOdbcConnectorPackage.exe",
		"qConnectStatement": "CUSTOM CONNECT TO \"x\"", "qConnectionSecret": ""}
	e.must(204, e.do("PUT", "/api/v1/data-connections/"+id, put))
	sec := e.must(200, e.do("GET", "/_sim/data-connections/"+id+"/secrets", nil))
	if sec["qPassword"] != "pw-secret-1" || sec["qConnectionSecret"] != "" || sec["qUsername"] != "svc" {
		t.Errorf("secrets after PUT = %v", sec)
	}
	g = e.must(200, e.do("GET", "/api/v1/data-connections/"+id, nil))
	if g["qName"] != "DC One Renamed" || g["qConnectionSecret"] != nil || g["space"] != fin {
		t.Errorf("after PUT = %v", g)
	}
	// PUT omitting qConnectionSecret keeps it; with qPassword replaces.
	e.must(204, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{
		{"op": "replace", "path": "/qConnectionSecret", "value": "s2"}}))
	put["qPassword"] = "pw-2"
	delete(put, "qConnectionSecret")
	e.must(204, e.do("PUT", "/api/v1/data-connections/"+id, put))
	sec = e.must(200, e.do("GET", "/_sim/data-connections/"+id+"/secrets", nil))
	if sec["qPassword"] != "pw-2" || sec["qConnectionSecret"] != "s2" {
		t.Errorf("secrets after 2nd PUT = %v", sec)
	}
	// PUT errors: 400 missing qID, 400 id mismatch, 409 name clash, 404 unknown.
	bad := map[string]any{"qName": "n", "qType": "t", "qConnectStatement": "c"}
	e.must(400, e.do("PUT", "/api/v1/data-connections/"+id, bad))
	bad["qID"], bad["qEngineObjectID"] = str(other["qID"]), str(other["qID"])
	e.must(400, e.do("PUT", "/api/v1/data-connections/"+id, bad))
	e.must(201, e.do("POST", "/api/v1/data-connections", dcBody("Taken", fin)))
	put["qName"] = "Taken"
	e.must(409, e.do("PUT", "/api/v1/data-connections/"+id, put))
	unknown := "11111111-2222-4333-8444-555555555555"
	put["qID"], put["qEngineObjectID"] = unknown, unknown
	e.must(404, e.do("PUT", "/api/v1/data-connections/"+unknown, put))
	e.must(400, e.do("GET", "/api/v1/data-connections/not-a-uuid", nil))

	// PATCH add/replace/remove; 400 on bad op, path, type; 409 on name clash.
	e.must(204, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{
		{"op": "replace", "path": "/qName", "value": "Patched"},
		{"op": "add", "path": "/tags", "value": []string{"x", "y"}},
		{"op": "remove", "path": "/qPassword"},
		{"op": "replace", "path": "/qLogOn", "value": "LOG_ON_CURRENT_USER"},
	}))
	g = e.must(200, e.do("GET", "/api/v1/data-connections/"+id, nil))
	if g["qName"] != "Patched" || len(list(g, "tags")) != 2 || g["qLogOn"] != 1.0 {
		t.Errorf("after PATCH = %v", g)
	}
	if sec = e.must(200, e.do("GET", "/_sim/data-connections/"+id+"/secrets", nil)); sec["qPassword"] != "" {
		t.Errorf("remove /qPassword: %v", sec)
	}
	e.must(400, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "move", "path": "/qName", "value": "x"}}))
	e.must(400, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qID", "value": "x"}}))
	e.must(400, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qName", "value": 3}}))
	e.must(400, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "remove", "path": "/qName"}}))
	e.must(409, e.do("PATCH", "/api/v1/data-connections/"+id, []map[string]any{{"op": "replace", "path": "/qName", "value": "Taken"}}))

	// 412: a space holding a connection cannot be deleted; after the delete it can.
	ex := e.spaceID("Executive Dashboards")
	sp := e.must(201, e.do("POST", "/api/v1/spaces", map[string]any{"name": "Conn Space", "type": "shared"}))
	c2 := e.must(201, e.do("POST", "/api/v1/data-connections", dcBody("In Space", str(sp["id"]))))
	e.must(412, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/data-connections/In%20Space?type=connectionname&spaceId="+str(sp["id"]), nil))
	e.must(404, e.do("GET", "/api/v1/data-connections/"+str(c2["qID"]), nil))
	e.must(204, e.do("DELETE", "/api/v1/spaces/"+str(sp["id"]), nil))
	_ = ex

	e.must(204, e.do("DELETE", "/api/v1/data-connections/"+id, nil))
	e.must(404, e.do("DELETE", "/api/v1/data-connections/"+id, nil))
	if r := e.do("GET", "/_sim/data-connections/"+id+"/secrets", nil); r.status != 404 {
		t.Errorf("secrets of a deleted connection: %d", r.status)
	}
}

func TestDataConnectionsPaging(t *testing.T) {
	e := newEnv(t, Options{})
	for i := 0; i < 7; i++ {
		e.must(201, e.do("POST", "/api/v1/data-connections", dcBody("conn-"+string(rune('g'-i)), "")))
	}
	// No limit: everything, no next link.
	all := e.must(200, e.do("GET", "/api/v1/data-connections", nil))
	if len(list(all, "data")) != 7 || all["links"].(map[string]any)["next"] != nil {
		t.Fatalf("unlimited list = %v", all)
	}
	var names []string
	l := e.must(200, e.do("GET", "/api/v1/data-connections?limit=3&sort=-qName", nil))
	pages := 1
	for {
		if l["meta"].(map[string]any)["count"] != 7.0 {
			t.Errorf("meta.count = %v", l["meta"])
		}
		for _, d := range list(l, "data") {
			names = append(names, str(d.(map[string]any)["qName"]))
		}
		next, _ := l["links"].(map[string]any)["next"].(map[string]any)
		if next == nil {
			break
		}
		u, _ := url.Parse(str(next["href"]))
		if u.Query().Get("page") == "" || u.Query().Get("limit") != "3" {
			t.Fatalf("next href = %v", next["href"])
		}
		l = e.must(200, e.do("GET", str(next["href"]), nil))
		pages++
		if pages == 2 {
			prev := l["links"].(map[string]any)["prev"].(map[string]any)
			back := e.must(200, e.do("GET", str(prev["href"]), nil))
			if str(list(back, "data")[0].(map[string]any)["qName"]) != "conn-g" {
				t.Errorf("prev page = %v", back)
			}
		}
	}
	if pages != 3 || strings.Join(names, ",") != "conn-g,conn-f,conn-e,conn-d,conn-c,conn-b,conn-a" {
		t.Errorf("pages=%d names=%v", pages, names)
	}
	e.must(400, e.do("GET", "/api/v1/data-connections?limit=101", nil))
	e.must(400, e.do("GET", "/api/v1/data-connections?limit=0", nil))
	e.must(400, e.do("GET", "/api/v1/data-connections?page=zzz", nil))
	e.must(400, e.do("GET", "/api/v1/data-connections?sort=+qType", nil))
	f := e.must(200, e.do("GET", "/api/v1/data-connections?filter="+url.QueryEscape(`qName eq "conn-a" or qName sw "CONN-B"`), nil))
	if len(list(f, "data")) != 2 {
		t.Errorf("filter = %v", f)
	}
	dn := e.must(200, e.do("GET", "/api/v1/data-connections?dataName=connections&limit=1", nil))
	if len(list(dn, "connections")) != 1 {
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
		for _, f := range []string{"users.yaml", "groups.yaml", "spaces.yaml"} {
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
		s := New(Options{})
		err := s.LoadSeed(dir)
		if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), want[file]) {
			t.Errorf("%s: err = %v", file, err)
		}
		if len(Spaces.In(s.st)) != 0 {
			t.Errorf("%s: a failed seed changed the tenant", file)
		}
	}
	// Unknown fields are refused too.
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "data-connections.yaml"), []byte("- {name: A, type: folder, connectStatement: x, pasword: y}\n"), 0o644)
	if err := New(Options{}).LoadSeed(dir); err == nil || !strings.Contains(err.Error(), "data-connections.yaml") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestDemoSeedConnections(t *testing.T) {
	e := seededConnEnv(t)
	r := e.do("GET", "/api/v1/data-connections", nil)
	l := e.must(200, r)
	if len(list(l, "data")) != 3 {
		t.Fatalf("seeded connections = %s", r.raw)
	}
	noSecrets(t, "seeded list", r.raw, "FAKE-crm-api-token-0000", `"qPassword"`, `"qUsername"`)
	for _, d := range list(l, "data") {
		m := d.(map[string]any)
		sec := e.must(200, e.do("GET", "/_sim/data-connections/"+str(m["qID"])+"/secrets", nil))
		g := e.must(200, e.do("GET", str(m["links"].(map[string]any)["self"].(map[string]any)["href"]), nil))
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
	if err := e.s.SaveState(path); err != nil {
		t.Fatal(err)
	}
	s2 := New(Options{})
	if err := s2.LoadState(path); err != nil {
		t.Fatal(err)
	}
	for _, c := range DataConnections.In(s2.st) {
		if c.Name == "Finance Snowflake" && c.Password != "FAKE-not-a-real-password-1" {
			t.Errorf("state lost the password: %+v", c)
		}
	}
	if len(Automations.In(s2.st)) != 3 || len(AutomationConnections.In(s2.st)) != 2 {
		t.Errorf("state automations=%d connections=%d", len(Automations.In(s2.st)), len(AutomationConnections.In(s2.st)))
	}
}
