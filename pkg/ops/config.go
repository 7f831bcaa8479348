package ops

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/store"
)

// Config is the repo's qlikops.yaml. Flags and environment variables win
// over it; it supplies defaults, so a scheduled job needs no flags.
type Config struct {
	// Tenant is used when neither --tenant nor QLIK_TENANT_URL is set. It is
	// also the repo's tenant when TenantID is not recorded (an older repo).
	Tenant string `yaml:"tenant"`
	// TenantID is the id the tenant reported at the first export: the
	// identity every later command compares its target with.
	TenantID string `yaml:"tenantId"`
	// Kinds is the selection when --kinds is not given.
	Kinds []string `yaml:"kinds"`

	// Notify is where export, drift and apply post alerts (see pkg/notify).
	Notify NotifyConfig `yaml:"notify"`
	// Retention, when set, makes export tag each successful run as the
	// newest of its day, week and month, and tells qlikops prune what to keep
	// (see pkg/retention). Without it there are no tags and prune refuses.
	Retention *RetentionSetting `yaml:"retention"`
}

// NotifyConfig is the notify: block of qlikops.yaml; --notify,
// --notify-format and --notify-on override it. The URL is usually a secret
// and this file is committed, so url may name an environment variable
// instead: url: ${QLIKOPS_NOTIFY_URL}.
type NotifyConfig struct {
	URL    string   `yaml:"url"`
	Format string   `yaml:"format"` // json | slack | teams
	On     []string `yaml:"on"`     // success: also post when a run succeeded
}

// LoadConfig reads qlikops.yaml from the repo's working tree. A missing file
// is an empty Config; a malformed one is an error naming the file and line.
func LoadConfig(repoDir string) (Config, error) {
	var c Config
	p := filepath.Join(repoDir, ConfigPath)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	c, err = decodeConfig(data)
	if err != nil {
		return c, fmt.Errorf("%s: %w", p, err)
	}
	return c, nil
}

// knownSettings lists qlikops.yaml's top-level keys, read from Config's
// tags so a new setting cannot be left out of the error message.
func knownSettings() []string {
	t := reflect.TypeOf(Config{})
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// configProblem turns yaml.v3's multi-line type error into one line:
// "line 2: unknown setting colour (known: tenant, tenantId, kinds, notify)".
func configProblem(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msg := te.Errors[0]
	if line, field, ok := strings.Cut(msg, ": field "); ok {
		name, _, _ := strings.Cut(field, " not found")
		return fmt.Sprintf("%s: unknown setting %q (known: %s)", line, name, strings.Join(knownSettings(), ", "))
	}
	return msg
}

// Recorded is the tenant this config says the repo belongs to.
func (c Config) Recorded() Identity {
	return Identity{URL: c.Tenant, ID: c.TenantID}
}

// decodeConfig parses a qlikops.yaml body the way LoadConfig does.
func decodeConfig(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, errors.New(configProblem(err))
	}
	return c, nil
}

// withTenantID adds the tenant id to the user's qlikops.yaml by inserting
// one line, after the tenant line when there is one, so that every comment
// and setting stays as the user wrote it. An empty tenantId line is filled
// in place. added is false when the file already records an id. The result
// is parsed again: a layout this edit cannot handle (a flow mapping) is an
// error that asks the user to add the line, never a broken file.
func withTenantID(data []byte, id string) (out []byte, added bool, err error) {
	before, err := decodeConfig(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %s", ConfigPath, err)
	}
	if before.TenantID != "" {
		return data, false, nil
	}
	line := "tenantId: " + yamlScalar(id) + " # the tenant this repo belongs to (recorded by qlikops export)"
	lines := strings.SplitAfter(string(data), "\n")
	at, replace := len(lines), false
	for i, l := range lines {
		switch key, _, _ := strings.Cut(l, ":"); key {
		case "tenantId":
			at, replace = i, true
		case "tenant":
			if !replace {
				at = i + 1
			}
		}
	}
	if at == len(lines) && len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	if replace {
		lines[at] = line + "\n"
	} else {
		lines = append(lines[:at], append([]string{line + "\n"}, lines[at:]...)...)
	}
	out = []byte(strings.Join(lines, ""))
	after, err := decodeConfig(out)
	if err != nil || after.TenantID != id || after.Tenant != before.Tenant || !slices.Equal(after.Kinds, before.Kinds) {
		return nil, false, fmt.Errorf("%s: could not add the tenant id to this file's layout; add the line \"tenantId: %s\" yourself", ConfigPath, id)
	}
	return out, true, nil
}

// exportConfig is the qlikops.yaml an export commits. The file is the user's
// once it exists: export writes a whole one only for a repo that has none,
// and otherwise only adds the tenant id an older repo lacks (recorded tells).
// The id is recorded only for the repo's own tenant, never for another one
// exported with --allow-other-tenant.
func exportConfig(repo *store.Repo, env Env, hs []kinds.Handler) (data []byte, recorded bool, err error) {
	data, err = os.ReadFile(filepath.Join(repo.Dir(), ConfigPath))
	if errors.Is(err, fs.ErrNotExist) {
		id := env.Target
		if id.URL == "" {
			id.URL = hostOf(env.Client.TenantURL())
		}
		return configFile(id, hs), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if env.OtherTenant || env.Target.ID == "" {
		return data, false, nil
	}
	return withTenantID(data, env.Target.ID)
}

// yamlScalar writes s as a YAML scalar, quoted only when YAML needs it.
func yamlScalar(s string) string {
	q, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSpace(string(q))
}
