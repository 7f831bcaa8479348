package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Tenant is one entry of fleet.yaml.
type Tenant struct {
	Name string
	URL  string
	// Repo is the tenant's Git repo, absolute (fleet.yaml gives it relative
	// to the file).
	Repo string
	// The names of the environment variables holding the credentials: an
	// API key, or an OAuth client id and secret. Never the secrets: a fleet
	// file is committed and shared.
	APIKeyEnv       string
	ClientIDEnv     string
	ClientSecretEnv string
	// Line is where the entry starts in the file, and Source "FILE:LINE",
	// for errors.
	Line   int
	Source string
}

// credential names the budget a tenant draws on: tenants reached with the
// same variables share one.
func (t Tenant) credential() string {
	if t.APIKeyEnv != "" {
		return "key:" + t.APIKeyEnv
	}
	return "oauth:" + t.ClientIDEnv + "/" + t.ClientSecretEnv
}

// Fleet is a parsed fleet.yaml.
type Fleet struct {
	Path    string
	Tenants []Tenant
}

// fields are the keys a tenant entry may have, in the order errors list them.
var fields = []string{"name", "url", "repo", "apiKeyEnv", "clientIdEnv", "clientSecretEnv"}

// Load reads and validates a fleet file. Any problem is one error naming
// the file, the line and the field; nothing runs on a bad file.
func Load(path string) (*Fleet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	f, err := parse(data, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	f.Path = path
	for i := range f.Tenants {
		f.Tenants[i].Source = fmt.Sprintf("%s:%d", path, f.Tenants[i].Line)
	}
	return f, nil
}

// lineError is "LINE: field F: problem", which Load prefixes with the path.
func lineError(n *yaml.Node, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = "field " + field + ": " + msg
	}
	return fmt.Errorf("%d: %s", n.Line, msg)
}

func parse(data []byte, dir string) (*Fleet, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("1: field tenants: missing (the file is empty)")
		}
		return nil, errors.New(yamlProblem(err))
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, lineError(root, "", "want a mapping with tenants:")
	}
	var list *yaml.Node
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "tenants" {
			return nil, lineError(k, k.Value, "unknown setting (known: tenants)")
		}
		list = v
	}
	if list == nil {
		return nil, lineError(root, "tenants", "missing")
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, lineError(list, "tenants", "want a list of at least one tenant")
	}
	f := &Fleet{}
	seen := map[string]int{}
	for i, item := range list.Content {
		t, err := parseTenant(item, i, dir)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[t.Name]; dup {
			return nil, lineError(item, fmt.Sprintf("tenants[%d].name", i), "%q is already the name of the tenant on line %d", t.Name, prev)
		}
		seen[t.Name] = t.Line
		f.Tenants = append(f.Tenants, t)
	}
	return f, nil
}

func parseTenant(item *yaml.Node, i int, dir string) (Tenant, error) {
	at := func(f string) string { return fmt.Sprintf("tenants[%d].%s", i, f) }
	if item.Kind != yaml.MappingNode {
		return Tenant{}, lineError(item, fmt.Sprintf("tenants[%d]", i), "want a mapping with %s", strings.Join(fields, ", "))
	}
	t := Tenant{Line: item.Line}
	set := map[string]*string{"name": &t.Name, "url": &t.URL, "repo": &t.Repo, "apiKeyEnv": &t.APIKeyEnv,
		"clientIdEnv": &t.ClientIDEnv, "clientSecretEnv": &t.ClientSecretEnv}
	for j := 0; j < len(item.Content); j += 2 {
		k, v := item.Content[j], item.Content[j+1]
		dst, ok := set[k.Value]
		if !ok {
			return t, lineError(k, at(k.Value), "unknown field (known: %s)", strings.Join(fields, ", "))
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
			return t, lineError(v, at(k.Value), "want a non-empty string")
		}
		*dst = strings.TrimSpace(v.Value)
	}
	for _, f := range []string{"name", "url", "repo"} {
		if *set[f] == "" {
			return t, lineError(item, at(f), "missing")
		}
	}
	if strings.ContainsAny(t.Name, " \t/\\") {
		return t, lineError(item, at("name"), "%q: use letters, digits, - and _ (it names the tenant in logs and jobs)", t.Name)
	}
	switch {
	case t.APIKeyEnv != "" && (t.ClientIDEnv != "" || t.ClientSecretEnv != ""):
		return t, lineError(item, at("apiKeyEnv"), "give apiKeyEnv or clientIdEnv + clientSecretEnv, not both")
	case t.APIKeyEnv == "" && (t.ClientIDEnv == "") != (t.ClientSecretEnv == ""):
		return t, lineError(item, at("clientSecretEnv"), "OAuth needs both clientIdEnv and clientSecretEnv")
	case t.APIKeyEnv == "" && t.ClientIDEnv == "":
		return t, lineError(item, at("apiKeyEnv"), "missing: name the variable holding the API key (or clientIdEnv + clientSecretEnv)")
	}
	for _, f := range []string{"apiKeyEnv", "clientIdEnv", "clientSecretEnv"} {
		if v := *set[f]; v != "" && !isEnvName(v) {
			return t, lineError(item, at(f), "%q is not an environment variable name (the file names variables, never holds secrets)", v)
		}
	}
	if !filepath.IsAbs(t.Repo) {
		t.Repo = filepath.Join(dir, filepath.FromSlash(t.Repo))
	}
	return t, nil
}

func isEnvName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// yamlProblem keeps yaml's own "line N: ..." as "N: ...".
func yamlProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		return rest
	}
	return "1: " + msg
}

// Entry is a tenant as `qlikops fleet list` shows it.
type Entry struct {
	Name            string `json:"name"`
	URL             string `json:"url"`
	Repo            string `json:"repo"`
	APIKeyEnv       string `json:"apiKeyEnv,omitempty"`
	ClientIDEnv     string `json:"clientIdEnv,omitempty"`
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`
}

// CredentialEnv names the variables, e.g. "ACME_KEY" or "ID_VAR+SECRET_VAR".
func (e Entry) CredentialEnv() string {
	if e.APIKeyEnv != "" {
		return e.APIKeyEnv
	}
	return e.ClientIDEnv + "+" + e.ClientSecretEnv
}

// List gives the tenants with repos relative to the current folder when
// they are below it, as a CI job that checked out the fleet's repo sees them.
func List(f *Fleet) []Entry {
	wd, _ := os.Getwd()
	out := make([]Entry, 0, len(f.Tenants))
	for _, t := range f.Tenants {
		repo := t.Repo
		if rel, err := filepath.Rel(wd, repo); err == nil && !strings.HasPrefix(rel, "..") {
			repo = filepath.ToSlash(rel)
		}
		out = append(out, Entry{Name: t.Name, URL: t.URL, Repo: repo, APIKeyEnv: t.APIKeyEnv, ClientIDEnv: t.ClientIDEnv, ClientSecretEnv: t.ClientSecretEnv})
	}
	return out
}
