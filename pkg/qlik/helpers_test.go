package qlik

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "test-api-key-0123456789"

// newServer starts a loopback server that is closed with the test.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newTestClient targets srv with an API key, unlimited tiers and a tiny
// backoff so retry tests stay fast. mod adjusts the config.
func newTestClient(t *testing.T, srv *httptest.Server, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		TenantURL:    srv.URL,
		APIKey:       testKey,
		Tier1PerMin:  -1,
		Tier2PerMin:  -1,
		RetryBackoff: time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// counter counts hits safely across handler goroutines.
type counter struct{ n atomic.Int64 }

func (c *counter) inc() int64 { return c.n.Add(1) }
func (c *counter) get() int64 { return c.n.Load() }

// logSink collects Logf output.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, sprintf(format, args...))
}

func (l *logSink) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// hijackClose drops the connection without a response: a connection reset
// as the client sees it.
func hijackClose(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// httptestServer lets a handler refer to its own server's URL.
type httptestServer struct{ *httptest.Server }

func newServerRef(t *testing.T, h http.HandlerFunc) *httptestServer {
	t.Helper()
	s := &httptestServer{}
	s.Server = newServer(t, h)
	return s
}
