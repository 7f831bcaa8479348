package core

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const maxCursorsKept = 100000 // bounds memory on a long run; later cursors never go stale

// faultInjector is one server's fault state. mu guards every field, since
// decide, recordCursors and SetFaults run on concurrent requests.
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

// faultMiddleware injects the server's faults. buildHandler puts it after
// stats and latency and before auth, so a fault looks like the tenant's
// answer, not like a client error.
func (s *Server) FaultMiddleware(next http.Handler) http.Handler {
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
		serveStaleCursor(w, r, next, d.cursorParam)
	case f5xx:
		serve5xx(w, r, next, d)
	case fReset:
		serveReset(w, r, next, d)
	case fStall, fSlow, fTruncate:
		fi.serveMangled(s, w, r, next, d)
	}
}

// serveStaleCursor swaps the request's cursor for one the service has never
// issued, so the client sees the service's own 400 for an invalid cursor
// rather than an answer qliksim made up.
func serveStaleCursor(w http.ResponseWriter, r *http.Request, next http.Handler, param string) {
	q := r.URL.Query()
	q.Set(param, "stale~"+strings.Repeat("x", 4))
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	r2.RequestURI = r2.URL.RequestURI()
	next.ServeHTTP(w, r2)
}

// serve5xx answers an injected 5xx. When it comes after the handler, the
// handler's work (a write, say) stands, which is what retry logic must cope
// with.
func serve5xx(w http.ResponseWriter, r *http.Request, next http.Handler, d decision) {
	if d.after {
		next.ServeHTTP(newBufferedWriter(), r)
	}
	faultError(w, r, d.status)
}

func serveReset(w http.ResponseWriter, r *http.Request, next http.Handler, d decision) {
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
}

// serveMangled runs the handler to completion and then damages how its
// answer reaches the client. The cursors are recorded first because the
// handler did hand them out, whatever happens to the bytes.
func (fi *faultInjector) serveMangled(s *Server, w http.ResponseWriter, r *http.Request, next http.Handler, d decision) {
	rec := newBufferedWriter()
	next.ServeHTTP(rec, r)
	fi.recordCursors(s, r, rec)
	switch d.class {
	case fTruncate:
		writeTruncated(w, rec)
	case fSlow:
		writeSlow(w, r, rec, d.pause)
	case fStall:
		writeStalled(w, r, rec, d.pause)
	}
}

// writeTruncated frames half the body as if it were all of it, so the
// transfer ends cleanly and only the JSON decoder notices. Errors and empty
// bodies pass whole: cutting them would test nothing.
func writeTruncated(w http.ResponseWriter, rec *bufferedWriter) {
	body := rec.body.Bytes()
	half := len(body) / 2
	if rec.status >= 200 && rec.status <= 299 && half > 0 {
		rec.writeHead(w, half)
		_, _ = w.Write(body[:half])
		return
	}
	rec.writeHead(w, len(body))
	_, _ = w.Write(body)
}

func writeSlow(w http.ResponseWriter, r *http.Request, rec *bufferedWriter, pause time.Duration) {
	body := rec.body.Bytes()
	half := len(body) / 2
	rec.writeHead(w, len(body))
	_, _ = w.Write(body[:half])
	flush(w)
	if sleepCtx(r.Context(), pause) {
		_, _ = w.Write(body[half:])
	}
}

// writeStalled sends half the body and then hangs, so the client's own
// timeout is what ends the request; the cut after the pause only keeps a
// client without one from waiting forever.
func writeStalled(w http.ResponseWriter, r *http.Request, rec *bufferedWriter, pause time.Duration) {
	body := rec.body.Bytes()
	rec.writeHead(w, len(body))
	_, _ = w.Write(body[:len(body)/2])
	flush(w)
	sleepCtx(r.Context(), pause)
	abortConn(w)
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

// decide picks the one fault, if any, that r gets. It runs under fi.mu, so
// the per-class random streams advance in request order.
func (fi *faultInjector) decide(s *Server, r *http.Request) decision {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	d := decision{class: -1}
	if !fi.active {
		return d
	}
	fi.countTokenUse(s, r)
	if fi.storm > 0 && fi.matches(fStorm, r) {
		fi.storm--
		fi.counts[fStorm]++
		d.class, d.retryAfter = fStorm, max(fi.cfg.Storm429.RetryAfter, 1)
		return d
	}
	if fi.cfg.StaleCursor != nil && r.Method == http.MethodGet {
		d.recordCursors = fi.pathMatches(fStale, r)
		if p := fi.staleCursorParam(s, r); p != "" {
			fi.counts[fStale]++
			d.class, d.cursorParam = fStale, p
			return d
		}
	}
	for _, i := range rateClasses {
		if fi.matches(i, r) && fi.draw(i) {
			fi.counts[i]++
			return fi.rateFault(i, d)
		}
	}
	return d
}

// rateClasses are the classes that fire at random, in the order they are
// checked; decide draws for each only until one fires.
var rateClasses = [...]int{f5xx, fReset, fStall, fSlow, fTruncate}

// countTokenUse counts r against its OAuth token and revokes the token once
// it goes past its budget. It does not answer anything itself: the normal
// auth check then turns the dead token into a genuine 401.
func (fi *faultInjector) countTokenUse(s *Server, r *http.Request) {
	c := fi.cfg.TokenExpiry
	if c == nil || c.Uses <= 0 || !isAPIPath(r.URL.Path) {
		return
	}
	tok := bearerToken(r)
	if tok == "" || tok == s.Opts.APIKey {
		return
	}
	fi.uses[tok]++
	if fi.uses[tok] == c.Uses+1 && (c.Max == 0 || fi.counts[fToken] < c.Max) {
		s.revokeToken(tok)
		fi.counts[fToken]++
	}
}

// staleCursorParam names the query parameter of r that carries a cursor
// issued longer than MaxAge ago, or returns "". Cursors qliksim never saw
// issued are left alone: their age is unknown.
func (fi *faultInjector) staleCursorParam(s *Server, r *http.Request) string {
	if !fi.matches(fStale, r) {
		return ""
	}
	maxAge := time.Duration(fi.cfg.StaleCursor.MaxAge)
	q := r.URL.Query()
	now := s.Opts.Now()
	for _, p := range cursorParams {
		v := q.Get(p)
		if v == "" {
			continue
		}
		if issued, ok := fi.cursors[v]; ok && now.Sub(issued) > maxAge {
			return p
		}
	}
	return ""
}

// rateFault fills in d for rate class i, which has just fired. The 5xx
// status is drawn before its timing to keep the class's random stream in
// the order earlier runs used.
func (fi *faultInjector) rateFault(i int, d decision) decision {
	d.class = i
	switch i {
	case f5xx:
		statuses := fi.cfg.Error5xx.Statuses
		if len(statuses) == 0 {
			statuses = []int{500, 502, 503}
		}
		d.status = statuses[fi.rngs[f5xx].IntN(len(statuses))]
		d.after = fi.when(f5xx, "before")
	case fReset:
		d.after = fi.when(fReset, "either")
	case fStall:
		d.pause = boundedPause(fi.cfg.Stall.MaxStall, defaultMaxStall)
	case fSlow:
		d.pause = boundedPause(fi.cfg.Slow.Pause, defaultSlowPause)
	}
	return d
}

// boundedPause is v, or def when v is unset, never past maxMaxStall so a
// bad setting cannot hang a test run for long.
func boundedPause(v Duration, def time.Duration) time.Duration {
	if p := time.Duration(v); p > 0 {
		return min(p, maxMaxStall)
	}
	return def
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
	now := s.Opts.Now()
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
	WriteError(w, r, status, "", "", http.StatusText(status), "qliksim: injected fault")
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
