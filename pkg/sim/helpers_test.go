package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// env is a simulator behind a loopback httptest server whose client checks
// every /api/ response against Qlik's OpenAPI specs (when they are present).
type env struct {
	t   *testing.T
	s   *Server
	ts  *httptest.Server
	c   *http.Client
	key string
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	s := New(opts)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	c := &http.Client{Timeout: 20 * time.Second}
	if dir := simtest.SpecDir(); dir != "" {
		chk, err := simtest.LoadChecker(dir, ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		c.Transport = chk.Transport(t, nil)
	} else {
		t.Log("Qlik OpenAPI specs not found; responses are not validated")
	}
	key := opts.APIKey
	if key == "" {
		key = DefaultAPIKey
	}
	return &env{t: t, s: s, ts: ts, c: c, key: key}
}

type resp struct {
	status int
	header http.Header
	raw    []byte
}

// json decodes the body into a generic map.
func (r resp) obj() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.raw, &m)
	return m
}

// do sends a request with the env's API key. path may be absolute.
func (e *env) do(method, path string, body any) resp {
	e.t.Helper()
	return e.doWith(method, path, body, "application/json", "Bearer "+e.key)
}

func (e *env) doWith(method, path string, body any, ctype, auth string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.ts.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := e.c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, raw: raw}
}

// must checks the status and returns the decoded object.
func (e *env) must(want int, r resp) map[string]any {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
	return r.obj()
}

func str(v any) string { s, _ := v.(string); return s }

func list(m map[string]any, key string) []any { l, _ := m[key].([]any); return l }

func firstError(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	errs := list(m, "errors")
	if len(errs) == 0 {
		t.Fatalf("no errors array in %v", m)
	}
	e, _ := errs[0].(map[string]any)
	return e
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
