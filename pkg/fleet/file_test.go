package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFleet(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadResolvesReposAndCredentials(t *testing.T) {
	p := writeFleet(t, `tenants:
  - name: acme
    url: https://acme.eu.qlikcloud.com
    repo: backups/acme
    apiKeyEnv: ACME_QLIK_API_KEY
  - name: globex
    url: https://globex.us.qlikcloud.com
    repo: /srv/globex
    clientIdEnv: GLOBEX_ID
    clientSecretEnv: GLOBEX_SECRET
`)
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tenants) != 2 {
		t.Fatalf("%d tenants", len(f.Tenants))
	}
	a, g := f.Tenants[0], f.Tenants[1]
	if want := filepath.Join(filepath.Dir(p), "backups", "acme"); a.Repo != want {
		t.Errorf("acme repo %s, want %s (relative to the file)", a.Repo, want)
	}
	if g.Repo != "/srv/globex" || g.ClientIDEnv != "GLOBEX_ID" || g.ClientSecretEnv != "GLOBEX_SECRET" || g.Line != 6 {
		t.Errorf("globex = %+v", g)
	}
	if a.credential() == g.credential() {
		t.Error("different variables share a credential budget")
	}
}

// TestLoadRefusesBadFiles: each problem is one error naming the file, the
// line and the field.
func TestLoadRefusesBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"empty", "", ":1: field tenants: missing"},
		{"not yaml", "tenants:\n  - name: a\n\tbad: 1\n", ":2: found a tab character"},
		{"unknown top", "tenant:\n  - name: a\n", ":1: field tenant: unknown setting"},
		{"no list", "tenants: {}\n", ":1: field tenants: want a list"},
		{"unknown field", "tenants:\n  - name: a\n    url: https://a.example\n    repo: a\n    apiKey: s3cret\n", ":5: field tenants[0].apiKey: unknown field"},
		{"missing url", "tenants:\n  - name: a\n    repo: a\n    apiKeyEnv: K\n", ":2: field tenants[0].url: missing"},
		{"both creds", "tenants:\n  - name: a\n    url: u\n    repo: a\n    apiKeyEnv: K\n    clientIdEnv: I\n", ":2: field tenants[0].apiKeyEnv: give apiKeyEnv or"},
		{"half oauth", "tenants:\n  - name: a\n    url: u\n    repo: a\n    clientIdEnv: I\n", ":2: field tenants[0].clientSecretEnv: OAuth needs both"},
		{"no creds", "tenants:\n  - name: a\n    url: u\n    repo: a\n", ":2: field tenants[0].apiKeyEnv: missing"},
		{"secret instead of name", "tenants:\n  - name: a\n    url: u\n    repo: a\n    apiKeyEnv: eyJhbGciOi.x\n", ":2: field tenants[0].apiKeyEnv: \"eyJhbGciOi.x\" is not an environment variable name"},
		{"empty value", "tenants:\n  - name: a\n    url:\n    repo: a\n    apiKeyEnv: K\n", ":3: field tenants[0].url: want a non-empty string"},
		{"duplicate", "tenants:\n  - name: a\n    url: u\n    repo: a\n    apiKeyEnv: K\n  - name: a\n    url: v\n    repo: b\n    apiKeyEnv: K\n", ":6: field tenants[1].name: \"a\" is already the name of the tenant on line 2"},
		{"slash in name", "tenants:\n  - name: a/b\n    url: u\n    repo: a\n    apiKeyEnv: K\n", ":2: field tenants[0].name:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFleet(t, tc.body)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, p+":") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with %s and containing %q", msg, p, tc.want)
			}
		})
	}
}
