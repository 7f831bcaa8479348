package ops

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is the repo's qlikops.yaml. Flags and environment variables win
// over it; it supplies defaults, so a scheduled job needs no flags.
type Config struct {
	// Tenant is used when neither --tenant nor QLIK_TENANT_URL is set.
	Tenant string `yaml:"tenant"`
	// Kinds is the selection when --kinds is not given.
	Kinds []string `yaml:"kinds"`
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
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("%s: %s", p, configProblem(err))
	}
	return c, nil
}

// configProblem turns yaml.v3's multi-line type error into one line:
// "line 2: unknown setting colour (known: tenant, kinds)".
func configProblem(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msg := te.Errors[0]
	if line, field, ok := strings.Cut(msg, ": field "); ok {
		name, _, _ := strings.Cut(field, " not found")
		return fmt.Sprintf("%s: unknown setting %q (known: tenant, kinds)", line, name)
	}
	return msg
}
