package secrets

import (
	"fmt"
	"os"
	"sort"

	"sigs.k8s.io/yaml"
)

// Store supplies secret values at apply time. The zero value has no file
// and reads nothing from the environment.
type Store struct {
	values map[string]string
	getenv func(string) string
}

// NewStore builds a store from values (may be nil) and an environment
// lookup (os.Getenv in the CLI; nil for none).
func NewStore(values map[string]string, getenv func(string) string) *Store {
	return &Store{values: values, getenv: getenv}
}

// LoadFile reads a secrets file: a YAML mapping from placeholder name to
// value. A file that the group or others can read is refused unless
// allowReadable is set: it holds passwords.
func LoadFile(path string, allowReadable bool) (map[string]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("secrets file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && !allowReadable {
		return nil, fmt.Errorf("secrets file %s can be read by others (mode %04o): run chmod 600 %s, or pass --allow-readable-secrets", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	var values map[string]string
	if err := yaml.UnmarshalStrict(data, &values); err != nil {
		// The parser's message may quote a line of the file: keep only
		// where the problem is, never what it says.
		return nil, fmt.Errorf("secrets file %s: not a mapping of placeholder names to string values", path)
	}
	return values, nil
}

// Lookup returns the value of a secret: from the file first, then from the
// environment.
func (s *Store) Lookup(name string) (string, bool) {
	if s == nil {
		return "", false
	}
	if v, ok := s.values[name]; ok {
		return v, true
	}
	if s.getenv != nil {
		if v := s.getenv(EnvName(name)); v != "" {
			return v, true
		}
	}
	return "", false
}

// Expand replaces every placeholder in text with its value. missing names
// the placeholders it could not resolve; they are left in place.
func (s *Store) Expand(text string) (out string, missing []string) {
	out = placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		name := m[len(open) : len(m)-len(close)]
		if v, ok := s.Lookup(name); ok {
			return v
		}
		missing = append(missing, name)
		return m
	})
	sort.Strings(missing)
	return out, missing
}

// String never shows values, so a Store printed by mistake leaks nothing.
func (s *Store) String() string {
	if s == nil {
		return "secrets.Store(empty)"
	}
	return fmt.Sprintf("secrets.Store(%d values from file, environment: %v)", len(s.values), s.getenv != nil)
}

// GoString covers %#v.
func (s *Store) GoString() string { return s.String() }
