package oauthclients

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Client secrets, publishing and the connection config of a client.

// addSecret gives c a new secret of 64 random hex digits whose hint, its
// last 4 digits, is unique among c's secrets.
func addSecret(c *oauthClient, by string, now time.Time) clientSecret {
	for {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		if sec, ok := addSecretValue(c, hex.EncodeToString(b), by, now); ok {
			return sec
		}
	}
}

// addSecretValue gives c the secret value unless its hint is taken.
func addSecretValue(c *oauthClient, value, by string, now time.Time) (clientSecret, bool) {
	hint := value[max(0, len(value)-4):]
	if slices.ContainsFunc(c.Secrets, func(s clientSecret) bool { return s.Hint == hint }) {
		return clientSecret{}, false
	}
	sec := clientSecret{Hint: hint, Secret: value, CreatedAt: now, CreatedBy: by}
	c.Secrets = append(c.Secrets, sec)
	return sec, true
}

// createSecret adds a secret to a client that allows client_secret, at
// most maxSecrets at a time (409 beyond, spec ClientSecretCreateExceedLimit).
func (s server) createSecret(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	switch {
	case c == nil:
		return
	case !allowsSecret(c):
		core.BadRequest(w, r, "", fmt.Sprintf("client %q does not allow the client_secret auth method", c.ClientName))
		return
	case len(c.Secrets) >= maxSecrets:
		core.Conflict(w, r, "", fmt.Sprintf("client %q has %d client secrets already, the most it may have", c.ClientName, maxSecrets))
		return
	}
	now, by := s.Now(), core.CallerOf(s.St).ID
	sec := addSecret(c, by, now)
	c.UpdatedAt = now
	core.WriteJSON(w, http.StatusCreated, map[string]any{"hint": sec.Hint, "clientId": c.ID,
		"createdAt": core.FmtTime(sec.CreatedAt), "createdBy": sec.CreatedBy, "clientSecret": sec.Secret})
}

func (s server) deleteSecret(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	if c == nil {
		return
	}
	hint := r.PathValue("hint")
	i := slices.IndexFunc(c.Secrets, func(s clientSecret) bool { return s.Hint == hint })
	if i < 0 {
		core.NotFound(w, r, fmt.Sprintf("client %q has no secret with hint %q", c.ClientName, hint))
		return
	}
	c.Secrets = slices.Delete(slices.Clone(c.Secrets), i, i+1)
	c.UpdatedAt = s.Now()
	w.WriteHeader(http.StatusNoContent)
}

// publishClient sets publishedAt; publishing a published client keeps the
// first time.
func (s server) publishClient(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	if c == nil {
		return
	}
	if c.PublishedAt == nil {
		now := s.Now()
		c.PublishedAt, c.UpdatedAt = &now, now
	}
	core.WriteJSON(w, http.StatusCreated, map[string]any{"publishedAt": core.FmtTime(*c.PublishedAt)})
}

// connectionConfig returns the client of {id} with a connection config, or
// writes the 404.
func connectionConfig(w http.ResponseWriter, r *http.Request, st *core.State) *oauthClient {
	c := lookup(w, r, st)
	if c != nil && c.ConsentMethod == "" {
		core.NotFound(w, r, fmt.Sprintf("client %q has no connection config for this tenant", c.ClientName))
		return nil
	}
	return c
}

func (s server) getConnectionConfig(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := connectionConfig(w, r, s.St); c != nil {
		core.WriteJSON(w, http.StatusOK, map[string]any{"consentMethod": c.ConsentMethod, "status": "active", "deletedByOwner": false})
	}
}

// patchConnectionConfig sets the consent method; a client whose config was
// deleted gets a new one.
func (s server) patchConnectionConfig(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value string `json:"value"`
	}
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "the body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	if c == nil {
		return
	}
	method := ""
	for i, op := range ops {
		if op.Op != "replace" || op.Path != "/consentMethod" || (op.Value != "required" && op.Value != "trusted") {
			core.BadRequest(w, r, fmt.Sprintf("/%d", i), `only {"op":"replace","path":"/consentMethod","value":"required"|"trusted"} is supported`)
			return
		}
		method = op.Value
	}
	if method != "" {
		c.ConsentMethod, c.UpdatedAt = method, s.Now()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s server) deleteConnectionConfig(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	if c := connectionConfig(w, r, s.St); c != nil {
		c.ConsentMethod, c.UpdatedAt = "", s.Now()
		w.WriteHeader(http.StatusNoContent)
	}
}

// routeSimOAuthClients serves the test-only secrets view (no auth, not
// counted): GET /_sim/oauth-clients/{id}/secrets returns
// {"count": n, "secrets": [{"hint", "secret"}]}, every stored value, so that
// a test can count a client's secrets and sweep output for them.
func (s server) routeSimOAuthClients(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/oauth-clients/{id}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		c := lookup(w, r, s.St)
		if c == nil {
			return
		}
		out := []any{}
		for _, sec := range c.Secrets {
			out = append(out, map[string]any{"hint": sec.Hint, "secret": sec.Secret})
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"count": len(c.Secrets), "secrets": out})
	})
}
