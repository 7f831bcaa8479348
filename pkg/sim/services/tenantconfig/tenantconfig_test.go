package tenantconfig_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func replace(path string, v any) map[string]any {
	return map[string]any{"op": "replace", "path": path, "value": v}
}

// Every singleton reads as seeded, and a write changes exactly the fields
// it names, answering with the documented status.
func TestSettingsReadAndWrite(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	me := e.Must(200, e.Do("GET", "/api/v1/tenants/me", nil)) // the 302 is followed
	id := simtest.Str(me["id"])
	if me["name"] != "Demo Corp Analytics" || id == "" {
		t.Fatalf("tenant = %v", me)
	}
	e.Must(204, e.Do("PATCH", "/api/v1/tenants/"+id, []any{replace("/name", "N"), replace("/hostnames/1", "b.example")}))
	got := e.Must(200, e.Do("GET", "/api/v1/tenants/"+id, nil))
	if got["name"] != "N" || simtest.List(got, "hostnames")[1] != "b.example" || simtest.List(got, "hostnames")[0] != "qliksim.us.qlikcloud.com" {
		t.Errorf("after PATCH: %v", got)
	}

	for _, c := range []struct {
		path, field string
		value       any
		status      int
	}{
		{"/api/v1/tenant-settings", "releaseCadence", "continuous", 200},
		{"/api/core/auth-settings", "maxUserSessionLifespanMinutes", 120.0, 200},
		{"/api/v1/api-keys/configs/" + id, "max_keys_per_user", 9.0, 204},
		{"/api/v1/groups/settings", "syncIdpGroups", true, 204},
		{"/api/v1/items/settings", "usageMetricsEnabled", true, 200},
		{"/api/v1/sharing-tasks/settings", "enable-sharing", false, 204},
	} {
		before := e.Must(200, e.Do("GET", c.path, nil))
		e.Must(c.status, e.Do("PATCH", c.path, []any{replace("/"+c.field, c.value)}))
		after := e.Must(200, e.Do("GET", c.path, nil))
		if after[c.field] != c.value {
			t.Errorf("%s: %s = %v after PATCH, want %v", c.path, c.field, after[c.field], c.value)
		}
		for k, v := range before {
			if k != c.field && k != "updatedAt" && k != "updatedBy" && k != "isDefault" && !reflect.DeepEqual(v, after[k]) {
				t.Errorf("%s: %s changed from %v to %v", c.path, k, v, after[k])
			}
		}
	}
	put := e.Must(200, e.Do("PUT", "/api/v1/licenses/settings", map[string]any{"autoAssignAnalyzer": false, "autoAssignProfessional": true}))
	if put["autoAssignAnalyzer"] != false || put["autoAssignProfessional"] != true {
		t.Errorf("licence settings after PUT: %v", put)
	}
	if st := e.S.Stats(); st.Writes != 8 {
		t.Errorf("writes = %d, want 8", st.Writes)
	}
}

// A write naming a read-only or unknown path, an op other than replace or a
// bad value is refused with 400 naming it, and nothing of it is applied.
func TestReadOnlyFieldsAreRefusedAllOrNothing(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	id := simtest.Str(e.Must(200, e.Do("GET", "/api/v1/tenants/me", nil))["id"])
	for _, c := range []struct {
		method, path string
		body         any
		pointer      string
	}{
		{"PATCH", "/api/v1/tenants/" + id, []any{replace("/name", "ok"), replace("/hostnames/0", "x")}, "/1/path"},
		{"PATCH", "/api/v1/tenants/" + id, []any{replace("/region", "eu")}, "/0/path"},
		{"PATCH", "/api/core/auth-settings", []any{replace("/userSessionInactivityTimeoutMinutes", 5.0), replace("/maxUserSessionLifespanMinutes", 61.0)}, "/1/value"},
		{"PATCH", "/api/core/auth-settings", []any{map[string]any{"op": "remove", "path": "/dynamicClientRegistrationEnabled", "value": true}}, "/0/op"},
		{"PATCH", "/api/v1/api-keys/configs/" + id, []any{replace("/max_keys_per_user", 1001.0)}, "/0/value"},
		{"PATCH", "/api/v1/sharing-tasks/settings", []any{replace("/maxRecipients", 1.0)}, "/0/path"},
		{"PUT", "/api/v1/licenses/settings", map[string]any{"autoAssignAnalyzer": "yes"}, "/0/value"},
	} {
		before := e.Must(200, e.Do("GET", strings.Replace(c.path, "/api/v1/tenants/"+id, "/api/v1/tenants/me", 1), nil))
		r := e.Do(c.method, c.path, c.body)
		if r.Status != 400 {
			t.Errorf("%s %s: %d, want 400: %s", c.method, c.path, r.Status, r.Raw)
			continue
		}
		if !strings.Contains(string(r.Raw), c.pointer) && !strings.Contains(string(r.Raw), "cannot be changed") && !strings.Contains(string(r.Raw), "must") && !strings.Contains(string(r.Raw), "not supported") {
			t.Errorf("%s %s: the refusal does not say why: %s", c.method, c.path, r.Raw)
		}
		after := e.Must(200, e.Do("GET", strings.Replace(c.path, "/api/v1/tenants/"+id, "/api/v1/tenants/me", 1), nil))
		for k, v := range before {
			if !reflect.DeepEqual(v, after[k]) {
				t.Errorf("%s %s was refused but changed %s from %v to %v", c.method, c.path, k, v, after[k])
			}
		}
	}
	if e.Do("GET", "/api/v1/api-keys/configs/someone-else", nil).Status != 404 {
		t.Error("another tenant's API-key configuration is not 404")
	}
}

// A seed naming an unknown setting, a read-only field or a bad value is an
// error naming the file.
func TestSeedErrors(t *testing.T) {
	for name, body := range map[string]string{
		"unknown setting": "tenant-stuff:\n  x: 1\n",
		"read-only field": "sharing-settings:\n  maxRecipients: 3\n",
		"bad value":       "auth-settings:\n  maxUserSessionLifespanMinutes: 61\n",
		"own hostname":    "tenant:\n  hostnames: [other.example, alias.example]\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "tenant-config.yaml"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		err := sim.New(sim.Options{}).LoadSeed(dir)
		if err == nil || !strings.Contains(err.Error(), "tenant-config.yaml") {
			t.Errorf("%s: LoadSeed = %v, want an error naming tenant-config.yaml", name, err)
		}
	}
}
