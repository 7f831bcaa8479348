package core

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenStore holds the OAuth access tokens issued and their expiry.
type tokenStore struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (t *tokenStore) issue(ttl time.Duration, now time.Time) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := "qliksim_at_" + hex.EncodeToString(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, exp := range t.m { // drop expired tokens
		if !now.Before(exp) {
			delete(t.m, k)
		}
	}
	t.m[tok] = now.Add(ttl)
	return tok
}

func (t *tokenStore) valid(tok string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := t.m[tok]
	return ok && now.Before(exp)
}

// auth checks the bearer token for /api/ paths and serves /oauth/token.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			s.handleToken(w, r)
			return
		}
		if !isAPIPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			tok, ok = strings.CutPrefix(r.Header.Get("Authorization"), "bearer ")
		}
		tok = strings.TrimSpace(tok)
		if ok && tok != "" {
			if email, found := s.userKey(tok); found {
				s.actAs(email, next, w, r)
				return
			}
		}
		if !ok || tok == "" || !s.tokenAccepted(tok) {
			unauthorized(w, r)
			return
		}
		s.acting.RLock()
		defer s.acting.RUnlock()
		next.ServeHTTP(w, r)
	})
}

func unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="qliksim"`)
	WriteError(w, r, http.StatusUnauthorized, "HTTP-401", "", "Unauthorized",
		"JWT invalid or not provided")
}

// UserKey is a bearer key that acts as the user with Email.
type UserKey struct {
	Email, Key string
}

// userKey returns the email a UserKey acts as.
func (s *Server) userKey(tok string) (string, bool) {
	for _, k := range s.Opts.UserKeys {
		if subtle.ConstantTimeCompare([]byte(tok), []byte(k.Key)) == 1 {
			return k.Email, true
		}
	}
	return "", false
}

// actAs serves a request as the user with email. Every service asks
// CallerOf(state) who is calling; rather than thread the caller through
// each of them, the request runs alone (no other /api request is served
// meanwhile) with the state's caller switched to that user and switched
// back after. A user deleted since start is refused like a bad key.
func (s *Server) actAs(email string, next http.Handler, w http.ResponseWriter, r *http.Request) {
	s.acting.Lock()
	defer s.acting.Unlock()
	s.Mu.Lock()
	u := UserByEmail(s.St, email)
	admin := s.St.CallerID
	if u != nil {
		s.St.CallerID = u.ID
	}
	s.Mu.Unlock()
	if u == nil {
		unauthorized(w, r)
		return
	}
	defer func() {
		s.Mu.Lock()
		s.St.CallerID = admin
		s.Mu.Unlock()
	}()
	next.ServeHTTP(w, r)
}

// CheckUserKeys reports a UserKey whose user the tenant does not have.
// Call it once the seed or state is loaded.
func (s *Server) CheckUserKeys() error {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, k := range s.Opts.UserKeys {
		if k.Key == "" {
			return fmt.Errorf("--api-key-for %s: empty key", k.Email)
		}
		if k.Key == s.Opts.APIKey {
			return fmt.Errorf("--api-key-for %s: the key is the admin's --api-key", k.Email)
		}
		if UserByEmail(s.St, k.Email) == nil {
			return fmt.Errorf("--api-key-for %s: no user with that email in the tenant", k.Email)
		}
	}
	return nil
}

func (s *Server) tokenAccepted(tok string) bool {
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.Opts.APIKey)) == 1 {
		return true
	}
	return s.tokens.valid(tok, s.Opts.Now())
}

type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Scope        string `json:"scope"`
}

// handleToken implements POST /oauth/token for the client-credentials grant.
// It accepts JSON (what @qlik/api sends) and form-encoded bodies.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	req, err := readTokenRequest(r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed request body")
		return
	}
	if req.GrantType != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
		return
	}
	if s.Opts.ClientID == "" ||
		subtle.ConstantTimeCompare([]byte(req.ClientID), []byte(s.Opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.Opts.ClientSecret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "invalid client credentials")
		return
	}
	tok := s.tokens.issue(s.Opts.TokenTTL, s.Opts.Now())
	scope := req.Scope
	if scope == "" {
		scope = "user_default"
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "bearer",
		"expires_in":   int64(s.Opts.TokenTTL / time.Second),
		"scope":        scope,
	})
}

func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var req tokenRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return req, err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return req, err
		}
		req = tokenRequest{ClientID: v.Get("client_id"), ClientSecret: v.Get("client_secret"),
			GrantType: v.Get("grant_type"), Scope: v.Get("scope")}
		return req, nil
	}
	err = json.Unmarshal(body, &req)
	return req, err
}

// oauthError writes an RFC 6749 error that also carries Qlik's errors array,
// which @qlik/api reads.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	WriteJSON(w, status, map[string]any{
		"error":             code,
		"error_description": desc,
		"errors":            []any{map[string]any{"code": "OAUTH-" + code, "title": desc, "status": status}},
		"traceId":           NewTraceID(),
	})
}
