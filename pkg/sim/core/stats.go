package core

import (
	"maps"
	"net/http"
	"sync"
)

// Stats counts the requests the simulator served (the /_sim/ endpoints
// excluded). Tier1/Tier2 and Writes count /api/ requests only.
type Stats struct {
	Requests  int64            `json:"requests"`
	Tier1     int64            `json:"tier1"`
	Tier2     int64            `json:"tier2"`
	ByMethod  map[string]int64 `json:"byMethod"`
	Writes    int64            `json:"writes"`
	Throttled int64            `json:"throttled"`
}

type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func (c *statsCounter) count(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Requests++
	if c.s.ByMethod == nil {
		c.s.ByMethod = map[string]int64{}
	}
	c.s.ByMethod[r.Method]++
	if !isAPIPath(r.URL.Path) {
		return
	}
	if tierOf(r.Method) == 1 {
		c.s.Tier1++
	} else {
		c.s.Tier2++
		c.s.Writes++
	}
}

func (c *statsCounter) throttle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Throttled++
}

// Stats returns a snapshot of the request counters (as GET /_sim/stats).
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.s
	out.ByMethod = maps.Clone(out.ByMethod)
	if out.ByMethod == nil {
		out.ByMethod = map[string]int64{}
	}
	return out
}

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.s = Stats{}
}

func (s *Server) countStats(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.stats.count(r)
		next.ServeHTTP(w, r)
	})
}
