package qlik

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Client talks to one tenant. It is safe for concurrent use; parallel callers
// share the rate scheduler, so running reads and writes side by side keeps
// both tiers busy without exceeding either.
type Client struct {
	base       *url.URL
	hc         *http.Client
	auth       authenticator
	tiers      [2]*tierState
	maxRetries int
	backoff    time.Duration
	idle       time.Duration
	userAgent  string
	logf       func(format string, args ...any)
	secrets    *secretSet
	now        func() time.Time

	tokenRequests atomic.Int64
}

// Request is the general form of a call; Do covers the common case.
type Request struct {
	Method      string
	Path        string     // relative to the tenant, or an absolute URL on the tenant's host
	Query       url.Values // merged over any query already in Path
	Body        any        // nil, []byte / json.RawMessage (sent as is), io.Reader (buffered), or a value sent as JSON
	ContentType string     // default application/json when there is a body
	Header      http.Header
	// Check, if set, vets a 2xx body read whole into a *[]byte out before
	// Send returns. An error from it on a read (GET, HEAD) means the body
	// arrived cut or garbled, so the call is retried like a reset, within
	// the same retry budget; the last error is returned when it runs out.
	// On a write it is returned at once: the write may have been applied.
	Check func(body []byte) error
	// Repeatable marks a POST that may be sent again after a 5xx or a cut
	// connection because it changes nothing a second send could duplicate,
	// such as an app export into temp contents.
	Repeatable bool
}

// New validates cfg and builds a client. It does no network I/O, so a bad
// credential shows up on the first call.
func New(cfg Config) (*Client, error) {
	base, err := parseTenantURL(cfg.TenantURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:       base,
		hc:         cfg.HTTPClient,
		maxRetries: cfg.MaxRetries,
		backoff:    cfg.RetryBackoff,
		idle:       cfg.IdleTimeout,
		userAgent:  cfg.UserAgent,
		logf:       cfg.Logf,
		secrets:    &secretSet{},
		now:        time.Now,
	}
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	if c.maxRetries == 0 {
		c.maxRetries = defaultMaxRetries
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.backoff <= 0 {
		c.backoff = defaultBackoff
	}
	if c.idle <= 0 {
		c.idle = defaultIdleTimeout
	}
	if c.userAgent == "" {
		c.userAgent = "qlikops/" + Version
	}
	c.tiers[tier1] = &tierState{bucket: newBucket(perMinOrDefault(cfg.Tier1PerMin, defaultTier1PerMin), cfg.RateMinute, c.now)}
	c.tiers[tier2] = &tierState{bucket: newBucket(perMinOrDefault(cfg.Tier2PerMin, defaultTier2PerMin), cfg.RateMinute, c.now)}
	if cfg.Scheduler != nil {
		c.tiers[tier1].bucket, c.tiers[tier2].bucket = cfg.Scheduler.buckets[tier1], cfg.Scheduler.buckets[tier2]
	}
	switch {
	case cfg.APIKey != "":
		c.secrets.add(cfg.APIKey)
		c.auth = &apiKeyAuth{key: cfg.APIKey} // a pointer, so %+v of a Client prints an address, not the key
	case cfg.ClientID != "" && cfg.ClientSecret != "":
		c.secrets.add(cfg.ClientSecret)
		scope := cfg.OAuthScope
		if scope == "" {
			scope = defaultScope
		}
		c.auth = &oauthSource{c: c, clientID: cfg.ClientID, clientSecret: cfg.ClientSecret, scope: scope}
	case cfg.ClientID != "" || cfg.ClientSecret != "":
		return nil, errors.New("qlik: OAuth needs both QLIK_CLIENT_ID and QLIK_CLIENT_SECRET")
	default:
		return nil, errors.New("qlik: no credentials: set QLIK_API_KEY, or QLIK_CLIENT_ID and QLIK_CLIENT_SECRET")
	}
	return c, nil
}

func perMinOrDefault(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0 // unlimited
	}
	return v
}

// TenantURL is the normalised tenant address (no trailing slash).
func (c *Client) TenantURL() string { return c.base.String() }

// Do sends one request. body: nil, []byte (sent as is), or a value sent as
// JSON. out: nil, *[]byte (raw body), io.Writer (streamed), or a pointer to
// decode JSON into. A non-2xx answer is an *Error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	_, err := c.Send(ctx, Request{Method: method, Path: path, Body: body}, out)
	return err
}

// Send performs req with scheduling, auth and retries. The response body is
// already consumed into out; the response is returned for its headers
// (Location, ETag), also alongside an *Error.
func (c *Client) Send(ctx context.Context, req Request, out any) (*http.Response, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	u, display, err := c.resolve(req.Path, req.Query)
	if err != nil {
		return nil, err
	}
	body, ctype, err := encodeBody(req.Body, req.ContentType)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, display, err)
	}
	call := &call{c: c, method: method, url: u, display: display, body: body, ctype: ctype, header: req.Header, out: out, check: req.Check, repeatable: req.Repeatable}
	return call.run(ctx)
}

func encodeBody(body any, ctype string) ([]byte, string, error) {
	var b []byte
	switch v := body.(type) {
	case nil:
		return nil, ctype, nil
	case []byte:
		b = v
	case json.RawMessage:
		b = v
	case io.Reader:
		// Buffered so that a retry can send it again.
		data, err := io.ReadAll(v)
		if err != nil {
			return nil, "", fmt.Errorf("reading request body: %w", err)
		}
		b = data
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return nil, "", fmt.Errorf("encoding request body: %w", err)
		}
		b = data
	}
	if ctype == "" {
		ctype = "application/json"
	}
	return b, ctype, nil
}

// resolve turns a tenant-relative path or an absolute link into a URL, and
// returns the bare path for errors and logs. Absolute links come from server
// responses (links.next.href); they are followed only on the tenant's own
// scheme and host, because the bearer token goes with them.
func (c *Client) resolve(path string, q url.Values) (*url.URL, string, error) {
	var u *url.URL
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		p, err := url.Parse(path)
		if err != nil {
			return nil, "", fmt.Errorf("qlik: invalid link %q", redactQuery(path))
		}
		if !sameOrigin(p, c.base) {
			return nil, "", fmt.Errorf("qlik: refusing to send credentials to %s://%s (tenant is %s)", p.Scheme, p.Host, c.base.Host)
		}
		u = p
	} else {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		p, err := url.Parse(c.base.String() + path)
		if err != nil || !sameOrigin(p, c.base) {
			return nil, "", fmt.Errorf("qlik: invalid path %q", redactQuery(path))
		}
		u = p
	}
	u.Fragment, u.User = "", nil
	// An id from an API response ends up in paths; whatever it holds, a
	// request must stay on the resource it names. Dot segments (even
	// percent-encoded ones) could walk to another endpoint.
	if hasDotSegment(u.Path) {
		return nil, "", fmt.Errorf("qlik: refusing path with a . or .. segment: %q", redactQuery(u.EscapedPath()))
	}
	if len(q) > 0 {
		merged := u.Query()
		for k, v := range q {
			merged[k] = v
		}
		u.RawQuery = merged.Encode()
	}
	return u, u.EscapedPath(), nil
}

func redactQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// maxErrorBody bounds what is read from an error response.
const maxErrorBody = 1 << 20

func (c *Client) newError(method, path string, resp *http.Response, body []byte) *Error {
	e := &Error{StatusCode: resp.StatusCode, Method: method, Path: path}
	parseErrorBody(e, body)
	if e.TraceID == "" {
		e.TraceID = resp.Header.Get("X-Trace-Id")
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	// A server may echo what it was sent; none of it may carry a secret out.
	e.TraceID = c.secrets.scrub(e.TraceID)
	for i := range e.Errors {
		it := &e.Errors[i]
		it.Code, it.Title = c.secrets.scrub(it.Code), c.secrets.scrub(it.Title)
		it.Detail, it.Status = c.secrets.scrub(it.Detail), c.secrets.scrub(it.Status)
	}
	return e
}

func (c *Client) debugf(format string, args ...any) {
	if c.logf == nil {
		return
	}
	c.logf("%s", c.secrets.scrub(fmt.Sprintf(format, args...)))
}

// secretSet holds every credential the client knows, to scrub them from any
// text that leaves the package (errors, logs), whatever its source.
type secretSet struct {
	mu   sync.RWMutex
	list []string
}

// minSecretLen avoids mangling ordinary text when a credential is absurdly
// short; such a value is not a meaningful secret anyway.
const minSecretLen = 6

func (s *secretSet) add(v string) {
	if len(v) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.list {
		if x == v {
			return
		}
	}
	// Access tokens rotate; keep a bounded history so the set cannot grow
	// forever, always keeping the configured credential in slot 0.
	if len(s.list) >= 16 {
		s.list = append(s.list[:1], s.list[2:]...)
	}
	s.list = append(s.list, v)
}

func (s *secretSet) scrub(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.list {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, "[REDACTED]")
		}
	}
	return text
}

// decodeInto consumes a 2xx body into out.
func decodeInto(r io.Reader, out any) error {
	switch o := out.(type) {
	case nil:
		_, err := io.Copy(io.Discard, io.LimitReader(r, maxErrorBody))
		return err
	case *[]byte:
		b, err := io.ReadAll(r)
		*o = b
		return err
	case io.Writer:
		_, err := io.Copy(o, r)
		return err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil // 204 and friends: nothing to decode
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &decodeError{err: err}
	}
	return nil
}

// decodeError marks a 2xx body that is not the expected JSON. A syntax
// error (cut or garbled bytes) on a read is retried; a body that parsed but
// does not fit out (a type mismatch) arrived whole, and retrying cannot fix it.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return "invalid JSON response: " + e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// cut reports whether the body looks cut or garbled in transit rather than
// whole and of the wrong shape.
func (e *decodeError) cut() bool {
	var se *json.SyntaxError
	return errors.As(e.err, &se)
}

// badBodyError is a body a Request.Check refused.
type badBodyError struct{ err error }

func (e *badBodyError) Error() string { return "unusable response body: " + e.err.Error() }
func (e *badBodyError) Unwrap() error { return e.err }

func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
