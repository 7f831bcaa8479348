package qlik

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

const (
	maxBackoff = 30 * time.Second
	// maxRetryWait: a Retry-After longer than this is returned to the caller
	// instead of silently parking a run for hours.
	maxRetryWait = 5 * time.Minute
)

// call is one logical request and its attempts.
type call struct {
	c       *Client
	method  string
	url     *url.URL
	display string
	body    []byte
	ctype   string
	header  http.Header
	out     any
	check   func([]byte) error
	// repeatable: the request may be sent again (Request.Repeatable).
	repeatable bool

	reauthed bool
}

// idempotent: sending the call twice has the effect of sending it once.
func (k *call) idempotent() bool { return k.repeatable || isIdempotent(k.method) }

// outcome of one attempt: either a final result or a wait before the next.
type outcome struct {
	resp  *http.Response
	err   error
	retry bool
	delay time.Duration // extra sleep before the retry (the tier pause covers 429)
}

func (k *call) run(ctx context.Context) (*http.Response, error) {
	ts := k.c.tiers[tierFor(k.method)]
	for attempt := 0; ; attempt++ {
		waited, slot, err := ts.bucket.wait(ctx)
		ts.waitedNs.Add(int64(waited))
		if err != nil {
			return nil, k.wrap(err)
		}
		o := k.attempt(ctx, ts)
		ts.bucket.done(slot)
		if o.retry && k.reauth(o) {
			ts.retries.Add(1)
			attempt--
			continue
		}
		if !o.retry || attempt >= k.c.maxRetries || ctx.Err() != nil {
			return o.resp, o.err
		}
		if o.delay == 0 {
			o.delay = k.c.jitter(attempt)
		}
		k.c.debugf("qlik: %s %s: retry %d/%d in %s: %v", k.method, k.display, attempt+1, k.c.maxRetries, o.delay.Round(time.Millisecond), o.err)
		ts.retries.Add(1)
		if err := sleepCtx(ctx, o.delay); err != nil {
			return nil, k.wrap(err)
		}
	}
}

// reauth handles the one 401 retry: the token is dropped and the request
// repeated once with a fresh one, without using up the retry budget.
func (k *call) reauth(o outcome) bool {
	var e *Error
	if k.reauthed || !errors.As(o.err, &e) || e.StatusCode != http.StatusUnauthorized {
		return false
	}
	k.reauthed = true
	return true
}

// jitter is exponential backoff with full jitter: spreading retries uniformly
// avoids parallel workers hammering a recovering server in lockstep.
func (c *Client) jitter(attempt int) time.Duration {
	ceil := c.backoff << min(attempt, 16)
	if ceil <= 0 || ceil > maxBackoff {
		ceil = maxBackoff
	}
	return time.Duration(rand.Int64N(int64(ceil)) + 1)
}

func (k *call) wrap(err error) error {
	return fmt.Errorf("%s %s: %w", k.method, k.display, err)
}

func (k *call) attempt(ctx context.Context, ts *tierState) outcome {
	tok, err := k.c.auth.token(ctx)
	if err != nil {
		// Token exchange failures are transient only for network-level causes.
		return outcome{err: k.wrap(err), retry: ctx.Err() == nil && isTransientTokenErr(err)}
	}
	var gotConn atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(reqCtx, trace), k.method, k.url.String(), nil)
	if err != nil {
		return outcome{err: k.wrap(err)}
	}
	k.setBody(req)
	k.setHeaders(req, tok)
	ts.requests.Add(1)
	start := k.c.now()
	resp, err := k.c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: k.wrap(ctx.Err())}
		}
		retry := k.idempotent() || !gotConn.Load() || isDialError(err)
		return outcome{err: k.wrap(netCause(err)), retry: retry && isNetRetryable(err)}
	}
	resp.Body = newIdleReader(resp.Body, k.c.idle, cancel)
	defer resp.Body.Close()
	k.c.debugf("qlik: %s %s -> %d (%s)", k.method, k.display, resp.StatusCode, k.c.now().Sub(start).Round(time.Millisecond))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return k.success(ctx, resp)
	}
	return k.failure(resp, ts, tok)
}

func (k *call) setBody(req *http.Request) {
	if k.body == nil {
		return
	}
	body := k.body
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
}

func (k *call) setHeaders(req *http.Request, tok string) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", k.c.userAgent)
	if k.body != nil {
		req.Header.Set("Content-Type", k.ctype)
	}
	for name, vals := range k.header {
		req.Header[http.CanonicalHeaderKey(name)] = append([]string(nil), vals...)
	}
	// Last, so a caller-supplied header can never replace the credential.
	req.Header.Set("Authorization", "Bearer "+tok)
}

func (k *call) success(ctx context.Context, resp *http.Response) outcome {
	err := decodeInto(resp.Body, k.out)
	resp.Body = http.NoBody
	if err == nil && k.check != nil {
		if raw, ok := k.out.(*[]byte); ok {
			if cerr := k.check(*raw); cerr != nil {
				err = &badBodyError{err: cerr}
			}
		}
	}
	if err == nil {
		return outcome{resp: resp}
	}
	var de *decodeError
	var bad *badBodyError
	if errors.As(err, &de) || errors.As(err, &bad) {
		// A 2xx read whose body is cut (a framed but short answer, a proxy
		// that gave up) is worth another try like a reset: reading twice
		// changes nothing, and so does resending a POST the caller marked
		// Repeatable (a download). A write is not replayed: it may have
		// been applied.
		retry := (isRead(k.method) || k.repeatable) && (bad != nil || de.cut())
		return outcome{resp: resp, err: fmt.Errorf("%s %s: %d: %w", k.method, k.display, resp.StatusCode, err), retry: retry}
	}
	if ctx.Err() != nil {
		return outcome{resp: resp, err: k.wrap(ctx.Err())}
	}
	// The body broke off mid-transfer. Re-reading is safe for idempotent
	// calls unless part of it already went to the caller's writer.
	_, streamed := k.out.(io.Writer)
	retry := k.idempotent() && !streamed
	return outcome{resp: resp, err: k.wrap(fmt.Errorf("reading response: %w", netCause(err))), retry: retry}
}

func (k *call) failure(resp *http.Response, ts *tierState, tok string) outcome {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = http.NoBody
	e := k.c.newError(k.method, k.display, resp, body)
	o := outcome{resp: resp, err: e}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		o.retry = k.c.auth.invalidate(tok) && !k.reauthed
	case code == http.StatusTooManyRequests:
		ts.throttled.Add(1)
		pause := e.RetryAfter
		if pause == 0 {
			pause = k.c.jitter(0) + time.Second
		}
		ts.bucket.pause(pause)
		k.c.debugf("qlik: %s %s: 429, tier paused for %s", k.method, k.display, pause)
		o.retry = e.RetryAfter <= maxRetryWait // Qlik did not process it: safe for every method
		o.delay = pause                        // not backoff on top: the pause is the wait
	case code == http.StatusServiceUnavailable && e.RetryAfter > 0:
		o.retry, o.delay = e.RetryAfter <= maxRetryWait, e.RetryAfter
	case code == 500 || code == 502 || code == 503 || code == 504:
		// A write may have been applied before the 5xx: repeating a POST
		// could create a duplicate, so only idempotent methods retry.
		o.retry = k.idempotent()
	}
	return o
}

// isRead: the method only reads, so a response whose body was unusable can
// be asked for again with no effect on the tenant.
func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// isDialError: the connection was never established, so the server cannot
// have seen the request and even a POST may be repeated.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// isNetRetryable excludes failures that repeat identically (an untrusted or
// mismatched certificate) so they surface at once instead of after backoff.
func isNetRetryable(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
	)
	return !errors.As(err, &unknownCA) && !errors.As(err, &hostErr) &&
		!errors.As(err, &invalid) && !errors.As(err, &verify) && !errors.As(err, &recErr)
}

func isTransientTokenErr(err error) bool {
	var e *tokenError
	if errors.As(err, &e) {
		return e.status == http.StatusTooManyRequests || e.status >= 500
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// netCause strips *url.Error, whose message repeats the full URL including
// the query string; callers prefix method and bare path themselves.
func netCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
