package qlik_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
)

// How the client reacts to each class of qliksim's injected faults, over
// loopback: retry to success where a retry is safe, a clear error where it
// is not. A failed read must never look like an empty list.

const faultsSeed = "../../examples/demo-tenant"

func faultSim(t *testing.T, opts sim.Options, seed bool) (*sim.Server, string) {
	t.Helper()
	s := sim.New(opts)
	if seed {
		if err := s.LoadSeed(faultsSeed); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func faultClient(t *testing.T, url string, mod func(*qlik.Config)) *qlik.Client {
	t.Helper()
	cfg := qlik.Config{TenantURL: url, APIKey: sim.DefaultAPIKey, Tier1PerMin: -1, Tier2PerMin: -1, RetryBackoff: time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	c, err := qlik.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func countSpaces(t *testing.T, c *qlik.Client, name string) int {
	t.Helper()
	var out struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := c.Do(ctxT(t, 5*time.Second), "GET", "/api/v1/spaces?name="+name, nil, &out); err != nil {
		t.Fatal(err)
	}
	return len(out.Data)
}

func TestFaultsClientRetriesReadsToSuccess(t *testing.T) {
	for _, f := range []sim.Faults{
		{Seed: 1, Error5xx: &sim.Fault{Rate: 0.4}},
		{Seed: 2, Reset: &sim.Fault{Rate: 0.4}},
		{Seed: 3, Reset: &sim.Fault{Rate: 0.4, When: "after"}},
		{Seed: 4, Slow: &sim.Fault{Rate: 0.3, Pause: sim.Duration(20 * time.Millisecond)}},
	} {
		t.Run(f.String(), func(t *testing.T) {
			s, url := faultSim(t, sim.Options{}, true)
			s.SetFaults(f)
			c := faultClient(t, url, func(c *qlik.Config) { c.MaxRetries = 8 })
			n := 0
			err := c.ListAll(ctxT(t, 10*time.Second), "/api/v1/users", map[string][]string{"limit": {"2"}}, func(json.RawMessage) error { n++; return nil })
			if err != nil {
				t.Fatalf("ListAll under %s: %v", f, err)
			}
			if n != 15 {
				t.Errorf("listed %d users, want 15", n)
			}
			if len(s.FaultCounts()) == 0 {
				t.Errorf("no fault was injected")
			}
		})
	}
}

// A POST that fails with a 5xx or a reset is not repeated: the tenant may
// have applied it. Whoever calls must look before writing again.
func TestFaultsClientDoesNotRepeatWrites(t *testing.T) {
	s, url := faultSim(t, sim.Options{}, false)
	c := faultClient(t, url, nil)
	body := map[string]any{"name": "Once", "type": "shared"}

	s.SetFaults(sim.Faults{Error5xx: &sim.Fault{Rate: 1, Statuses: []int{502}, When: "after", Methods: []string{"POST"}}})
	err := c.Do(ctxT(t, 5*time.Second), "POST", "/api/v1/spaces", body, nil)
	if qlik.StatusOf(err) != 502 {
		t.Fatalf("POST under 502: %v", err)
	}
	if got := s.FaultCounts()["5xx"]; got != 1 {
		t.Errorf("POST attempted %d times, want 1", got)
	}
	s.ClearFaults()
	if n := countSpaces(t, c, "Once"); n != 1 {
		t.Errorf("%d spaces named Once", n)
	}

	s.SetFaults(sim.Faults{Reset: &sim.Fault{Rate: 1, When: "after", Methods: []string{"POST"}}})
	err = c.Do(ctxT(t, 5*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": "Twice", "type": "shared"}, nil)
	if err == nil || qlik.StatusOf(err) != 0 {
		t.Fatalf("POST under reset: %v", err)
	}
	if got := s.FaultCounts()["reset"]; got != 1 {
		t.Errorf("POST attempted %d times, want 1", got)
	}
	s.ClearFaults()
	if n := countSpaces(t, c, "Twice"); n != 1 {
		t.Errorf("%d spaces named Twice", n)
	}
}

func TestFaultsClientTruncatedListIsAnError(t *testing.T) {
	s, url := faultSim(t, sim.Options{}, true)
	c := faultClient(t, url, func(cfg *qlik.Config) { cfg.MaxRetries = 3 })
	list := func() (int, error) {
		n := 0
		err := c.ListAll(ctxT(t, 5*time.Second), "/api/v1/users", map[string][]string{"limit": {"5"}}, func(json.RawMessage) error { n++; return nil })
		return n, err
	}
	whole, err := list()
	if err != nil {
		t.Fatal(err)
	}
	// Two cut pages are fetched again within the budget: the list is whole.
	s.SetFaults(sim.Faults{Truncate: &sim.Fault{Rate: 1, Path: "/api/v1/users", Max: 2}})
	if n, err := list(); err != nil || n != whole {
		t.Fatalf("two cut pages: %d of %d users, %v", n, whole, err)
	}
	if got := s.FaultCounts()["truncate"]; got != 2 {
		t.Errorf("%d pages cut, want 2", got)
	}
	// Every page cut: the list fails once the budget is spent, it is never short.
	s.SetFaults(sim.Faults{Truncate: &sim.Fault{Rate: 1, Path: "/api/v1/users"}})
	n, err := list()
	if err == nil {
		t.Fatalf("truncated list read as %d users", n)
	}
	if got := s.FaultCounts()["truncate"]; got != 4 {
		t.Errorf("%d attempts at a cut page, want 4 (1 + 3 retries)", got)
	}
	if !strings.Contains(err.Error(), "/api/v1/users") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unclear error: %v", err)
	}
	t.Logf("truncated page: %v", err)

	var out map[string]any
	s.SetFaults(sim.Faults{Truncate: &sim.Fault{Rate: 1}})
	err = c.Do(ctxT(t, 5*time.Second), "GET", "/api/v1/roles", nil, &out)
	if err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("truncated GET: %v", err)
	}
	// One cut answer to a GET is retried and then decodes.
	s.SetFaults(sim.Faults{Truncate: &sim.Fault{Rate: 1, Max: 1}})
	if err := c.Do(ctxT(t, 5*time.Second), "GET", "/api/v1/roles", nil, &out); err != nil {
		t.Errorf("GET cut once: %v", err)
	}
}

func TestFaultsClientStall(t *testing.T) {
	s, url := faultSim(t, sim.Options{}, false)
	c := faultClient(t, url, nil)
	// The caller's deadline bounds a stalled body.
	s.SetFaults(sim.Faults{Stall: &sim.Fault{Rate: 1, MaxStall: sim.Duration(30 * time.Second)}})
	start := time.Now()
	err := c.Do(ctxT(t, 300*time.Millisecond), "GET", "/api/v1/roles", nil, new(map[string]any))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Errorf("stall with a deadline: %v after %s", err, time.Since(start))
	}
	// Without a deadline the client waits until the server cuts the stalled
	// body, then retries the GET: it has no read-idle timeout of its own
	// (see the report: a stall that never ends holds the run).
	s.SetFaults(sim.Faults{Stall: &sim.Fault{Rate: 1, Max: 1, MaxStall: sim.Duration(400 * time.Millisecond)}})
	start = time.Now()
	if err := c.Do(context.Background(), "GET", "/api/v1/roles", nil, new(map[string]any)); err != nil {
		t.Errorf("stall then retry: %v", err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("stall ended after %s", d)
	}
}

func TestFaultsClient429Storm(t *testing.T) {
	s, url := faultSim(t, sim.Options{}, false)
	c := faultClient(t, url, nil)
	s.SetFaults(sim.Faults{Storm429: &sim.Fault{Count: 1, RetryAfter: 1}})
	start := time.Now()
	if err := c.Do(ctxT(t, 10*time.Second), "GET", "/api/v1/roles", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("Retry-After 1 not honoured: %s", d)
	}
	// A storm on writes also retries (Qlik did not process a 429).
	s.SetFaults(sim.Faults{Storm429: &sim.Fault{Count: 1, RetryAfter: 1, Methods: []string{"POST"}}})
	if err := c.Do(ctxT(t, 10*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": "Stormy", "type": "shared"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := countSpaces(t, c, "Stormy"); n != 1 {
		t.Errorf("%d spaces named Stormy", n)
	}
}

func TestFaultsClientOAuthExpiryAndRevocation(t *testing.T) {
	s, url := faultSim(t, sim.Options{ClientID: "ci", ClientSecret: "very-secret-1"}, false)
	c := faultClient(t, url, func(c *qlik.Config) { c.APIKey, c.ClientID, c.ClientSecret = "", "ci", "very-secret-1" })
	s.SetFaults(sim.Faults{TokenExpiry: &sim.Fault{Uses: 3}})
	for i := range 10 {
		if err := c.Do(ctxT(t, 5*time.Second), "GET", "/api/v1/roles", nil, nil); err != nil {
			t.Fatalf("request %d with expiring tokens: %v", i, err)
		}
	}
	if got := s.FaultCounts()["tokenExpiry"]; got < 2 {
		t.Errorf("tokens expired %d times", got)
	}
	// Revoked in the middle of parallel work: every caller re-authenticates.
	s.SetFaults(sim.Faults{})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		if i == 10 {
			s.RevokeTokens()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.Do(ctxT(t, 5*time.Second), "GET", "/api/v1/roles", nil, nil)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("after revocation: %v", err)
		}
	}
}

func TestFaultsClientStaleCursor(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, url := faultSim(t, sim.Options{Now: clock}, true)
	s.SetFaults(sim.Faults{StaleCursor: &sim.Fault{MaxAge: sim.Duration(time.Minute)}})
	c := faultClient(t, url, nil)
	for _, l := range []struct {
		path  string
		pager qlik.Pager
	}{
		{"/api/v1/users", qlik.PageLinks},
		{"/api/v1/data-connections", qlik.PageParam},
		{"/api/v1/automations", qlik.PageCursorParam},
	} {
		n := 0
		err := c.ListPages(ctxT(t, 5*time.Second), l.path, qlik.ListOptions{Query: map[string][]string{"limit": {"1"}}, Pager: l.pager},
			func(json.RawMessage) error {
				n++
				mu.Lock()
				now = now.Add(2 * time.Minute) // the consumer is slow
				mu.Unlock()
				return nil
			})
		if qlik.StatusOf(err) != http.StatusBadRequest || n != 1 {
			t.Errorf("%s: stale cursor: %v after %d items", l.path, err, n)
		}
	}
}
