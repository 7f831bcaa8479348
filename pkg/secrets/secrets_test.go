package secrets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlaceholderRoundTrip(t *testing.T) {
	name := Name("data-connections", "Finance", "Snow}flake/prod", "password")
	if name != "data-connections/Finance/Snow_flake_prod/password" {
		t.Fatalf("Name = %q", name)
	}
	p := Placeholder(name)
	if got, ok := Only(p); !ok || got != name {
		t.Errorf("Only(%q) = %q, %v", p, got, ok)
	}
	if _, ok := Only("x" + p); ok {
		t.Error("Only accepted text around the placeholder")
	}
	if got := EnvName(name); got != "QLIKOPS_SECRET_DATA_CONNECTIONS_FINANCE_SNOW_FLAKE_PROD_PASSWORD" {
		t.Errorf("EnvName = %q", got)
	}
	if got := Names("a ${secret:x} b ${secret:y} ${secret:x}"); !cmp.Equal(got, []string{"x", "y"}) {
		t.Errorf("Names = %v", got)
	}
}

func TestRedactKeyValuesFindsEveryCaseAndForm(t *testing.T) {
	stmt := `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;host=acme.snowflakecomputing.com;UID=svc;PWD={p;a}ss};Token=tok123;access_key=AK1;client_Secret='cs';warehouse=wh;"`
	got, found := RedactKeyValues(stmt, "data-connections/Finance/Snowflake/connectStatement")
	for _, secret := range []string{"p;a}ss", "tok123", "AK1"} {
		if strings.Contains(got, secret) {
			t.Errorf("secret %q survived: %s", secret, got)
		}
	}
	for _, kept := range []string{"UID=svc", "warehouse=wh", "host=acme.snowflakecomputing.com"} {
		if !strings.Contains(got, kept) {
			t.Errorf("lost %q: %s", kept, got)
		}
	}
	want := map[string]string{
		"data-connections/Finance/Snowflake/connectStatement/PWD":        "{p;a}",
		"data-connections/Finance/Snowflake/connectStatement/Token":      "tok123",
		"data-connections/Finance/Snowflake/connectStatement/access_key": "AK1",
	}
	for k, v := range want {
		if found[k] != v {
			t.Errorf("found[%s] = %q, want %q (all: %v)", k, found[k], v, found)
		}
	}
	// Expanding with the found values gives the statement back, except for
	// values the regexp could not delimit exactly.
	s := NewStore(found, nil)
	back, missing := s.Expand(got)
	if len(missing) > 0 {
		t.Fatalf("missing %v", missing)
	}
	if again, _ := RedactKeyValues(back, "data-connections/Finance/Snowflake/connectStatement"); again != got {
		t.Errorf("redaction is not stable:\n%s\n%s", again, got)
	}
}

func TestStoreFileThenEnvironment(t *testing.T) {
	env := map[string]string{EnvName("a/b"): "from-env", EnvName("c"): "env-c"}
	s := NewStore(map[string]string{"a/b": "from-file"}, func(k string) string { return env[k] })
	if v, _ := s.Lookup("a/b"); v != "from-file" {
		t.Errorf("file must win: %q", v)
	}
	if v, _ := s.Lookup("c"); v != "env-c" {
		t.Errorf("env: %q", v)
	}
	out, missing := s.Expand("x=${secret:c};y=${secret:zz}")
	if out != "x=env-c;y=${secret:zz}" || !cmp.Equal(missing, []string{"zz"}) {
		t.Errorf("Expand = %q %v", out, missing)
	}
	if strings.Contains(s.String(), "from-file") {
		t.Error("String leaks a value")
	}
}

func TestLoadFileRefusesReadableFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "secrets.yaml")
	if err := os.WriteFile(p, []byte("data-connections/Finance/Snowflake/password: hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(p, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("readable file: err = %v", err)
	}
	if v, err := LoadFile(p, true); err != nil || v["data-connections/Finance/Snowflake/password"] != "hunter2" {
		t.Errorf("forced: %v %v", v, err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(p, false); err != nil {
		t.Errorf("0600: %v", err)
	}
	if err := os.WriteFile(p, []byte("- hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(p, false); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad file: err = %v (must not quote the file)", err)
	}
}
