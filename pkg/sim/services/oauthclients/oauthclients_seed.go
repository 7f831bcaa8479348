package oauthclients

import (
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedClient is one entry of oauth-clients.yaml: the fields of a create
// request, plus owner (a user email; absent: the API-key caller) and
// secrets, the values a client that allows client_secret holds (absent: one
// generated). Seed secrets must be obviously fake.
type seedClient struct {
	clientInput
	Owner   string   `json:"owner,omitempty"`
	Secrets []string `json:"secrets,omitempty"`
}

func (s server) seedOAuthClients(st *core.State, dir string) error {
	path := filepath.Join(dir, "oauth-clients.yaml")
	var entries []seedClient
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := s.seedOAuthClient(st, e); err != nil {
			return fmt.Errorf("%s: oauth-clients[%d] (%q): %w", path, i, e.ClientName, err)
		}
	}
	return nil
}

func (s server) seedOAuthClient(st *core.State, e seedClient) error {
	c, pointer, msg := e.toClient()
	if msg != "" {
		return fmt.Errorf("%s: %s", pointer[1:], msg)
	}
	owner := core.CallerOf(st)
	if e.Owner != "" {
		var err error
		if owner, err = s.SeedOwner(st, e.Owner); err != nil {
			return err
		}
	}
	if len(e.Secrets) > 0 {
		if !allowsSecret(c) {
			return fmt.Errorf("secrets: the client does not allow the client_secret auth method")
		}
		if len(e.Secrets) > maxSecrets {
			return fmt.Errorf("secrets: at most %d are allowed", maxSecrets)
		}
		c.Secrets = []clientSecret{}
		for i, v := range e.Secrets {
			if len(v) < 8 || len(v) > 64 {
				return fmt.Errorf("secrets[%d]: a secret has 8 to 64 characters", i)
			}
			if _, ok := addSecretValue(c, v, owner.ID, s.Now()); !ok {
				return fmt.Errorf("secrets[%d]: its hint (last 4 characters) is another secret's", i)
			}
		}
	}
	s.insertClient(st, c, owner.ID)
	return nil
}
