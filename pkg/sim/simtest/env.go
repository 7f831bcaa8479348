package simtest

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

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Env is a simulator behind a loopback httptest server whose client checks
// every /api/ response against Qlik's OpenAPI specs (when they are present).
type Env struct {
	T   *testing.T
	S   *core.Server
	Ts  *httptest.Server
	C   *http.Client
	Key string
}

// NewEnv serves s on loopback for the test. apiKey is the key s accepts
// ("" means core.DefaultAPIKey). It takes a built server rather than options
// so that package sim's own tests can use it without an import cycle.
func NewEnv(t *testing.T, s *core.Server, apiKey string) *Env {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	c := &http.Client{Timeout: 20 * time.Second}
	if dir := SpecDir(); dir != "" {
		chk, err := LoadChecker(dir, ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		c.Transport = chk.Transport(t, nil)
	} else {
		t.Log("Qlik OpenAPI specs not found; responses are not validated")
	}
	key := apiKey
	if key == "" {
		key = core.DefaultAPIKey
	}
	return &Env{T: t, S: s, Ts: ts, C: c, Key: key}
}

type Resp struct {
	Status int
	Header http.Header
	Raw    []byte
}

// json decodes the body into a generic map.
func (r Resp) Obj() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Raw, &m)
	return m
}

// do sends a request with the env's API key. path may be absolute.
func (e *Env) Do(method, path string, body any) Resp {
	e.T.Helper()
	return e.DoWith(method, path, body, "application/json", "Bearer "+e.Key)
}

func (e *Env) DoWith(method, path string, body any, ctype, auth string) Resp {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.Ts.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := e.C.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return Resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
}

// must checks the status and returns the decoded object.
func (e *Env) Must(want int, r Resp) map[string]any {
	e.T.Helper()
	if r.Status != want {
		e.T.Fatalf("status %d, want %d; body %s", r.Status, want, r.Raw)
	}
	return r.Obj()
}

func Str(v any) string { s, _ := v.(string); return s }

func List(m map[string]any, key string) []any { l, _ := m[key].([]any); return l }

func FirstError(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	errs := List(m, "errors")
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

func NewFakeClock() *fakeClock {
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

func (e *Env) SpaceID(name string) string {
	e.T.Helper()
	for _, d := range List(e.Must(200, e.Do("GET", "/api/v1/spaces?limit=100", nil)), "data") {
		if m := d.(map[string]any); m["name"] == name {
			return Str(m["id"])
		}
	}
	e.T.Fatalf("no space %q", name)
	return ""
}

// noSecrets fails when raw contains any of the secrets.
func NoSecrets(t *testing.T, what string, raw []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			t.Errorf("%s leaks secret %q: %s", what, s, raw)
		}
	}
}

// glSend sends a prepared request through the env's validating client.
func SendRequest(e *Env, req *http.Request) Resp {
	e.T.Helper()
	res, err := e.C.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return Resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
}
