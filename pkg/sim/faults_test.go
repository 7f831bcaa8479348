package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const faultsDemoSeed = "../../examples/demo-tenant"

// faultEnv is a fault-capable simulator on loopback with a plain client (the
// spec checker would rightly reject the mangled answers).
type faultEnv struct {
	*simtest.Env
}

func newFaultEnv(t *testing.T, opts core.Options, f core.Faults, seed bool) *faultEnv {
	t.Helper()
	s := New(opts)
	if seed {
		if err := s.LoadSeed(faultsDemoSeed); err != nil {
			t.Fatal(err)
		}
	}
	s.SetFaults(f)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	key := opts.APIKey
	if key == "" {
		key = core.DefaultAPIKey
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: false}}
	t.Cleanup(c.CloseIdleConnections)
	return &faultEnv{&simtest.Env{T: t, S: s, Ts: ts, C: c, Key: key}}
}

// try is do without t.Fatal on a transport error.
func (e *faultEnv) try(method, path string, body any) (simtest.Resp, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = e.Ts.URL + path
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Authorization", "Bearer "+e.Key)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.C.Do(req)
	if err != nil {
		return simtest.Resp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return simtest.Resp{Status: res.StatusCode, Header: res.Header, Raw: raw}, err
}

func TestParseFaults(t *testing.T) {
	f, err := core.ParseFaults("seed=7, 5xx=0.2,reset=0.05,slow=0.1,truncate=0.05,429storm=3,stall=0.01,tokenuses=50,stalecursor=30s," +
		"5xx.path=/api/v1/spaces*,5xx.max=4,5xx.statuses=502|503,5xx.when=after,slow.pause=50ms,stall.maxstall=1s,429storm.retryafter=2,reset.methods=GET|post")
	if err != nil {
		t.Fatal(err)
	}
	want := core.Faults{Seed: 7,
		Error5xx:    &core.Fault{Rate: 0.2, Path: "/api/v1/spaces*", Max: 4, Statuses: []int{502, 503}, When: "after"},
		Reset:       &core.Fault{Rate: 0.05, Methods: []string{"GET", "POST"}},
		Slow:        &core.Fault{Rate: 0.1, Pause: core.Duration(50 * time.Millisecond)},
		Stall:       &core.Fault{Rate: 0.01, MaxStall: core.Duration(time.Second)},
		Truncate:    &core.Fault{Rate: 0.05},
		Storm429:    &core.Fault{Count: 3, RetryAfter: 2},
		TokenExpiry: &core.Fault{Uses: 50},
		StaleCursor: &core.Fault{MaxAge: core.Duration(30 * time.Second)},
	}
	if !reflect.DeepEqual(f, want) {
		g, _ := json.Marshal(f)
		w, _ := json.Marshal(want)
		t.Errorf("ParseFaults =\n%s\nwant\n%s", g, w)
	}
	// The JSON form round-trips, with durations as strings.
	b, _ := json.Marshal(f)
	if !strings.Contains(string(b), `"maxAge":"30s"`) {
		t.Errorf("JSON %s", b)
	}
	var back core.Faults
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("round trip: %v %+v", err, back)
	}
	for _, bad := range []string{"5xx=2", "nope=1", "5xx", "5xx.when=later", "5xx.statuses=404", "seed=x", "stall.maxstall=10m", "reset=-0.1", "slow.colour=red"} {
		if _, err := core.ParseFaults(bad); err == nil {
			t.Errorf("ParseFaults(%q) accepted", bad)
		}
	}
	if f, err := core.ParseFaults(""); err != nil || !reflect.DeepEqual(f, core.Faults{}) {
		t.Errorf("empty spec: %+v %v", f, err)
	}
}

func TestFaultsFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--addr", "127.0.0.1:0", "--faults", "5xx=3"}, &out, &errb, nil); code != 2 || !strings.Contains(errb.String(), "5xx: rate 3") {
		t.Errorf("bad --faults: exit %d, stderr %q", code, errb.String())
	}
	c, err := parseFlags([]string{"--faults", "seed=3,429storm=2"}, io.Discard)
	if err != nil || c.faults.Seed != 3 || c.faults.Storm429 == nil || c.faults.Storm429.Count != 2 {
		t.Errorf("parseFlags: %+v %v", c.faults, err)
	}
}

func TestFaults5xxByPathAndMax(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Error5xx: &core.Fault{Rate: 1, Path: "/api/v1/spaces*", Max: 2}}, true)
	for i := range 2 {
		r, err := e.try("GET", "/api/v1/spaces", nil)
		if err != nil || r.Status < 500 || r.Status > 503 {
			t.Fatalf("request %d: %v status %d", i, err, r.Status)
		}
		// The spaces service's error body: errors[] plus top-level code and traceId.
		m := r.Obj()
		if simtest.FirstError(t, m)["code"] == nil || m["traceId"] == nil || m["code"] == nil {
			t.Errorf("5xx body is not the spaces style: %s", r.Raw)
		}
	}
	e.Must(200, e.Do("GET", "/api/v1/spaces", nil)) // max reached
	e.Must(200, e.Do("GET", "/api/v1/users", nil))  // other path untouched
	if got := e.S.FaultCounts(); got["5xx"] != 2 {
		t.Errorf("counts %v", got)
	}

	// Each service answers in its own style.
	e.S.SetFaults(core.Faults{Error5xx: &core.Fault{Rate: 1, Statuses: []int{503}}})
	r, _ := e.try("GET", "/api/v1/data-connections", nil)
	if r.Status != 503 || r.Obj()["traceId"] != nil || simtest.FirstError(t, r.Obj())["status"] != float64(503) {
		t.Errorf("data-connections 5xx: %d %s", r.Status, r.Raw)
	}
	r, _ = e.try("GET", "/api/v1/themes", nil)
	if m := r.Obj(); r.Status != 503 || m["errors"] != nil || m["title"] == nil {
		t.Errorf("themes 5xx should be a single object: %d %s", r.Status, r.Raw)
	}
	// Non-API paths never fail by default.
	r, _ = e.try("GET", "/resources/autogenerated/product-info.json", nil)
	if r.Status != 200 {
		t.Errorf("product-info: %d", r.Status)
	}
}

func TestFaultsDeterministic(t *testing.T) {
	seq := func(seed int64) string {
		e := newFaultEnv(t, core.Options{}, core.Faults{Seed: seed, Error5xx: &core.Fault{Rate: 0.5}}, false)
		var b strings.Builder
		for range 24 {
			r, err := e.try("GET", "/api/v1/roles?limit=1", nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == 200 {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	a, b, c := seq(7), seq(7), seq(8)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same sequence %s", a)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("rate 0.5 gave %s", a)
	}
}

func TestFaults5xxAfterTheWrite(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Error5xx: &core.Fault{Rate: 1, When: "after", Methods: []string{"POST"}}}, false)
	r, err := e.try("POST", "/api/v1/spaces", map[string]any{"name": "Ghost", "type": "shared"})
	if err != nil || r.Status < 500 {
		t.Fatalf("POST: %v %d", err, r.Status)
	}
	// The 5xx came after the space was created: a blind retry would clash.
	m := e.Must(200, e.Do("GET", "/api/v1/spaces?name=Ghost", nil))
	if len(simtest.List(m, "data")) != 1 {
		t.Errorf("space not created behind the 5xx: %v", m)
	}
}

func TestFaultsReset(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Reset: &core.Fault{Rate: 1, When: "before", Max: 1}}, false)
	if _, err := e.try("GET", "/api/v1/roles", nil); err == nil {
		t.Error("reset before the answer: no error")
	}
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))

	// Mid-body: the handler ran (the space exists), the client sees half an
	// answer and a dead connection.
	e.S.SetFaults(core.Faults{Reset: &core.Fault{Rate: 1, When: "after", Methods: []string{"POST"}}})
	_, err := e.try("POST", "/api/v1/spaces", map[string]any{"name": "Half", "type": "shared"})
	if err == nil {
		t.Error("reset mid-body: no error")
	} else if !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Logf("reset error: %v", err)
	}
	e.S.ClearFaults()
	if m := e.Must(200, e.Do("GET", "/api/v1/spaces?name=Half", nil)); len(simtest.List(m, "data")) != 1 {
		t.Errorf("space behind the reset: %v", m)
	}
	// A GET cut mid-body.
	e.S.SetFaults(core.Faults{Reset: &core.Fault{Rate: 1, When: "after"}})
	if _, err := e.try("GET", "/api/v1/roles", nil); err == nil {
		t.Error("GET reset mid-body: no error")
	}
}

func TestFaultsSlowAndStall(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Slow: &core.Fault{Rate: 1, Pause: core.Duration(150 * time.Millisecond)}}, false)
	start := time.Now()
	m := e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("slow body took %s", d)
	}
	if len(simtest.List(m, "data")) == 0 {
		t.Errorf("slow body incomplete: %v", m)
	}

	// A stall hangs mid-body until maxStall, then the connection is cut.
	e.S.SetFaults(core.Faults{Stall: &core.Fault{Rate: 1, MaxStall: core.Duration(200 * time.Millisecond)}})
	start = time.Now()
	_, err := e.try("GET", "/api/v1/roles", nil)
	if d := time.Since(start); err == nil || d < 200*time.Millisecond || d > 5*time.Second {
		t.Errorf("stall: err %v after %s", err, d)
	}
	// A client that gives up first is not held.
	e.S.SetFaults(core.Faults{Stall: &core.Fault{Rate: 1, MaxStall: core.Duration(30 * time.Second)}})
	e.C.Timeout = 100 * time.Millisecond
	start = time.Now()
	if _, err := e.try("GET", "/api/v1/roles", nil); err == nil {
		t.Error("stalled body read to the end")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("client timeout not honoured: %s", d)
	}
}

func TestFaultsTruncate(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Truncate: &core.Fault{Rate: 1}}, true)
	r, err := e.try("GET", "/api/v1/spaces", nil)
	if err != nil {
		t.Fatalf("a truncated body is framed cleanly, got %v", err)
	}
	if r.Status != 200 || r.Header.Get("Content-Length") != itoa(len(r.Raw)) || json.Valid(r.Raw) || len(r.Raw) < 10 {
		t.Errorf("truncate: %d, Content-Length %s, %d bytes valid=%v", r.Status, r.Header.Get("Content-Length"), len(r.Raw), json.Valid(r.Raw))
	}
	// Errors are left whole.
	r, _ = e.try("GET", "/api/v1/spaces/nope", nil)
	if r.Status != 404 || !json.Valid(r.Raw) {
		t.Errorf("404 was mangled: %s", r.Raw)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestFaults429Storm(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{Storm429: &core.Fault{Count: 3, RetryAfter: 2}}, false)
	for i := range 3 {
		r, _ := e.try("GET", "/api/v1/roles", nil)
		if r.Status != 429 || r.Header.Get("Retry-After") != "2" || simtest.FirstError(t, r.Obj())["code"] != "HTTP-429" {
			t.Fatalf("request %d: %d %v %s", i, r.Status, r.Header, r.Raw)
		}
	}
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	if got := e.S.FaultCounts(); got["429storm"] != 3 {
		t.Errorf("counts %v", got)
	}
}

func TestFaultsTokenExpiry(t *testing.T) {
	e := newFaultEnv(t, core.Options{ClientID: "c", ClientSecret: "s"}, core.Faults{TokenExpiry: &core.Fault{Uses: 2}}, false)
	token := func() string {
		m := e.Must(200, e.DoWith("POST", "/oauth/token", map[string]any{"client_id": "c", "client_secret": "s", "grant_type": "client_credentials"}, "application/json", ""))
		return simtest.Str(m["access_token"])
	}
	tok := token()
	for i := range 2 {
		e.Must(200, e.DoWith("GET", "/api/v1/roles", nil, "", "Bearer "+tok))
		_ = i
	}
	if r := e.DoWith("GET", "/api/v1/roles", nil, "", "Bearer "+tok); r.Status != 401 {
		t.Fatalf("third use of a 2-use token: %d", r.Status)
	}
	e.Must(200, e.DoWith("GET", "/api/v1/roles", nil, "", "Bearer "+token()))
	e.Must(200, e.Do("GET", "/api/v1/roles", nil)) // the API key never expires

	// Revoke every token now, through the test API.
	e.S.SetFaults(core.Faults{})
	tok = token()
	e.Must(200, e.DoWith("GET", "/api/v1/roles", nil, "", "Bearer "+tok))
	e.Must(204, e.DoWith("POST", "/_sim/faults", map[string]any{"revokeTokens": true}, "application/json", ""))
	if r := e.DoWith("GET", "/api/v1/roles", nil, "", "Bearer "+tok); r.Status != 401 {
		t.Errorf("revoked token still works: %d", r.Status)
	}
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
}

func TestFaultsStaleCursor(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newFaultEnv(t, core.Options{Now: clock.Now}, core.Faults{StaleCursor: &core.Fault{MaxAge: core.Duration(time.Minute)}}, true)
	lists := []struct {
		path, param string
	}{
		{"/api/v1/spaces?limit=1", "next"},
		{"/api/v1/users?limit=1", "next"},
		{"/api/v1/groups?limit=1", "next"},
		{"/api/v1/roles?limit=1", "next"},
		{"/api/v1/data-connections?limit=1", "page"},
		{"/api/v1/automations?limit=1", "cursor"},
		{"/api/v1/automation-connections?limit=1", "cursor"},
	}
	type pending struct{ path, next string }
	var nexts []pending
	for _, l := range lists {
		m := e.Must(200, e.Do("GET", l.path, nil))
		links, _ := m["links"].(map[string]any)
		nx, _ := links["next"].(map[string]any)
		href := simtest.Str(nx["href"])
		if href == "" {
			t.Fatalf("%s: no next link in %v", l.path, links)
		}
		u, _ := url.Parse(href)
		if u.Query().Get(l.param) == "" {
			t.Fatalf("%s: next href %s has no %s", l.path, href, l.param)
		}
		// Fresh: the cursor works.
		e.Must(200, e.Do("GET", href, nil))
		nexts = append(nexts, pending{l.path, href})
	}
	clock.Add(2 * time.Minute)
	for _, p := range nexts {
		r, err := e.try("GET", p.next, nil)
		if err != nil || r.Status != 400 {
			t.Errorf("%s: stale cursor: %v %d %s", p.path, err, r.Status, r.Raw)
			continue
		}
		if len(simtest.List(r.Obj(), "errors")) == 0 {
			t.Errorf("%s: 400 without Qlik's errors array: %s", p.path, r.Raw)
		}
	}
	// A first page never goes stale.
	e.Must(200, e.Do("GET", "/api/v1/spaces?limit=1", nil))
	if got := e.S.FaultCounts(); got["staleCursor"] != len(lists) {
		t.Errorf("counts %v", got)
	}
}

func TestFaultsAPI(t *testing.T) {
	e := newFaultEnv(t, core.Options{}, core.Faults{}, false)
	e.Must(204, e.DoWith("POST", "/_sim/faults", map[string]any{"spec": "seed=1,5xx=1,5xx.max=1"}, "application/json", ""))
	if r, _ := e.try("GET", "/api/v1/roles", nil); r.Status < 500 {
		t.Errorf("fault via spec not injected: %d", r.Status)
	}
	m := e.Must(200, e.DoWith("GET", "/_sim/faults", nil, "", ""))
	if c, _ := m["counts"].(map[string]any); c["5xx"] != float64(1) {
		t.Errorf("GET /_sim/faults = %v", m)
	}
	e.Must(204, e.DoWith("POST", "/_sim/faults", map[string]any{"429storm": map[string]any{"count": 1, "retryAfter": 1}}, "application/json", ""))
	if r, _ := e.try("GET", "/api/v1/roles", nil); r.Status != 429 {
		t.Errorf("JSON faults not injected: %d", r.Status)
	}
	e.Must(204, e.DoWith("POST", "/_sim/faults", map[string]any{"5xx": map[string]any{"rate": 1}}, "application/json", ""))
	e.Must(204, e.DoWith("DELETE", "/_sim/faults", nil, "", ""))
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	for _, bad := range []any{map[string]any{"5xx": map[string]any{"rate": 7}}, map[string]any{"spec": "5xx=x"}, "{"} {
		if r := e.DoWith("POST", "/_sim/faults", bad, "application/json", ""); r.Status != 400 {
			t.Errorf("POST %v: %d", bad, r.Status)
		}
	}
	// Installing the middleware twice injects once.
	s := e.S
	h := s.FaultMiddleware(s.Handler())
	s.SetFaults(core.Faults{Storm429: &core.Fault{Count: 1}})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/roles", nil)
	req.Header.Set("Authorization", "Bearer "+core.DefaultAPIKey)
	h.ServeHTTP(rec, req)
	if rec.Code != 429 {
		t.Errorf("outer middleware: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("a storm of 1 hit twice: %d", rec.Code)
	}
}
