package qlik

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	sentinelKey    = "SENTINEL-API-KEY-7f3a9c"
	sentinelSecret = "SENTINEL-CLIENT-SECRET-41d2e8"
	sentinelToken  = "SENTINEL-ACCESS-TOKEN-b6c0d1"
)

// echoAll is a hostile server: every response repeats the request's
// credentials and body back in each field a client might print.
func echoAll(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		echo := strings.ReplaceAll(r.Header.Get("Authorization")+" "+string(body), `"`, `'`)
		w.Header().Set("Retry-After", "0.01")
		w.Header().Set("X-Trace-Id", echo)
		writeJSON(w, status, fmt.Sprintf(`{"errors":[{"code":%q,"title":%q,"detail":%q,"status":%q}],"traceId":%q}`,
			echo, echo, echo, echo, echo))
	}
}

// leakSweep gathers errors from hostile scenarios; every one must fail.
type leakSweep struct {
	t    *testing.T
	sink *logSink
	errs []error
}

func (l *leakSweep) check(err error) {
	if err == nil {
		l.t.Error("scenario produced no error: it tests nothing")
		return
	}
	l.errs = append(l.errs, err)
}

func (l *leakSweep) apiKeyScenarios(dead *httptestServer) {
	ctx := context.Background()
	for _, status := range []int{400, 401, 404, 429, 500, 503} {
		srv := newServer(l.t, echoAll(status))
		c := newTestClient(l.t, srv, func(c *Config) { c.APIKey = sentinelKey; c.Logf = l.sink.logf; c.MaxRetries = 2 })
		l.check(c.Do(ctx, "POST", "/api/v1/x?q=1", map[string]string{"pw": sentinelKey}, nil))
		l.check(c.Do(ctx, "GET", "/api/v1/x", nil, nil))
	}
	c := newTestClient(l.t, newServer(l.t, echoAll(200)), func(c *Config) { c.APIKey = sentinelKey; c.Logf = l.sink.logf })
	var v []int
	l.check(c.Do(ctx, "GET", "/api/v1/x", nil, &v)) // 200 with a body of the wrong type
	l.check(c.Do(ctx, "GET", "https://elsewhere.example.com/x", nil, nil))
	c = newTestClient(l.t, dead.Server, func(c *Config) { c.APIKey = sentinelKey; c.Logf = l.sink.logf; c.MaxRetries = 1 })
	l.check(c.Do(ctx, "GET", "/api/v1/x", nil, nil))
}

func (l *leakSweep) oauth(srv *httptestServer) *Client {
	return newTestClient(l.t, srv.Server, func(c *Config) {
		c.APIKey, c.ClientID, c.ClientSecret, c.Logf, c.MaxRetries = "", "cid", sentinelSecret, l.sink.logf, 1
	})
}

func (l *leakSweep) oauthScenarios(dead *httptestServer) {
	ctx := context.Background()
	// Failed exchanges whose bodies echo the client secret.
	for _, status := range []int{400, 401, 500} {
		l.check(l.oauth(newServerRef(l.t, echoAll(status))).Do(ctx, "GET", "/api/v1/x", nil, nil))
	}
	badJSON := newServerRef(l.t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"access_token":`) })
	l.check(l.oauth(badJSON).Do(ctx, "GET", "/api/v1/x", nil, nil))
	l.check(l.oauth(dead).Do(ctx, "GET", "/api/v1/x", nil, nil))
	// A good exchange, then an API that echoes the access token.
	c := l.oauth(newServerRef(l.t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			writeJSON(w, 200, fmt.Sprintf(`{"access_token":%q,"expires_in":3600}`, sentinelToken))
			return
		}
		echoAll(403)(w, r)
	}))
	l.check(c.Do(ctx, "PATCH", "/api/v1/x", []byte(sentinelSecret), nil))
	cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	time.Sleep(2 * time.Millisecond)
	l.check(c.Do(cctx, "GET", "/api/v1/x", nil, nil))
}

func TestSecretsNeverLeak(t *testing.T) {
	l := &leakSweep{t: t, sink: &logSink{}}
	dead := newServerRef(t, echoAll(200))
	dead.Close()
	l.apiKeyScenarios(dead)
	l.oauthScenarios(dead)

	var texts []string
	for _, err := range l.errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	logs := l.sink.all()
	if len(logs) == 0 {
		t.Error("no log lines captured: the sweep would not see a leak")
	}
	for _, s := range append(texts, logs...) {
		for _, secret := range []string{sentinelKey, sentinelSecret, sentinelToken} {
			if strings.Contains(s, secret) {
				t.Errorf("leak of %s in: %s", secret, s)
			}
		}
	}
	// The echo really reached the errors and was scrubbed, not merely absent.
	if !strings.Contains(strings.Join(texts, "\n"), "[REDACTED]") {
		t.Error("nothing was redacted: the hostile echo did not reach the errors")
	}
}
