package ops

import (
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
)

// EnvOptions is what NewEnv needs: the repo, the kind selection, and how to
// reach the tenant. The CLI builds one from flags and the environment; a
// fleet builds one per tenant from fleet.yaml.
type EnvOptions struct {
	RepoDir  string
	Registry *kinds.Registry
	Include  []string // nil = kinds: in qlikops.yaml, else all
	Exclude  []string
	Version  string
	// CheckConfig, if set, vets the repo's qlikops.yaml before any client
	// is built, so a bad setting is reported before a missing credential.
	CheckConfig func(Config) error
	// Qlik reaches the tenant; nil for commands that only read Git. An empty
	// TenantURL falls back to tenant: in qlikops.yaml.
	Qlik *qlik.Config
	// Warn is told what the user must know that is not an error (Env.Warn).
	Warn func(msg string)
}

// NewEnv reads the repo's qlikops.yaml and builds the Env a command runs
// with. It returns the config too: the caller checks the tenant against the
// one it records.
func NewEnv(o EnvOptions) (Env, Config, error) {
	repoCfg, err := LoadConfig(o.RepoDir)
	if err != nil {
		return Env{}, repoCfg, err
	}
	env := Env{RepoDir: o.RepoDir, Registry: o.Registry, Include: o.Include, Exclude: o.Exclude, Version: o.Version, Warn: o.Warn}
	if len(env.Include) == 0 {
		env.Include = repoCfg.Kinds
	}
	if o.CheckConfig != nil {
		if err := o.CheckConfig(repoCfg); err != nil {
			return env, repoCfg, err
		}
	}
	if o.Qlik == nil {
		return env, repoCfg, nil
	}
	cfg := *o.Qlik
	if cfg.TenantURL == "" {
		cfg.TenantURL = repoCfg.Tenant
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "qlikops/" + o.Version
	}
	c, err := qlik.New(cfg)
	if err != nil {
		return env, repoCfg, err
	}
	env.Client = c
	return env, repoCfg, nil
}
