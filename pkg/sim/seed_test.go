package sim

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const demoSeed = "../../examples/demo-tenant"

func TestLoaddemoSeed(t *testing.T) {
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	users := e.Must(200, e.Do("GET", "/api/v1/users?limit=100&totalResults=true", nil))
	if users["totalResults"] != 15.0 {
		t.Errorf("users = %v, want 15 (the built-in bot is dropped)", users["totalResults"])
	}
	groups := e.Must(200, e.Do("GET", "/api/v1/groups?totalResults=true", nil))
	if groups["totalResults"] != 5.0 {
		t.Errorf("groups = %v", groups["totalResults"])
	}
	spaces := e.Must(200, e.Do("GET", "/api/v1/spaces?limit=100", nil))
	if spaces["meta"].(map[string]any)["count"] != 6.0 {
		t.Errorf("spaces = %v", spaces["meta"])
	}
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	if me["email"] != "admin@example.com" {
		t.Errorf("caller = %v", me["email"])
	}
	jane := simtest.List(e.Must(200, e.Do("GET", `/api/v1/users?filter=email%20eq%20%22jane.doe@example.com%22`, nil)), "data")[0].(map[string]any)
	if len(simtest.List(jane, "assignedGroups")) != 2 {
		t.Errorf("jane's groups = %v", jane["assignedGroups"])
	}
	fin := simtest.List(e.Must(200, e.Do("GET", "/api/v1/spaces?name=Finance", nil)), "data")[0].(map[string]any)
	if fin["ownerId"] != jane["id"] || fin["createdBy"] != me["id"] {
		t.Errorf("Finance owner/createdBy = %v/%v", fin["ownerId"], fin["createdBy"])
	}
	as := e.Must(200, e.Do("GET", "/api/v1/spaces/"+simtest.Str(fin["id"])+"/assignments", nil))
	if as["meta"].(map[string]any)["count"] != 3.0 {
		t.Errorf("Finance members = %v", as["meta"])
	}
	// Creating a space now makes the admin its owner.
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "New", "type": "shared"}))
	if sp["ownerId"] != me["id"] {
		t.Errorf("ownerId = %v, want admin", sp["ownerId"])
	}
}

func TestSeedIDsDifferBetweenSimulators(t *testing.T) {
	a, b := New(core.Options{}), New(core.Options{})
	for _, s := range []*core.Server{a, b} {
		if err := s.LoadSeed(demoSeed); err != nil {
			t.Fatal(err)
		}
	}
	ua := core.UserByEmail(a.St, "admin@example.com")
	ub := core.UserByEmail(b.St, "admin@example.com")
	if ua.ID == ub.ID || a.St.TenantID == b.St.TenantID {
		t.Errorf("two simulators share ids: %s", ua.ID)
	}
	d1, d2 := New(core.Options{Deterministic: true}), New(core.Options{Deterministic: true})
	_ = d1.LoadSeed(demoSeed)
	_ = d2.LoadSeed(demoSeed)
	if core.UserByEmail(d1.St, "admin@example.com").ID != core.UserByEmail(d2.St, "admin@example.com").ID {
		t.Errorf("deterministic ids differ")
	}
}

func TestSeedPartialDir(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "users.yaml", "- subject: a\n  name: A\n  email: a@example.com\n")
	s := New(core.Options{})
	if err := s.LoadSeed(dir); err != nil {
		t.Fatal(err)
	}
	if core.UserByEmail(s.St, "a@example.com") == nil || core.UserBySubject(s.St, core.BotSubject) == nil {
		t.Errorf("seeded users wrong; without a TenantAdmin the bot stays the caller")
	}
}

func TestBadSeeds(t *testing.T) {
	cases := []struct {
		file, content, want string
	}{
		{"users.yaml", "- subject: a\n  email: a@example.com\n  roles: [Wizard]\n", `unknown role "Wizard"`},
		{"users.yaml", "- subject: a\n  email: a@example.com\n  groups: [Nope]\n", `unknown group "Nope"`},
		{"users.yaml", "- subject: a\n  email: a@example.com\n  colour: red\n", "colour"},
		{"users.yaml", "- subject: [oops\n", "users.yaml"},
		{"groups.yaml", "- name: G\n  providerType: ldap\n", "providerType"},
		{"groups.yaml", "- name: G\n- name: G\n", "duplicate group name"},
		{"spaces.yaml", "- name: S\n  type: personal\n", "type must be"},
		{"spaces.yaml", "- name: S\n  type: shared\n  members:\n    - user: nobody@example.com\n      roles: [consumer]\n", "nobody@example.com"},
		{"spaces.yaml", "- name: S\n  type: shared\n  members:\n    - group: Everyone\n      roles: [publisher]\n", `role "publisher" is not allowed`},
		{"spaces.yaml", "- name: S\n  type: shared\n  owner: ghost@example.com\n", "ghost@example.com"},
		{"spaces.yaml", "- name: S\n  type: shared\n- name: s\n  type: data\n", "duplicate space name"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		write(t, dir, c.file, c.content)
		s := New(core.Options{})
		before := len(core.Users.In(s.St)) + len(core.Groups.In(s.St)) + len(core.Spaces.In(s.St))
		err := s.LoadSeed(dir)
		if err == nil {
			t.Errorf("%s %q: no error", c.file, c.content)
			continue
		}
		if !strings.Contains(err.Error(), c.file) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name the file and %q", c.file, err, c.want)
		}
		if after := len(core.Users.In(s.St)) + len(core.Groups.In(s.St)) + len(core.Spaces.In(s.St)); after != before {
			t.Errorf("%s: failed seed changed the tenant", c.file)
		}
	}
	if err := New(core.Options{}).LoadSeed(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Errorf("missing dir: no error")
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStateRoundTrip(t *testing.T) {
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Extra", "type": "data"}))
	path := filepath.Join(t.TempDir(), "state.json")
	if err := e.S.SaveState(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	e2 := newEnv(t, core.Options{})
	if err := e2.S.LoadState(path); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/spaces?limit=100", "/api/v1/users?limit=100", "/api/v1/groups", "/api/v1/roles?limit=100"} {
		a := e.Must(200, e.Do("GET", p, nil))["data"]
		b := e2.Must(200, e2.Do("GET", p, nil))["data"]
		if !reflect.DeepEqual(stripHost(a, e.Ts.URL), stripHost(b, e2.Ts.URL)) {
			t.Errorf("%s differs after reload", p)
		}
	}
	if err := e2.S.LoadState(filepath.Join(t.TempDir(), "nope.json")); err == nil {
		t.Errorf("loading a missing state file: no error")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	write(t, filepath.Dir(bad), "bad.json", "{not json")
	if err := e2.S.LoadState(bad); err == nil {
		t.Errorf("loading a corrupt state file: no error")
	}
}

// stripHost replaces the base URL in every string so two servers compare equal.
func stripHost(v any, base string) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, base, "")
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = stripHost(x[i], base)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			out[k] = stripHost(val, base)
		}
		return out
	}
	return v
}
