package core

import (
	"maps"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Stats counts the requests the simulator served (the /_sim/ endpoints
// excluded). Tier1/Tier2 and Writes count /api/ requests only. Writes are
// the Tier-2 requests that can change the tenant: a service's
// ReadOnlyWrites (an app export into temp contents) count as Tier 2 only.
type Stats struct {
	Requests  int64            `json:"requests"`
	Tier1     int64            `json:"tier1"`
	Tier2     int64            `json:"tier2"`
	ByMethod  map[string]int64 `json:"byMethod"`
	Writes    int64            `json:"writes"`
	Throttled int64            `json:"throttled"`
	// Tier1Throttled and Tier2Throttled split Throttled (the 429s) by tier.
	Tier1Throttled int64 `json:"tier1Throttled"`
	Tier2Throttled int64 `json:"tier2Throttled"`
	// ByFamily counts /api/ requests by method and route family: the path
	// after the API version with every id replaced by *, so a benchmark can
	// tell list pages ("GET spaces") from per-item reads ("GET spaces/*")
	// and per-item sub-lists ("GET spaces/*/assignments").
	ByFamily map[string]int64 `json:"byFamily"`
}

type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func (c *statsCounter) count(r *http.Request, readOnly bool) {
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
	if c.s.ByFamily == nil {
		c.s.ByFamily = map[string]int64{}
	}
	c.s.ByFamily[r.Method+" "+RouteFamily(r.URL.Path)]++
	if tierOf(r.Method) == 1 {
		c.s.Tier1++
	} else {
		c.s.Tier2++
		if !readOnly {
			c.s.Writes++
		}
	}
}

func (c *statsCounter) throttle(tier int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Throttled++
	if tier == 1 {
		c.s.Tier1Throttled++
	} else {
		c.s.Tier2Throttled++
	}
}

// RouteFamily is an /api/ path without its prefix and version, every id
// replaced by *: /api/v1/spaces/abc/assignments is "spaces/*/assignments".
// Qlik's paths alternate collection and id below the first segment, which
// is what makes the odd positions ids.
func RouteFamily(p string) string {
	rest := strings.TrimPrefix(p, "/api/")
	if _, after, ok := strings.Cut(rest, "/"); ok { // the version: v1, core, analytics
		rest = after
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	for i := range segs {
		if i%2 == 1 {
			segs[i] = "*"
		}
	}
	if len(segs) > 4 {
		segs = segs[:4]
	}
	return strings.Join(segs, "/")
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
	out.ByFamily = maps.Clone(out.ByFamily)
	if out.ByFamily == nil {
		out.ByFamily = map[string]int64{}
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
		s.stats.count(r, s.readOnlyWrite(r))
		next.ServeHTTP(w, r)
	})
}

// readOnlyWrite reports a request one of the services declares as a
// Tier-2 call that changes nothing in the tenant.
func (s *Server) readOnlyWrite(r *http.Request) bool {
	for _, svc := range s.services {
		for _, p := range svc.ReadOnlyWrites {
			method, pattern, _ := strings.Cut(p, " ")
			if ok, _ := path.Match(pattern, r.URL.Path); ok && r.Method == method {
				return true
			}
		}
	}
	return false
}
