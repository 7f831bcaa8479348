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
	b := newBucket(100, time.Minute, clk.now) // 95 a minute, headroom taken
	// take reserves a slot whose request is answered the moment it is due.
	take := func() time.Duration { d, s := b.reserve(); b.done(s); return d }
	for i := range 95 {
		if d := take(); d != 0 {
			t.Fatalf("burst request %d delayed %s", i, d)
		}
	}
	// The window is full: the next slots come as the burst leaves it.
	// The window is full: the next slots come as the burst leaves it, a
	// fiftieth of a window later for arrival jitter.
	if d := take(); d != time.Minute+1200*time.Millisecond {
		t.Errorf("96th delay = %s, want 1m1.2s", d)
	}
	clk.add(30 * time.Second)
	if d := take(); d != 31200*time.Millisecond {
		t.Errorf("97th delay = %s, want 31.2s", d)
	}
	// No window of a minute ever holds more than 95.
	clk.add(32 * time.Second)
	for i := range 93 {
		if d := take(); d != 0 {
			t.Fatalf("after the window slid, request %d delayed %s", i, d)
		}
	}
	if d := take(); d <= 0 {
		t.Errorf("window over 95: request admitted at once")
	}
}

// Against a sliding one-minute window at the limit, a client pacing from
// a standing start for three minutes is never over it.
func TestBucketNeverExceedsTheWindow(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	b := newBucket(60, time.Minute, clk.now)
	var sent []time.Time
	for len(sent) < 180 {
		d, s := b.reserve()
		clk.add(d)
		sent = append(sent, clk.now())
		b.done(s)
		clk.add(100 * time.Millisecond)
	}
	for i := range sent {
		n := 0
		for _, s := range sent[i:] {
			if s.Sub(sent[i]) < time.Minute {
				n++
			}
		}
		if n > 60 {
			t.Fatalf("%d requests in the minute from request %d, limit 60", n, i)
		}
	}
}

func TestBucketPauseDefersAndBacksOff(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	b := newBucket(100, time.Minute, clk.now)
	b.pause(5 * time.Second)
	if p := b.pauseLeft(); p != 5*time.Second {
		t.Errorf("pauseLeft = %s", p)
	}
	if d, _ := b.reserve(); d != 5*time.Second {
		t.Errorf("first reservation after pause due in %s, want 5s", d)
	}
	// The 429 lowered the pace by a fifth (95 -> 76), recovering by a tenth
	// of the budget a minute.
	if c := b.capAt(clk.now()); c != 76 {
		t.Errorf("cap after a 429 = %d, want 76", c)
	}
	clk.add(time.Minute)
	if c := b.capAt(clk.now()); c != 85 {
		t.Errorf("cap a minute later = %d, want 85", c)
	}
	clk.add(5 * time.Minute)
	if c := b.capAt(clk.now()); c != 95 {
		t.Errorf("cap recovered = %d, want 95", c)
	}
	unlimited := newBucket(0, time.Minute, clk.now)
	if d, _ := unlimited.reserve(); d != 0 {
		t.Errorf("unlimited bucket delayed %s", d)
	}
	unlimited.pause(time.Second)
	if p := unlimited.pauseLeft(); p != time.Second {
		t.Errorf("unlimited bucket ignores 429 pause: %s", p)
	}
}

func TestTier2RateLimitsWritesBeyondBurst(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	// 60 a "minute" of two seconds: 57 at once, then as the window slides.
	c := newTestClient(t, srv, func(c *Config) { c.Tier2PerMin = 60; c.Tier1PerMin = 0; c.RateMinute = 2 * time.Second })
	ctx := context.Background()
	start := time.Now()
	for range 57 {
		if err := c.Do(ctx, "POST", "/api/v1/x", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("burst of 57 took %s, want immediate", d)
	}
	// Reads are another budget: untouched by the exhausted write tier.
	t0 := time.Now()
	if err := c.Do(ctx, "GET", "/api/v1/x", nil, nil); err != nil || time.Since(t0) > 200*time.Millisecond {
		t.Errorf("GET blocked by tier 2: %v after %s", err, time.Since(t0))
	}
	if err := c.Do(ctx, "DELETE", "/api/v1/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 1800*time.Millisecond || d > 3*time.Second {
		t.Errorf("58th write came %s after the first, want about the 2s window", d)
	}
	if w := c.Stats().Tier2.Waited; w < 1500*time.Millisecond {
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
	if d, _ := c.tiers[tier2].bucket.reserve(); d > 62*time.Second {
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
