package qlik

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// oauthServer issues tok-1, tok-2, ... with the given lifetime and accepts
// only the newest token (plus any listed in extraValid).
type oauthServer struct {
	t         *testing.T
	expiresIn float64
	mu        sync.Mutex
	issued    int
	current   string
	apiHits   int
	reject    map[string]bool // tokens the API refuses with 401 although current
	lastBody  map[string]string
	lastCType string
	tokenCode int // non-zero: fail the token endpoint with this status
}

func (o *oauthServer) handler(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.URL.Path == "/oauth/token" {
		o.lastCType = r.Header.Get("Content-Type")
		o.lastBody = map[string]string{}
		_ = json.NewDecoder(r.Body).Decode(&o.lastBody)
		if o.tokenCode != 0 {
			writeJSON(w, o.tokenCode, `{"errors":[{"code":"OAUTH-1","title":"invalid_client"}]}`)
			return
		}
		o.issued++
		o.current = fmt.Sprintf("tok-%d-abcdef", o.issued)
		writeJSON(w, 200, fmt.Sprintf(`{"access_token":%q,"token_type":"bearer","expires_in":%v}`, o.current, o.expiresIn))
		return
	}
	o.apiHits++
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if got != o.current || o.reject[got] {
		writeJSON(w, 401, `{"errors":[{"code":"AUTH-1","title":"Unauthorized"}]}`)
		return
	}
	writeJSON(w, 200, fmt.Sprintf(`{"token":%q}`, got))
}

func (o *oauthServer) stats() (issued, hits int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.issued, o.apiHits
}

func newOAuthClient(t *testing.T, o *oauthServer) *Client {
	srv := newServer(t, o.handler)
	return newTestClient(t, srv, func(c *Config) {
		c.APIKey = ""
		c.ClientID = "client-id-1"
		c.ClientSecret = "client-secret-xyz"
	})
}

func usedToken(t *testing.T, c *Client) string {
	t.Helper()
	var out struct{ Token string }
	if err := c.Do(context.Background(), "GET", "/api/v1/users/me", nil, &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

func TestOAuthExchangeAndReuse(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 3600}
	c := newOAuthClient(t, o)
	for range 5 {
		if tok := usedToken(t, c); tok != "tok-1-abcdef" {
			t.Fatalf("token = %q", tok)
		}
	}
	issued, _ := o.stats()
	if issued != 1 || c.Stats().TokenRequests != 1 {
		t.Errorf("token exchanges = %d, want 1 (reuse)", issued)
	}
	want := map[string]string{"client_id": "client-id-1", "client_secret": "client-secret-xyz", "grant_type": "client_credentials", "scope": "user_default"}
	if fmt.Sprint(o.lastBody) != fmt.Sprint(want) || o.lastCType != "application/json" {
		t.Errorf("token request = %v (%s)", o.lastBody, o.lastCType)
	}
}

func TestOAuthScopeConfigurable(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 3600}
	srv := newServer(t, o.handler)
	c := newTestClient(t, srv, func(c *Config) {
		c.APIKey, c.ClientID, c.ClientSecret, c.OAuthScope = "", "id", "secret-123456", "admin_classic"
	})
	usedToken(t, c)
	if o.lastBody["scope"] != "admin_classic" {
		t.Errorf("scope = %q", o.lastBody["scope"])
	}
}

func TestOAuthRefreshBeforeExpiry(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 1}
	c := newOAuthClient(t, o)
	if tok := usedToken(t, c); tok != "tok-1-abcdef" {
		t.Fatalf("token = %q", tok)
	}
	// Lifetime 1s, margin 20%: refreshed from 0.8s on, before the server
	// would start refusing it.
	time.Sleep(850 * time.Millisecond)
	if tok := usedToken(t, c); tok != "tok-2-abcdef" {
		t.Errorf("after 0.85s token = %q, want a refreshed tok-2", tok)
	}
	if _, hits := o.stats(); hits != 2 {
		t.Errorf("API hits = %d, want 2 (no 401 round trip)", hits)
	}
}

func TestOAuth401RefreshesAndRetriesOnce(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 3600}
	c := newOAuthClient(t, o)
	usedToken(t, c)
	// The server revokes the cached token.
	o.mu.Lock()
	o.reject = map[string]bool{"tok-1-abcdef": true}
	o.mu.Unlock()
	if tok := usedToken(t, c); tok != "tok-2-abcdef" {
		t.Errorf("after 401 token = %q, want tok-2", tok)
	}
	// Now every token is refused: exactly one refresh and one retry, then the 401.
	o.mu.Lock()
	o.reject = map[string]bool{"tok-2-abcdef": true, "tok-3-abcdef": true, "tok-4-abcdef": true}
	_, before := o.issued, o.apiHits
	o.mu.Unlock()
	err := c.Do(context.Background(), "GET", "/api/v1/users/me", nil, nil)
	issued, hits := o.stats()
	if StatusOf(err) != 401 || hits-before != 2 || issued != 3 {
		t.Errorf("err=%v api attempts=%d issued=%d, want 401 after 2 attempts and 3 tokens", err, hits-before, issued)
	}
}

func TestAPIKey401NotRetried(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		writeJSON(w, 401, `{}`)
	})
	c := newTestClient(t, srv, nil)
	if err := c.Do(context.Background(), "GET", "/x", nil, nil); StatusOf(err) != 401 || hits.get() != 1 {
		t.Errorf("err=%v hits=%d", err, hits.get())
	}
}

func TestOAuthSingleFlight(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 3600}
	c := newOAuthClient(t, o)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if issued, _ := o.stats(); issued != 1 {
		t.Errorf("concurrent callers caused %d token exchanges, want 1", issued)
	}
}

func TestOAuthExchangeFailure(t *testing.T) {
	o := &oauthServer{t: t, expiresIn: 3600, tokenCode: 401}
	c := newOAuthClient(t, o)
	err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil)
	// A token failure is not the API's verdict on the resource: no status, so
	// IsNotFound and friends cannot misread it.
	if StatusOf(err) != 0 || !strings.Contains(err.Error(), "token exchange failed") || !strings.Contains(err.Error(), "401 Unauthorized: OAUTH-1") {
		t.Errorf("err = %v", err)
	}
	if _, hits := o.stats(); hits != 0 {
		t.Errorf("API called %d times without a token", hits)
	}
}

func TestOAuthTransientExchangeRetried(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" && hits.inc() == 1 {
			writeJSON(w, 503, `{}`)
			return
		}
		if r.URL.Path == "/oauth/token" {
			writeJSON(w, 200, `{"access_token":"tok-ok-123456","expires_in":"3600"}`)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, srv, func(c *Config) { c.APIKey, c.ClientID, c.ClientSecret = "", "id", "secret-123456" })
	if err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil); err != nil || hits.get() != 2 {
		t.Errorf("err=%v token calls=%d", err, hits.get())
	}
}
