package sim

import (
	"net/http"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// With --rate-minute 1s a rate-limit minute lasts a second: the limit and
// the 429 are Qlik's, the window is a sixtieth.
func TestRateMinuteScalesTheWindow(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := newEnv(t, core.Options{Tier1PerMin: 2, Tier2PerMin: 1, RateMinute: time.Second, Now: clock.Now})
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	if r := e.Do("GET", "/api/v1/roles", nil); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
		t.Fatalf("3rd GET in the window: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "a"}))
	if r := e.Do("POST", "/api/v1/groups", map[string]any{"name": "b"}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("2nd POST: %d", r.Status)
	}
	clock.Add(1001 * time.Millisecond)
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	e.Must(201, e.Do("POST", "/api/v1/groups", map[string]any{"name": "b"}))
	st := e.S.Stats()
	if st.Throttled != 2 || st.Tier1Throttled != 1 || st.Tier2Throttled != 1 {
		t.Errorf("throttled %d (tier 1 %d, tier 2 %d), want 2 (1, 1)", st.Throttled, st.Tier1Throttled, st.Tier2Throttled)
	}
}

// /_sim/stats counts by route family, ids replaced, and resets.
func TestStatsByRouteFamily(t *testing.T) {
	e := newEnv(t, core.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "A", "type": "shared"}))
	id := sp["id"].(string)
	e.Must(200, e.Do("GET", "/api/v1/spaces", nil))
	e.Must(200, e.Do("GET", "/api/v1/spaces/"+id, nil))
	e.Must(200, e.Do("GET", "/api/v1/spaces/"+id+"/assignments", nil))
	e.Must(200, e.Do("GET", "/api/v1/spaces/"+id+"/assignments?limit=100", nil))
	got := e.S.Stats().ByFamily
	want := map[string]int64{"POST spaces": 1, "GET spaces": 1, "GET spaces/*": 1, "GET spaces/*/assignments": 2}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("byFamily[%q] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("byFamily = %v, want only %v", got, want)
	}
	e.Must(204, e.DoWith("POST", "/_sim/stats/reset", nil, "", ""))
	if st := e.S.Stats(); len(st.ByFamily) != 0 || st.Tier1 != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func TestRouteFamily(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/data-connections":                "data-connections",
		"/api/v1/data-connections/abc":            "data-connections/*",
		"/api/core/ip-policies/x":                 "ip-policies/*",
		"/api/v1/glossaries/g/terms/t/links":      "glossaries/*/terms/*",
		"/api/v1/apps/a1/data/metadata/":          "apps/*/data/*",
		"/api/v1/automations/a/actions/duplicate": "automations/*/actions/*",
	} {
		if got := core.RouteFamily(path); got != want {
			t.Errorf("RouteFamily(%q) = %q, want %q", path, got, want)
		}
	}
}

// A latency range draws each delay in range, the same sequence for the
// same seed.
func TestLatencyRange(t *testing.T) {
	lo, hi, err := core.ParseLatency("10ms-40ms")
	if err != nil || lo != 10*time.Millisecond || hi != 40*time.Millisecond {
		t.Fatalf("ParseLatency = %v %v %v", lo, hi, err)
	}
	if lo, hi, err := core.ParseLatency("20ms"); err != nil || lo != hi || lo != 20*time.Millisecond {
		t.Errorf("fixed: %v %v %v", lo, hi, err)
	}
	for _, bad := range []string{"40ms-10ms", "x", "10ms-y", "-5ms"} {
		if _, _, err := core.ParseLatency(bad); err == nil {
			t.Errorf("ParseLatency(%q) accepted", bad)
		}
	}
	e := newEnv(t, core.Options{Latency: 2 * time.Millisecond, LatencyMax: 6 * time.Millisecond, LatencySeed: 9})
	for range 5 {
		start := time.Now()
		e.Must(200, e.Do("GET", "/api/v1/roles", nil))
		if d := time.Since(start); d < 2*time.Millisecond {
			t.Errorf("request took %v, under the 2ms floor", d)
		}
	}
}
