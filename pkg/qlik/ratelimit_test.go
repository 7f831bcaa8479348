package qlik

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// fakeClock drives a bucket's arithmetic without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func TestBucketArithmetic(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	b := newBucket(60, clk.now) // 1 token/s, burst 60
	for i := range 60 {
		if d := b.reserve(); d != 0 {
			t.Fatalf("burst request %d delayed %s", i, d)
		}
	}
	if d := b.reserve(); d != time.Second {
		t.Errorf("61st delay = %s, want 1s", d)
	}
	if d := b.reserve(); d != 2*time.Second {
		t.Errorf("62nd delay = %s, want 2s", d)
	}
	clk.add(10 * time.Second) // repays the 2 owed, 8 in hand
	for i := range 8 {
		if d := b.reserve(); d != 0 {
			t.Fatalf("refilled request %d delayed %s", i, d)
		}
	}
	if d := b.reserve(); d != time.Second {
		t.Errorf("after refill delay = %s, want 1s", d)
	}
}

func TestBucketPauseDrainsAndDefers(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	b := newBucket(60, clk.now)
	b.pause(5 * time.Second)
	if p := b.pauseLeft(); p != 5*time.Second {
		t.Errorf("pauseLeft = %s", p)
	}
	// No burst after a 429: the first token is due one interval after the pause.
	if d := b.reserve(); d != 6*time.Second {
		t.Errorf("first reservation after pause due in %s, want 6s", d)
	}
	unlimited := newBucket(0, clk.now)
	if d := unlimited.reserve(); d != 0 {
		t.Errorf("unlimited bucket delayed %s", d)
	}
	unlimited.pause(time.Second)
	if p := unlimited.pauseLeft(); p != time.Second {
		t.Errorf("unlimited bucket ignores 429 pause: %s", p)
	}
}

func TestTier2RateLimitsWritesBeyondBurst(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	c := newTestClient(t, srv, func(c *Config) { c.Tier2PerMin = 60; c.Tier1PerMin = 0 })
	ctx := context.Background()
	start := time.Now()
	for range 60 {
		if err := c.Do(ctx, "POST", "/api/v1/x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("burst of 60 took %s, want immediate", d)
	}
	// Reads are another budget: untouched by the exhausted write tier.
	t0 := time.Now()
	if err := c.Do(ctx, "GET", "/api/v1/x", nil, nil); err != nil || time.Since(t0) > 200*time.Millisecond {
		t.Errorf("GET blocked by tier 2: %v after %s", err, time.Since(t0))
	}
	t0 = time.Now()
	if err := c.Do(ctx, "DELETE", "/api/v1/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 800*time.Millisecond || d > 1600*time.Millisecond {
		t.Errorf("61st write took %s, want about 1s at 60/min", d)
	}
	if w := c.Stats().Tier2.Waited; w < 800*time.Millisecond {
		t.Errorf("Tier2 waited = %s", w)
	}
}

func TestRateWaitAbortsOnCancel(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits.inc(); w.WriteHeader(204) })
	c := newTestClient(t, srv, func(c *Config) { c.Tier2PerMin = 1 })
	if err := c.Do(context.Background(), "PUT", "/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Do(ctx, "PUT", "/x", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second || hits.get() != 1 {
		t.Errorf("err=%v after %s hits=%d, want a prompt ctx error and no request", err, time.Since(start), hits.get())
	}
	// The cancelled waiter gave its slot back: the bucket owes one minute, not two.
	if d := c.tiers[tier2].bucket.reserve(); d > 61*time.Second {
		t.Errorf("cancelled reservation not returned: next due in %s", d)
	}
}

func Test429PausesWholeTier(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/limited" && hits.inc() == 1 {
			w.Header().Set("Retry-After", "0.3")
			writeJSON(w, 429, `{}`)
			return
		}
		w.WriteHeader(204)
	})
	c := newTestClient(t, srv, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := c.Do(context.Background(), "POST", "/limited", nil, nil); err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	if err := c.Do(context.Background(), "GET", "/other", nil, nil); err != nil || time.Since(t0) > 100*time.Millisecond {
		t.Errorf("tier 1 paused by a tier 2 429: %v after %s", err, time.Since(t0))
	}
	start := time.Now()
	if err := c.Do(context.Background(), "POST", "/other", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 120*time.Millisecond {
		t.Errorf("other write on the paused tier went after %s, want it held until Retry-After", d)
	}
	<-done
	if s := c.Stats().Tier2; s.Throttled != 1 || s.Requests != 3 {
		t.Errorf("tier 2 stats = %+v", s)
	}
}
