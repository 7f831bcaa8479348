package core

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter enforces Qlik's per-tier limits over a sliding one-minute
// window (Options.RateMinute shortens the minute, for benchmarks). Tier 1 is GET (and HEAD), tier 2 is every write. When a tier is over
// its limit it is blocked as a whole until Retry-After has passed.
type rateLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration // a rate-limit minute
	tiers  [2]tierState
}

type tierState struct {
	limit        int
	hits         []time.Time // requests admitted in the last minute, oldest first
	blockedUntil time.Time
}

func newRateLimiter(tier1, tier2 int, window time.Duration, now func() time.Time) *rateLimiter {
	if window <= 0 {
		window = time.Minute
	}
	rl := &rateLimiter{now: now, window: window}
	rl.tiers[0].limit = tier1
	rl.tiers[1].limit = tier2
	return rl
}

func tierOf(method string) int {
	if isWriteMethod(method) {
		return 2
	}
	return 1
}

// admit records a request in tier (1 or 2). It returns 0 when the request may
// go on, else the whole seconds to wait.
func (rl *rateLimiter) admit(tier int) int {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	t := &rl.tiers[tier-1]
	if t.limit <= 0 {
		return 0
	}
	now := rl.now()
	if now.Before(t.blockedUntil) {
		return ceilSeconds(t.blockedUntil.Sub(now))
	}
	cut := 0
	for cut < len(t.hits) && !now.Before(t.hits[cut].Add(rl.window)) {
		cut++
	}
	t.hits = t.hits[cut:]
	if len(t.hits) >= t.limit {
		t.blockedUntil = t.hits[0].Add(rl.window)
		return ceilSeconds(t.blockedUntil.Sub(now))
	}
	t.hits = append(t.hits, now)
	return 0
}

func ceilSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPIPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		tier := tierOf(r.Method)
		if wait := s.limiter.admit(tier); wait > 0 {
			s.stats.throttle(tier)
			writeRateLimited(w, r, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeRateLimited answers 429 with a whole-seconds Retry-After header.
//
// The body is the one qlik.dev's rate-limiting page documents for the whole
// API, {"errors":[{"code":"HTTP-429","title":"API rate limit reached.",
// "detail":"You need to wait N seconds until limit is lifted."}]}, wherever
// the service's errors are an errors array: it satisfies every such spec's
// error schema, including those that document 429 (spaces, users, groups,
// roles, glossaries). Themes and extensions are the exception: their specs'
// only error schema (`error`, also their `default` response) is a single
// object with required code and title, which the errors array would break,
// so there the same code, title and message go into that object.
func writeRateLimited(w http.ResponseWriter, r *http.Request, wait int) {
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	const title = "API rate limit reached."
	detail := fmt.Sprintf("You need to wait %d seconds until limit is lifted.", wait)
	if styleOf(r).SingleObject {
		WriteError(w, r, http.StatusTooManyRequests, "HTTP-429", "", title, detail)
		return
	}
	WriteJSON(w, http.StatusTooManyRequests, map[string]any{
		"errors": []any{map[string]any{"code": "HTTP-429", "title": title, "detail": detail}},
	})
}
