package core

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// latencySource yields the delay of each request: fixed, or uniform in
// [min, max] from a seeded generator, so two runs with one seed draw the
// same delays in the same order.
type latencySource struct {
	min, max time.Duration
	mu       sync.Mutex
	rng      *rand.Rand
}

func newLatencySource(min, max time.Duration, seed uint64) *latencySource {
	return &latencySource{min: min, max: max, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (l *latencySource) next() time.Duration {
	if l.max <= l.min {
		return l.min
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.min + time.Duration(l.rng.Int64N(int64(l.max-l.min)+1))
}

// ParseLatency reads --latency: a fixed duration ("20ms") or a range
// ("10ms-40ms", min first).
func ParseLatency(v string) (min, max time.Duration, err error) {
	lo, hi, isRange := strings.Cut(v, "-")
	if min, err = time.ParseDuration(strings.TrimSpace(lo)); err != nil {
		return 0, 0, fmt.Errorf("latency %q: %w", v, err)
	}
	if !isRange {
		return min, min, checkLatency(v, min, min)
	}
	if max, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
		return 0, 0, fmt.Errorf("latency %q: %w", v, err)
	}
	return min, max, checkLatency(v, min, max)
}

func checkLatency(v string, min, max time.Duration) error {
	if min < 0 || max < min {
		return fmt.Errorf("latency %q: want a duration >= 0, or MIN-MAX with MIN <= MAX", v)
	}
	return nil
}
