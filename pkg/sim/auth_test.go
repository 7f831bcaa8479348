package sim

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, core.Options{APIKey: "k1"})
	r := e.DoWith("GET", "/api/v1/spaces", nil, "", "")
	body := e.Must(401, r)
	if simtest.FirstError(t, body)["code"] == nil || body["traceId"] == nil || body["title"] == nil {
		t.Errorf("spaces 401 body = %s", r.Raw)
	}
	r = e.DoWith("GET", "/api/v1/users", nil, "", "Bearer wrong")
	body = e.Must(401, r)
	if simtest.FirstError(t, body)["status"] != 401.0 {
		t.Errorf("users 401 body = %s", r.Raw)
	}
	e.Must(200, e.DoWith("GET", "/api/v1/users", nil, "", "Bearer k1"))
	e.Must(200, e.DoWith("GET", "/_sim/stats", nil, "", ""))
}

func TestOAuthClientCredentials(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newEnv(t, core.Options{ClientID: "cid", ClientSecret: "secret", TokenTTL: time.Minute, Now: clock.Now})
	tok := e.Must(200, e.Do("POST", "/oauth/token", map[string]any{
		"client_id": "cid", "client_secret": "secret", "grant_type": "client_credentials", "scope": "user_default"}))
	at := simtest.Str(tok["access_token"])
	if at == "" || tok["token_type"] != "bearer" || tok["expires_in"] != 60.0 {
		t.Fatalf("token = %v", tok)
	}
	e.Must(200, e.DoWith("GET", "/api/v1/spaces", nil, "", "Bearer "+at))

	form := "grant_type=client_credentials&client_id=cid&client_secret=secret"
	tok2 := e.Must(200, e.DoWith("POST", "/oauth/token", form, "application/x-www-form-urlencoded", ""))
	if simtest.Str(tok2["access_token"]) == "" || tok2["access_token"] == at {
		t.Errorf("form token = %v", tok2)
	}

	e.Must(401, e.Do("POST", "/oauth/token", map[string]any{"client_id": "cid", "client_secret": "nope", "grant_type": "client_credentials"}))
	e.Must(400, e.Do("POST", "/oauth/token", map[string]any{"client_id": "cid", "client_secret": "secret", "grant_type": "password"}))

	clock.Add(61 * time.Second)
	e.Must(401, e.DoWith("GET", "/api/v1/spaces", nil, "", "Bearer "+at))
	e.Must(200, e.Do("GET", "/api/v1/spaces", nil)) // the API key still works
}

func TestOAuthOffWithoutClientID(t *testing.T) {
	e := newEnv(t, core.Options{})
	e.Must(401, e.Do("POST", "/oauth/token", map[string]any{"client_id": "", "client_secret": "", "grant_type": "client_credentials"}))
}

func TestRateLimitTier2(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newEnv(t, core.Options{Tier2PerMin: 2, Now: clock.Now})
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "a"}))
	clock.Add(10 * time.Second)
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "b"}))
	r := e.Do("POST", "/api/v1/groups", map[string]any{"name": "c"})
	body := e.Must(429, r)
	if r.Header.Get("Retry-After") != "50" {
		t.Errorf("Retry-After = %q, want 50", r.Header.Get("Retry-After"))
	}
	fe := simtest.FirstError(t, body)
	if fe["code"] != "HTTP-429" || fe["title"] != "API rate limit reached." ||
		fe["detail"] != "You need to wait 50 seconds until limit is lifted." {
		t.Errorf("429 body = %s", r.Raw)
	}
	// tier 1 is not affected; the whole tier 2 is blocked, DELETE included.
	e.Must(200, e.Do("GET", "/api/v1/groups", nil))
	clock.Add(20 * time.Second)
	r = e.Do("DELETE", "/api/v1/groups/"+core.EveryoneGroupID, nil)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "30" {
		t.Errorf("blocked tier: %d retry-after %q", r.Status, r.Header.Get("Retry-After"))
	}
	clock.Add(30 * time.Second)
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "c"}))
	if st := e.S.Stats(); st.Throttled != 2 {
		t.Errorf("throttled = %d", st.Throttled)
	}
}

func TestRateLimitTier1(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newEnv(t, core.Options{Tier1PerMin: 3, Now: clock.Now})
	for range 3 {
		e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	}
	r := e.Do("GET", "/api/v1/roles", nil)
	if r.Status != 429 {
		t.Fatalf("4th GET: %d", r.Status)
	}
	if n, _ := strconv.Atoi(r.Header.Get("Retry-After")); n != 60 {
		t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "a"}))
}

func TestLatency(t *testing.T) {
	e := newEnv(t, core.Options{Latency: 60 * time.Millisecond})
	start := time.Now()
	e.Must(200, e.Do("GET", "/api/v1/spaces/types", nil))
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("request took %v, latency 60ms", d)
	}
}

func TestMiddlewareHook(t *testing.T) {
	fault := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Fault") == "503" {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	s := New(core.Options{Middleware: []func(http.Handler) http.Handler{fault}})
	req, _ := http.NewRequest("GET", "/api/v1/spaces", nil)
	req.Header.Set("X-Fault", "503")
	rec := &recorder{h: http.Header{}}
	s.Handler().ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable {
		t.Errorf("fault middleware not applied: %d", rec.code)
	}
}

type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(c int)           { r.code = c }
