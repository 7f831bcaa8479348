package qlik

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Qlik budgets requests per user in two tiers: Tier 1 covers the reads (GET)
// and Tier 2 every write. The budgets are independent, so each tier gets its
// own bucket and a caller running reads and writes in parallel keeps both busy.
type tierID int

const (
	tier1 tierID = iota
	tier2
)

func tierFor(method string) tierID {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return tier1
	}
	return tier2
}

// bucket is a token bucket that refills at perMin/60 tokens per second and
// holds at most perMin tokens.
//
// Why a burst of a whole minute: Qlik evaluates its per-minute limits over a
// 5-minute window precisely to allow bursts, so a fresh client can send one
// minute's budget at once without a 429 and then settles to the steady rate,
// which never exceeds the limit. The burst is not larger because this client
// cannot know what the same user spent in the window before it started; if
// that guess is wrong the server's 429 pauses the tier and drains the bucket
// (see pause), so the next burst does not repeat the mistake.
//
// A bucket with rate 0 is unlimited but still honours pauses from a 429.
type bucket struct {
	mu          sync.Mutex
	rate        float64 // tokens per second; 0 = unlimited
	burst       float64
	tokens      float64 // negative while callers hold reservations not yet due
	last        time.Time
	pausedUntil time.Time
	now         func() time.Time
}

func newBucket(perMin int, now func() time.Time) *bucket {
	b := &bucket{now: now, last: now()}
	if perMin > 0 {
		b.rate = float64(perMin) / 60
		b.burst = float64(perMin)
		b.tokens = b.burst
	}
	return b
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens += now.Sub(b.last).Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
}

// reserve takes a token now and says how long until it may be used. Taking it
// up front (rather than polling) keeps waiters in FIFO-like order and makes
// the delay computable without a lock held while sleeping.
func (b *bucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate == 0 {
		return 0
	}
	now := b.now()
	b.refill(now)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	// last is in the future while the tier is paused: tokens accrue only from then.
	due := b.last.Add(time.Duration(-b.tokens / b.rate * float64(time.Second)))
	return due.Sub(now)
}

func (b *bucket) unreserve() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate > 0 {
		b.tokens++
	}
}

// pauseLeft is re-read after every sleep because a 429 seen by another
// goroutine may have paused the tier while this one was already waiting.
func (b *bucket) pauseLeft() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pausedUntil.Sub(b.now())
}

// pause blocks the tier, mirroring Qlik, which blocks every endpoint of the
// tier for the user until Retry-After has passed. The bucket is drained and
// refills only after the pause, so the tier resumes at the steady rate
// instead of bursting straight into another 429.
func (b *bucket) pause(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	until := b.now().Add(d)
	if until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
	if b.tokens > 0 {
		b.tokens = 0
	}
	if b.pausedUntil.After(b.last) {
		b.last = b.pausedUntil
	}
}

// wait blocks until the caller may send one request on this tier. A 429
// that arrives while the caller sleeps makes it give its slot back and queue
// again behind the pause, so waiters spread out after the pause instead of
// all firing the moment it ends.
func (b *bucket) wait(ctx context.Context) (time.Duration, error) {
	start := b.now()
	for {
		if p := b.pauseLeft(); p > 0 {
			if err := sleepCtx(ctx, p); err != nil {
				return b.now().Sub(start), err
			}
			continue
		}
		if err := sleepCtx(ctx, b.reserve()); err != nil {
			b.unreserve()
			return b.now().Sub(start), err
		}
		if b.pauseLeft() > 0 {
			b.unreserve()
			continue
		}
		return b.now().Sub(start), nil
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tierState is one tier's bucket plus its counters.
type tierState struct {
	bucket    *bucket
	requests  atomic.Int64
	retries   atomic.Int64
	throttled atomic.Int64
	waitedNs  atomic.Int64
}

// TierStats counts one tier's traffic since the client was created.
type TierStats struct {
	Requests  int64         // HTTP attempts sent, retries included
	Retries   int64         // attempts that were retries
	Throttled int64         // 429 responses received
	Waited    time.Duration // total time callers spent waiting for the scheduler
}

// ClientStats is a snapshot for benchmarks and tests.
type ClientStats struct {
	Tier1         TierStats // GET, HEAD
	Tier2         TierStats // POST, PUT, PATCH, DELETE
	TokenRequests int64     // OAuth token exchanges
}

// Requests is the total across both tiers.
func (s ClientStats) Requests() int64 { return s.Tier1.Requests + s.Tier2.Requests }

// Throttled is the total number of 429s across both tiers.
func (s ClientStats) Throttled() int64 { return s.Tier1.Throttled + s.Tier2.Throttled }

func (t *tierState) stats() TierStats {
	return TierStats{
		Requests:  t.requests.Load(),
		Retries:   t.retries.Load(),
		Throttled: t.throttled.Load(),
		Waited:    time.Duration(t.waitedNs.Load()),
	}
}

// Stats returns the counters since New.
func (c *Client) Stats() ClientStats {
	return ClientStats{
		Tier1:         c.tiers[tier1].stats(),
		Tier2:         c.tiers[tier2].stats(),
		TokenRequests: c.tokenRequests.Load(),
	}
}
