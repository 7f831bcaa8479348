package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault injection for reliability tests and benchmarks (DESIGN.md section 4).
//
// Faults are switched on by `qliksim --faults SPEC`, by POST /_sim/faults
// (DELETE clears them, GET shows them with the counts injected so far), and
// by Server.SetFaults. Every class draws from its own math/rand stream seeded
// with Faults.Seed, so a sequential client sees the same faults on every run;
// with parallel clients the draws follow arrival order.
//
// Only /api/ paths are affected unless a class names another path (e.g.
// "/oauth/token"). At most one fault is injected per request, checked in
// this order: 429 storm, stale cursor, 5xx, reset, stall, slow, truncate.
// OAuth token expiry is independent: it only makes the token invalid, and
// the normal auth check then answers 401.

// Faults configures fault injection. The zero value injects nothing.
type Faults struct {
	// Seed makes every random decision repeatable (0 is a valid seed).
	Seed int64 `json:"seed,omitempty"`
	// Error5xx answers 500/502/503 with the service's error body.
	Error5xx *Fault `json:"5xx,omitempty"`
	// Reset closes the connection (TCP RST where possible) before the
	// response, or mid-body after the handler ran.
	Reset *Fault `json:"reset,omitempty"`
	// Slow writes half the body, pauses for Pause, then writes the rest.
	Slow *Fault `json:"slow,omitempty"`
	// Stall writes half the body and hangs until the client gives up or
	// MaxStall passes; the connection is then cut.
	Stall *Fault `json:"stall,omitempty"`
	// Truncate answers a 2xx with half its body, properly framed: the
	// transfer ends cleanly but the JSON is cut.
	Truncate *Fault `json:"truncate,omitempty"`
	// Storm429 answers the next Count matching requests with 429 and
	// Retry-After: RetryAfter seconds.
	Storm429 *Fault `json:"429storm,omitempty"`
	// TokenExpiry makes every OAuth access token invalid after Uses API
	// requests (the API key is never affected).
	TokenExpiry *Fault `json:"tokenExpiry,omitempty"`
	// StaleCursor makes a pagination cursor (next, prev, page, cursor)
	// older than MaxAge invalid: the service answers its own 400 for an
	// invalid cursor.
	StaleCursor *Fault `json:"staleCursor,omitempty"`
	// RevokeTokens is an action, not a setting: every OAuth token issued so
	// far becomes invalid at once.
	RevokeTokens bool `json:"revokeTokens,omitempty"`
}

// Fault is one class's settings. Fields that do not apply to a class are
// ignored.
type Fault struct {
	Rate    float64  `json:"rate,omitempty"`    // probability per matching request, 0..1
	Path    string   `json:"path,omitempty"`    // pattern, * matches anything (also /); "" = every /api/ path
	Methods []string `json:"methods,omitempty"` // only these methods; empty = all
	Max     int      `json:"max,omitempty"`     // inject at most this many times; 0 = no limit

	When       string   `json:"when,omitempty"`       // 5xx, reset: "before" the handler, "after" it ran (a write is applied), or "either"
	Statuses   []int    `json:"statuses,omitempty"`   // 5xx: default 500, 502, 503
	Count      int      `json:"count,omitempty"`      // 429storm: this many requests
	RetryAfter int      `json:"retryAfter,omitempty"` // 429storm: seconds, default 1
	Pause      Duration `json:"pause,omitempty"`      // slow: default 200ms
	MaxStall   Duration `json:"maxStall,omitempty"`   // stall: default 5s, at most 2m
	Uses       int      `json:"uses,omitempty"`       // tokenExpiry: uses per token
	MaxAge     Duration `json:"maxAge,omitempty"`     // staleCursor
}

// Duration is a time.Duration that reads "200ms" or a number of
// milliseconds in JSON, and writes the string form.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return errors.New("duration must be a string such as \"200ms\" or a number of milliseconds")
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// fault classes, in the order they are checked.
const (
	fStorm = iota
	fStale
	f5xx
	fReset
	fStall
	fSlow
	fTruncate
	fToken
	nFaultClasses
)

var faultNames = [nFaultClasses]string{"429storm", "staleCursor", "5xx", "reset", "stall", "slow", "truncate", "tokenExpiry"}

const (
	defaultSlowPause = 200 * time.Millisecond
	defaultMaxStall  = 5 * time.Second
	maxMaxStall      = 2 * time.Minute
	maxCursorsKept   = 100000
)

func (f *Faults) class(i int) *Fault {
	switch i {
	case fStorm:
		return f.Storm429
	case fStale:
		return f.StaleCursor
	case f5xx:
		return f.Error5xx
	case fReset:
		return f.Reset
	case fStall:
		return f.Stall
	case fSlow:
		return f.Slow
	case fTruncate:
		return f.Truncate
	case fToken:
		return f.TokenExpiry
	}
	return nil
}

func (f *Faults) setClass(i int, v *Fault) {
	switch i {
	case fStorm:
		f.Storm429 = v
	case fStale:
		f.StaleCursor = v
	case f5xx:
		f.Error5xx = v
	case fReset:
		f.Reset = v
	case fStall:
		f.Stall = v
	case fSlow:
		f.Slow = v
	case fTruncate:
		f.Truncate = v
	case fToken:
		f.TokenExpiry = v
	}
}

// Validate reports the first setting that makes no sense.
func (f Faults) Validate() error {
	for i := range nFaultClasses {
		c := f.class(i)
		if c == nil {
			continue
		}
		name := faultNames[i]
		if c.Rate < 0 || c.Rate > 1 || c.Rate != c.Rate {
			return fmt.Errorf("%s: rate %v is not between 0 and 1", name, c.Rate)
		}
		if c.Max < 0 || c.Count < 0 || c.RetryAfter < 0 || c.Uses < 0 || c.Pause < 0 || c.MaxStall < 0 || c.MaxAge < 0 {
			return fmt.Errorf("%s: negative value", name)
		}
		switch c.When {
		case "", "before", "after", "either":
		default:
			return fmt.Errorf("%s: when must be before, after or either, not %q", name, c.When)
		}
		for _, st := range c.Statuses {
			if st < 500 || st > 599 {
				return fmt.Errorf("%s: status %d is not a 5xx", name, st)
			}
		}
		if c.MaxStall > Duration(maxMaxStall) {
			return fmt.Errorf("%s: maxStall %s is over the %s bound", name, time.Duration(c.MaxStall), maxMaxStall)
		}
		if _, err := compilePattern(c.Path); err != nil {
			return fmt.Errorf("%s: path %q: %w", name, c.Path, err)
		}
	}
	return nil
}

// ParseFaults reads the --faults flag: comma-separated KEY=VALUE items.
//
//	seed=N
//	5xx=RATE reset=RATE slow=RATE stall=RATE truncate=RATE
//	429storm=N            the next N API requests get 429
//	tokenuses=K           OAuth tokens die after K uses
//	stalecursor=DURATION  cursors older than this are refused
//	CLASS.path=PATTERN CLASS.max=N CLASS.methods=GET|POST CLASS.when=before|after|either
//	5xx.statuses=500|503  slow.pause=DURATION  stall.maxstall=DURATION  429storm.retryafter=SECONDS
//
// For example "5xx=0.2,reset=0.05,slow=0.1,truncate=0.05,429storm=3,5xx.path=/api/v1/spaces*".
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	get := func(name string) (*Fault, int, error) {
		name = strings.ToLower(name)
		for i, n := range faultNames {
			if strings.ToLower(n) == name || (i == fToken && (name == "tokenuses" || name == "token")) {
				c := f.class(i)
				if c == nil {
					c = &Fault{}
					f.setClass(i, c)
				}
				return c, i, nil
			}
		}
		return nil, 0, fmt.Errorf("unknown fault class %q (want one of %s, tokenuses)", name, strings.Join(faultNames[:], ", "))
	}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		if !ok {
			return f, fmt.Errorf("fault %q: want KEY=VALUE", item)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.EqualFold(key, "seed") {
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return f, fmt.Errorf("seed %q: %w", val, err)
			}
			f.Seed = n
			continue
		}
		cls, opt, _ := strings.Cut(key, ".")
		c, i, err := get(cls)
		if err != nil {
			return f, err
		}
		if err := setFaultOption(c, i, strings.ToLower(opt), val); err != nil {
			return f, fmt.Errorf("fault %q: %w", item, err)
		}
	}
	return f, f.Validate()
}

func setFaultOption(c *Fault, class int, opt, val string) error {
	atoi := func() (int, error) { return strconv.Atoi(val) }
	dur := func() (Duration, error) { d, err := time.ParseDuration(val); return Duration(d), err }
	var err error
	switch opt {
	case "":
		switch class {
		case fStorm:
			c.Count, err = atoi()
		case fToken:
			c.Uses, err = atoi()
		case fStale:
			c.MaxAge, err = dur()
		default:
			c.Rate, err = strconv.ParseFloat(val, 64)
		}
	case "rate":
		c.Rate, err = strconv.ParseFloat(val, 64)
	case "path":
		c.Path = val
	case "max":
		c.Max, err = atoi()
	case "methods":
		c.Methods = strings.Split(strings.ToUpper(val), "|")
	case "when":
		c.When = val
	case "statuses":
		for s := range strings.SplitSeq(val, "|") {
			n, e := strconv.Atoi(s)
			if e != nil {
				return e
			}
			c.Statuses = append(c.Statuses, n)
		}
	case "count":
		c.Count, err = atoi()
	case "retryafter":
		c.RetryAfter, err = atoi()
	case "pause":
		c.Pause, err = dur()
	case "maxstall", "max-stall":
		c.MaxStall, err = dur()
	case "uses":
		c.Uses, err = atoi()
	case "maxage", "max-age":
		c.MaxAge, err = dur()
	default:
		return fmt.Errorf("unknown option %q", opt)
	}
	return err
}

// compilePattern turns a path pattern into a regexp: * matches any run of
// characters, everything else is literal.
func compilePattern(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	parts := strings.Split(p, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.Compile("^" + strings.Join(parts, ".*") + "$")
}

// FaultCounts is how many faults of each class were injected since the
// faults were last set.
type FaultCounts map[string]int

// faultInjector is one server's fault state. It holds no pointer to the
// server, so the registry below does not keep servers alive.
type faultInjector struct {
	mu      sync.Mutex
	cfg     Faults
	active  bool
	pats    [nFaultClasses]*regexp.Regexp
	rngs    [nFaultClasses]*rand.Rand
	counts  [nFaultClasses]int
	storm   int                  // 429s left in the storm
	uses    map[string]int       // OAuth token -> API requests made with it
	cursors map[string]time.Time // cursor value -> when it was issued
}

// faultState is the server's injector: one per Server, off until
// SetFaults switches classes on.
func (s *Server) faultState() *faultInjector { return &s.faults }

// SetFaults replaces the fault settings (the zero Faults switches them all
// off) and resets the counts. RevokeTokens is carried out at once. Values
// out of range are clamped; use Faults.Validate to reject them instead.
func (s *Server) SetFaults(f Faults) {
	if f.RevokeTokens {
		s.RevokeTokens()
		f.RevokeTokens = false
	}
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.active = false
	fi.counts = [nFaultClasses]int{}
	fi.uses = map[string]int{}
	fi.cursors = map[string]time.Time{}
	for i := range nFaultClasses {
		fi.pats[i], fi.rngs[i] = nil, nil
		if f.class(i) == nil {
			continue
		}
		c := *f.class(i) // a copy: the caller's value is not ours to change
		c.Methods = append([]string(nil), c.Methods...)
		c.Statuses = append([]int(nil), c.Statuses...)
		c.Rate = min(max(c.Rate, 0), 1)
		if c.Rate != c.Rate {
			c.Rate = 0
		}
		f.setClass(i, &c)
		fi.pats[i], _ = compilePattern(c.Path)
		fi.rngs[i] = rand.New(rand.NewPCG(uint64(f.Seed), uint64(i)+1))
		fi.active = true
	}
	fi.cfg = f
	fi.storm = 0
	if f.Storm429 != nil {
		fi.storm = f.Storm429.Count
	}
}

// ClearFaults switches every fault off.
func (s *Server) ClearFaults() { s.SetFaults(Faults{}) }

// Faults returns the current settings.
func (s *Server) Faults() Faults {
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg
}

// FaultCounts returns how many faults of each class were injected.
func (s *Server) FaultCounts() FaultCounts {
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	out := FaultCounts{}
	for i, n := range fi.counts {
		if n > 0 {
			out[faultNames[i]] = n
		}
	}
	return out
}

// RevokeTokens invalidates every OAuth access token issued so far and
// returns how many there were. The API key is not affected.
func (s *Server) RevokeTokens() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	n := len(s.tokens.m)
	clear(s.tokens.m)
	return n
}

func (s *Server) revokeToken(tok string) {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	delete(s.tokens.m, tok)
}

// routeFaults registers the test API on the root mux:
//
//	GET    /_sim/faults  {"faults": {...}, "counts": {"5xx": 3, ...}}
//	POST   /_sim/faults  a Faults JSON body, or {"spec": "5xx=0.2,..."}; 204
//	DELETE /_sim/faults  switches every fault off; 204
func (s *Server) routeFaults(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults(), "counts": s.FaultCounts()})
	})
	mux.HandleFunc("POST /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Faults
			Spec string `json:"spec"`
		}
		if err := decodeBody(r, &body); err != nil {
			writeError(w, r, http.StatusBadRequest, "HTTP-400", "", "Bad Request", "invalid faults body: "+err.Error())
			return
		}
		f := body.Faults
		if body.Spec != "" {
			parsed, err := ParseFaults(body.Spec)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, "HTTP-400", "/spec", "Bad Request", err.Error())
				return
			}
			parsed.RevokeTokens = f.RevokeTokens
			f = parsed
		}
		if err := f.Validate(); err != nil {
			writeError(w, r, http.StatusBadRequest, "HTTP-400", "", "Bad Request", err.Error())
			return
		}
		s.SetFaults(f)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
}

// faultMiddleware injects the server's faults. buildHandler puts it after
// stats and latency and before auth, so a fault looks like the tenant's
// answer, not like a client error.
func (s *Server) faultMiddleware(next http.Handler) http.Handler {
	fi := s.faultState()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fi.serve(s, w, r, next) })
}

func (fi *faultInjector) serve(s *Server, w http.ResponseWriter, r *http.Request, next http.Handler) {
	d := fi.decide(s, r)
	switch d.class {
	case -1:
		if d.recordCursors {
			fi.serveRecording(s, w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	case fStorm:
		writeRateLimited(w, r, d.retryAfter)
	case fStale:
		// The service answers an invalid cursor with its own 400 body.
		q := r.URL.Query()
		q.Set(d.cursorParam, "stale~"+strings.Repeat("x", 4))
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		r2.RequestURI = r2.URL.RequestURI()
		next.ServeHTTP(w, r2)
	case f5xx:
		if d.after {
			rec := newBufferedWriter()
			next.ServeHTTP(rec, r)
		}
		faultError(w, r, d.status)
	case fReset:
		if !d.after {
			abortConn(w)
			return
		}
		rec := newBufferedWriter()
		next.ServeHTTP(rec, r)
		if body := rec.body.Bytes(); len(body) >= 2 {
			// Half a response, then the reset. (A bodiless answer is cut
			// before its header, or the client would have it whole.)
			rec.writeHead(w, len(body))
			_, _ = w.Write(body[:len(body)/2])
			flush(w)
		}
		abortConn(w)
	case fStall, fSlow, fTruncate:
		rec := newBufferedWriter()
		next.ServeHTTP(rec, r)
		fi.recordCursors(s, r, rec)
		body := rec.body.Bytes()
		half := len(body) / 2
		switch d.class {
		case fTruncate:
			if rec.status >= 200 && rec.status <= 299 && half > 0 {
				rec.writeHead(w, half)
				_, _ = w.Write(body[:half])
				return
			}
			rec.writeHead(w, len(body))
			_, _ = w.Write(body)
		case fSlow:
			rec.writeHead(w, len(body))
			_, _ = w.Write(body[:half])
			flush(w)
			if sleepCtx(r.Context(), d.pause) {
				_, _ = w.Write(body[half:])
			}
		case fStall:
			rec.writeHead(w, len(body))
			_, _ = w.Write(body[:half])
			flush(w)
			sleepCtx(r.Context(), d.pause)
			abortConn(w)
		}
	}
}

// decision is what one request gets.
type decision struct {
	class         int // -1: none
	after         bool
	status        int
	retryAfter    int
	pause         time.Duration
	cursorParam   string
	recordCursors bool
}

var cursorParams = []string{"next", "prev", "page", "cursor"}

// matches reports whether class i applies to r and has budget left.
func (fi *faultInjector) matches(i int, r *http.Request) bool {
	c := fi.cfg.class(i)
	return fi.pathMatches(i, r) && (c.Max == 0 || fi.counts[i] < c.Max)
}

func (fi *faultInjector) pathMatches(i int, r *http.Request) bool {
	c := fi.cfg.class(i)
	if c == nil {
		return false
	}
	if fi.pats[i] == nil {
		if !isAPIPath(r.URL.Path) {
			return false
		}
	} else if !fi.pats[i].MatchString(r.URL.Path) {
		return false
	}
	return len(c.Methods) == 0 || containsFold(c.Methods, r.Method)
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}

// draw reports whether class i fires at its rate.
func (fi *faultInjector) draw(i int) bool {
	c := fi.cfg.class(i)
	return c.Rate > 0 && fi.rngs[i].Float64() < c.Rate
}

func (fi *faultInjector) decide(s *Server, r *http.Request) decision {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	d := decision{class: -1}
	if !fi.active {
		return d
	}
	// OAuth token expiry: count uses, and revoke the token past its budget.
	if c := fi.cfg.TokenExpiry; c != nil && c.Uses > 0 && isAPIPath(r.URL.Path) {
		if tok := bearerToken(r); tok != "" && tok != s.opts.APIKey {
			fi.uses[tok]++
			if fi.uses[tok] == c.Uses+1 && (c.Max == 0 || fi.counts[fToken] < c.Max) {
				s.revokeToken(tok)
				fi.counts[fToken]++
			}
		}
	}
	if fi.storm > 0 && fi.matches(fStorm, r) {
		fi.storm--
		fi.counts[fStorm]++
		d.class, d.retryAfter = fStorm, max(fi.cfg.Storm429.RetryAfter, 1)
		return d
	}
	if c := fi.cfg.StaleCursor; c != nil && r.Method == http.MethodGet {
		d.recordCursors = fi.pathMatches(fStale, r)
		if fi.matches(fStale, r) {
			q := r.URL.Query()
			now := s.opts.Now()
			for _, p := range cursorParams {
				v := q.Get(p)
				if v == "" {
					continue
				}
				if issued, ok := fi.cursors[v]; ok && now.Sub(issued) > time.Duration(c.MaxAge) {
					fi.counts[fStale]++
					d.class, d.cursorParam = fStale, p
					return d
				}
			}
		}
	}
	if fi.matches(f5xx, r) && fi.draw(f5xx) {
		c := fi.cfg.Error5xx
		statuses := c.Statuses
		if len(statuses) == 0 {
			statuses = []int{500, 502, 503}
		}
		d.class, d.status = f5xx, statuses[fi.rngs[f5xx].IntN(len(statuses))]
		d.after = fi.when(f5xx, "before")
		fi.counts[f5xx]++
		return d
	}
	if fi.matches(fReset, r) && fi.draw(fReset) {
		d.class, d.after = fReset, fi.when(fReset, "either")
		fi.counts[fReset]++
		return d
	}
	if fi.matches(fStall, r) && fi.draw(fStall) {
		d.class, d.pause = fStall, defaultMaxStall
		if m := time.Duration(fi.cfg.Stall.MaxStall); m > 0 {
			d.pause = min(m, maxMaxStall)
		}
		fi.counts[fStall]++
		return d
	}
	if fi.matches(fSlow, r) && fi.draw(fSlow) {
		d.class, d.pause = fSlow, defaultSlowPause
		if p := time.Duration(fi.cfg.Slow.Pause); p > 0 {
			d.pause = min(p, maxMaxStall)
		}
		fi.counts[fSlow]++
		return d
	}
	if fi.matches(fTruncate, r) && fi.draw(fTruncate) {
		d.class = fTruncate
		fi.counts[fTruncate]++
		return d
	}
	return d
}

// when picks "after" (the handler runs first) per the class's When.
func (fi *faultInjector) when(i int, def string) bool {
	w := fi.cfg.class(i).When
	if w == "" {
		w = def
	}
	switch w {
	case "after":
		return true
	case "either":
		return fi.rngs[i].IntN(2) == 1
	}
	return false
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// serveRecording passes the request through while noting the cursors its
// answer hands out, so their age can be judged later.
func (fi *faultInjector) serveRecording(s *Server, w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := newBufferedWriter()
	next.ServeHTTP(rec, r)
	fi.recordCursors(s, r, rec)
	rec.writeHead(w, rec.body.Len())
	_, _ = w.Write(rec.body.Bytes())
}

func (fi *faultInjector) recordCursors(s *Server, r *http.Request, rec *bufferedWriter) {
	if r.Method != http.MethodGet || rec.status != http.StatusOK {
		return
	}
	var body struct {
		Links map[string]*struct {
			Href string `json:"href"`
		} `json:"links"`
	}
	if json.Unmarshal(rec.body.Bytes(), &body) != nil {
		return
	}
	now := s.opts.Now()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.cfg.StaleCursor == nil || fi.cursors == nil {
		return
	}
	for _, rel := range []string{"next", "prev"} {
		l := body.Links[rel]
		if l == nil || l.Href == "" {
			continue
		}
		u, err := url.Parse(l.Href)
		if err != nil {
			continue
		}
		for _, p := range cursorParams {
			if v := u.Query().Get(p); v != "" {
				if _, seen := fi.cursors[v]; !seen && len(fi.cursors) < maxCursorsKept {
					fi.cursors[v] = now
				}
			}
		}
	}
}

// faultError writes an injected 5xx in the error style of the request's
// service.
func faultError(w http.ResponseWriter, r *http.Request, status int) {
	const detail = "qliksim: injected fault"
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/v1/data-connections"):
		dcError(w, status, detail)
	case strings.HasPrefix(p, "/api/v1/automation"):
		autoError(w, r, status, detail)
	case strings.HasPrefix(p, "/api/v1/glossaries"):
		glError(w, status, "", detail)
	case strings.HasPrefix(p, "/api/v1/themes"):
		qxError(w, themesKind, status, detail, "")
	case strings.HasPrefix(p, "/api/v1/extensions"):
		qxError(w, extensionsKind, status, detail, "")
	default:
		writeError(w, r, status, "", "", http.StatusText(status), detail)
	}
}

// bufferedWriter records a handler's answer so a fault can mangle it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

// writeHead copies the recorded header and status to w, announcing length
// bytes of body.
func (b *bufferedWriter) writeHead(w http.ResponseWriter, length int) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	if status != http.StatusNoContent && status != http.StatusNotModified {
		w.Header().Set("Content-Length", strconv.Itoa(length))
	}
	w.WriteHeader(status)
}

func flush(w http.ResponseWriter) { _ = http.NewResponseController(w).Flush() }

// abortConn cuts the connection: a TCP reset where the connection can be
// taken over, else the server's own abort.
func abortConn(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if buf != nil {
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// sleepCtx waits d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// String renders the settings as a --faults spec, sorted, for logs.
func (f Faults) String() string {
	var items []string
	for i := range nFaultClasses {
		c := f.class(i)
		if c == nil {
			continue
		}
		n := faultNames[i]
		switch i {
		case fStorm:
			items = append(items, fmt.Sprintf("%s=%d", n, c.Count))
		case fToken:
			items = append(items, fmt.Sprintf("tokenuses=%d", c.Uses))
		case fStale:
			items = append(items, fmt.Sprintf("%s=%s", n, time.Duration(c.MaxAge)))
		default:
			items = append(items, fmt.Sprintf("%s=%g", n, c.Rate))
		}
		if c.Path != "" {
			items = append(items, n+".path="+c.Path)
		}
		if c.Max > 0 {
			items = append(items, fmt.Sprintf("%s.max=%d", n, c.Max))
		}
	}
	sort.Strings(items)
	if f.Seed != 0 {
		items = append([]string{fmt.Sprintf("seed=%d", f.Seed)}, items...)
	}
	return strings.Join(items, ",")
}
