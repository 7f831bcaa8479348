package qlik

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// authenticator supplies the bearer credential for each attempt.
type authenticator interface {
	token(ctx context.Context) (string, error)
	// invalidate drops tok after a 401 and reports whether a fresh credential
	// can be obtained (false for a static API key: retrying cannot help).
	invalidate(tok string) bool
}

type apiKeyAuth struct{ key string }

func (a *apiKeyAuth) token(context.Context) (string, error) { return a.key, nil }
func (a *apiKeyAuth) invalidate(string) bool                { return false }

const (
	tokenPath         = "/oauth/token"
	tokenFetchTimeout = 30 * time.Second
	maxRefreshMargin  = time.Minute
)

// oauthSource exchanges client credentials for an access token, caches it and
// refreshes it before it expires. Concurrent callers share one exchange
// (single flight), so a burst of parallel requests at expiry costs one token
// call, not one per goroutine.
type oauthSource struct {
	c            *Client
	clientID     string
	clientSecret string
	scope        string

	mu        sync.Mutex
	tok       string
	refreshAt time.Time // zero = no known expiry: reuse until a 401
	expiresAt time.Time
	flight    *tokenFlight
}

type tokenFlight struct {
	done chan struct{}
	tok  string
	err  error
}

func (s *oauthSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	now := s.c.now()
	if s.tok != "" && (s.refreshAt.IsZero() || now.Before(s.refreshAt)) {
		tok := s.tok
		s.mu.Unlock()
		return tok, nil
	}
	f := s.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		s.flight = f
		// The exchange must not die with whichever caller happened to start
		// it; every waiter still honours its own ctx below.
		go s.fetch(f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if f.err != nil {
		// A token inside its refresh margin is still valid: prefer it to
		// failing the caller because the early refresh hit a hiccup.
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.tok != "" && s.c.now().Before(s.expiresAt) {
			return s.tok, nil
		}
		return "", f.err
	}
	return f.tok, nil
}

func (s *oauthSource) fetch(f *tokenFlight) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenFetchTimeout)
	defer cancel()
	tok, life, err := s.exchange(ctx)
	s.mu.Lock()
	if err == nil {
		now := s.c.now()
		s.tok = tok
		s.refreshAt, s.expiresAt = time.Time{}, time.Time{}
		if life > 0 {
			margin := min(life/5, maxRefreshMargin)
			s.expiresAt = now.Add(life)
			s.refreshAt = now.Add(life - margin)
		}
	}
	s.flight = nil
	f.tok, f.err = tok, err
	s.mu.Unlock()
	close(f.done)
}

func (s *oauthSource) invalidate(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Another goroutine may already have replaced the rejected token.
	if s.tok == tok {
		s.tok = ""
		s.refreshAt, s.expiresAt = time.Time{}, time.Time{}
	}
	return true
}

type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.Number     `json:"expires_in"`
	Errors      json.RawMessage `json:"errors"`
}

// exchange performs the client-credentials grant. Its errors name the
// endpoint and status only; the request body holds the secret and is never
// echoed, and anything the server says is scrubbed.
func (s *oauthSource) exchange(ctx context.Context) (string, time.Duration, error) {
	s.c.tokenRequests.Add(1)
	payload, err := json.Marshal(map[string]string{
		"client_id":     s.clientID,
		"client_secret": s.clientSecret,
		"grant_type":    "client_credentials",
		"scope":         s.scope,
	})
	if err != nil {
		return "", 0, errors.New("qlik: OAuth token exchange: encoding request failed")
	}
	u := s.c.base.String() + tokenPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return "", 0, fmt.Errorf("qlik: OAuth token exchange: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.c.userAgent)
	resp, err := s.c.hc.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("qlik: OAuth token exchange: POST %s: %w", tokenPath, netCause(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return "", 0, fmt.Errorf("qlik: OAuth token exchange: POST %s: reading response: %w", tokenPath, netCause(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := s.c.newError(http.MethodPost, tokenPath, resp, body)
		return "", 0, &tokenError{status: resp.StatusCode, msg: "qlik: OAuth token exchange failed (check QLIK_CLIENT_ID/QLIK_CLIENT_SECRET): " + e.Error()}
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", 0, fmt.Errorf("qlik: OAuth token exchange: POST %s: invalid JSON response", tokenPath)
	}
	if strings.TrimSpace(tr.AccessToken) == "" {
		return "", 0, fmt.Errorf("qlik: OAuth token exchange: POST %s: response has no access_token", tokenPath)
	}
	s.c.secrets.add(tr.AccessToken)
	var life time.Duration
	if secs, err := tr.ExpiresIn.Float64(); err == nil && secs > 0 && secs < maxRetryAfterSecs*365 {
		life = time.Duration(secs * float64(time.Second))
	}
	s.c.debugf("qlik: obtained OAuth access token (expires in %s)", life)
	return tr.AccessToken, life, nil
}

// tokenError is deliberately not an *Error: a 404 or 401 from the token
// endpoint must not look like the API's answer about the resource requested
// (IsNotFound on a misconfigured tenant would read as "resource absent").
type tokenError struct {
	status int
	msg    string
}

func (e *tokenError) Error() string { return e.msg }
