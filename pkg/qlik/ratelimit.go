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

// bucket paces one tier over a sliding window, the way Qlik (and qliksim)
// counts: no window of one rate-limit minute holds more than the budget.
//
// Why a sliding log and not a token bucket: a bucket that starts full and
// refills at the limit sends up to twice the budget within its first
// minute, which a sliding window answers with 429s. Keeping the times of
// the last cap admissions (some in the future: reservations not yet due)
// lets a fresh client send cap requests at once, then one each time the
// oldest leaves the window: the limit exactly, never over it.
//
// cap is the budget less 5% headroom, for requests Qlik counts that this
// client did not send (another tool on the same user), and a slot frees a
// margin after the oldest leaves the window (see margin). A 429 pauses the whole tier until Retry-After (see pause)
// and lowers cap by a fifth; cap then recovers by a tenth of the budget per
// window without another 429: adaptive backoff around the real limit.
//
// A bucket with limit 0 is unlimited but still honours pauses from a 429.
type bucket struct {
	mu          sync.Mutex
	limit       int           // requests per window, headroom taken; 0 = unlimited
	window      time.Duration // a rate-limit minute
	log         []*slot       // the last admissions, oldest first, at most limit
	pausedUntil time.Time
	throttledAt time.Time // the last 429; zero: none
	reduced     int       // cap right after that 429
	now         func() time.Time
}

// slot is one admission: when it is due, then (done) when its response
// came. The response time bounds when the server counted the request, so
// a slot frees a window after it, however long the request took to reach
// the server (a burst on fresh connections, a busy machine).
type slot struct {
	at   time.Time
	done bool
}

// headroom is the share of a tier's budget the pacer uses.
const headroom = 0.95

func newBucket(perMin int, window time.Duration, now func() time.Time) *bucket {
	if window <= 0 {
		window = time.Minute
	}
	b := &bucket{now: now, window: window}
	if perMin > 0 {
		b.limit = max(1, int(float64(perMin)*headroom))
	}
	return b
}

// margin is how much later than a window after the oldest request a slot
// frees, for the server's clock and window edges: 2% of a window.
func (b *bucket) margin() time.Duration { return b.window / 50 }

// capAt is how many requests a window may hold now: the limit, or less
// while recovering from a 429.
func (b *bucket) capAt(now time.Time) int {
	if b.throttledAt.IsZero() {
		return b.limit
	}
	regained := int(float64(b.limit) * 0.1 * float64(now.Sub(b.throttledAt)) / float64(b.window))
	return max(1, min(b.limit, b.reduced+regained))
}

// reserve takes the next free slot and says how long until it is due.
// Taking it up front (rather than polling) keeps waiters in FIFO order and
// makes the delay computable without a lock held while sleeping. The slot
// frees a window after the latest of the requests that must leave the
// window first has been answered (one still in flight counts as now).
func (b *bucket) reserve() (time.Duration, *slot) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit == 0 {
		return 0, nil
	}
	now := b.now()
	at := now
	if b.pausedUntil.After(at) {
		at = b.pausedUntil
	}
	if c := b.capAt(now); len(b.log) >= c {
		var latest time.Time
		for _, s := range b.log[:len(b.log)-c+1] {
			t := s.at
			if !s.done && t.Before(now) {
				t = now
			}
			if t.After(latest) {
				latest = t
			}
		}
		if due := latest.Add(b.window + b.margin()); due.After(at) {
			at = due
		}
	}
	s := &slot{at: at}
	b.log = append(b.log, s)
	if len(b.log) > b.limit {
		b.log = append(b.log[:0:0], b.log[len(b.log)-b.limit:]...)
	}
	return at.Sub(now), s
}

// done records that the request of s was answered.
func (b *bucket) done(s *slot) {
	if s == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if now := b.now(); now.After(s.at) {
		s.at = now
	}
	s.done = true
}

// unreserve gives a slot back (the caller gave up, or a pause came first).
func (b *bucket) unreserve(s *slot) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.log) - 1; i >= 0; i-- {
		if b.log[i] == s {
			b.log = append(b.log[:i], b.log[i+1:]...)
			return
		}
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
// tier for the user until Retry-After has passed, and lowers the pace: the
// server counted more than this client knew of.
func (b *bucket) pause(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	until := now.Add(d)
	if until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
	if b.limit > 0 {
		b.reduced = max(1, b.capAt(now)*4/5)
		b.throttledAt = now
	}
}

// wait blocks until the caller may send one request on this tier, and
// returns its slot, to be marked done when the response comes. A 429 that
// arrives while the caller sleeps makes it give its slot back and queue
// again behind the pause, so waiters spread out after the pause instead of
// all firing the moment it ends.
func (b *bucket) wait(ctx context.Context) (time.Duration, *slot, error) {
	start := b.now()
	for {
		if p := b.pauseLeft(); p > 0 {
			if err := sleepCtx(ctx, p); err != nil {
				return b.now().Sub(start), nil, err
			}
			continue
		}
		d, s := b.reserve()
		if err := sleepCtx(ctx, d); err != nil {
			b.unreserve(s)
			return b.now().Sub(start), nil, err
		}
		if b.pauseLeft() > 0 {
			b.unreserve(s)
			continue
		}
		return b.now().Sub(start), s, nil
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
