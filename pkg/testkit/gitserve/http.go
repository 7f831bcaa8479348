package gitserve

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
)

// HTTP is git http-backend served over loopback.
type HTTP struct {
	Server *httptest.Server
	Root   string // GIT_PROJECT_ROOT
	// Refused counts requests turned away for missing or wrong credentials.
	Refused atomic.Int64
}

// StartHTTP serves the bare repositories under root. With a token, every
// request needs basic auth with user and token as the password (user ""
// accepts any user); without one the server is open.
func StartHTTP(root, user, token string) (*HTTP, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("git not on PATH: %w", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	h := &HTTP{Root: abs}
	env := []string{"GIT_PROJECT_ROOT=" + abs, "GIT_HTTP_EXPORT_ALL=1"}
	if home := os.Getenv("GIT_CONFIG_GLOBAL"); home != "" {
		env = append(env, "GIT_CONFIG_GLOBAL="+home)
	}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		remoteUser := "anonymous"
		if token != "" {
			u, p, ok := r.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(p), []byte(token)) != 1 || (user != "" && u != user) {
				h.Refused.Add(1)
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			remoteUser = u
		}
		// REMOTE_USER set is what lets http-backend accept pushes.
		(&cgi.Handler{Path: git, Args: []string{"http-backend"}, Env: append(env, "REMOTE_USER="+remoteUser)}).ServeHTTP(w, r)
	}))
	return h, nil
}

// URL is the address of the bare repo name under Root.
func (h *HTTP) URL(name string) string { return h.Server.URL + "/" + name }

// Close stops the server.
func (h *HTTP) Close() { h.Server.Close() }
