package qlik

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetry503ThenSuccess(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.inc() < 3 {
			writeJSON(w, 503, `{"errors":[{"code":"UNAVAILABLE","title":"try later"}]}`)
			return
		}
		writeJSON(w, 200, `{"id":"abc"}`)
	})
	c := newTestClient(t, srv, nil)
	var out struct{ ID string }
	if err := c.Do(context.Background(), "GET", "/api/v1/spaces/abc", nil, &out); err != nil {
		t.Fatal(err)
	}
	if out.ID != "abc" || hits.get() != 3 {
		t.Errorf("id=%q hits=%d, want abc after 3", out.ID, hits.get())
	}
	if s := c.Stats().Tier1; s.Requests != 3 || s.Retries != 2 {
		t.Errorf("stats = %+v", s)
	}
}

func TestRetryConnectionReset(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.inc() == 1 {
			hijackClose(t, w)
			return
		}
		writeJSON(w, 200, `{"ok":true}`)
	})
	c := newTestClient(t, srv, nil)
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		hits.n.Store(0)
		if err := c.Do(context.Background(), m, "/api/v1/x", nil, nil); err != nil {
			t.Errorf("%s: %v", m, err)
		}
		if hits.get() != 2 {
			t.Errorf("%s: hits = %d, want 2", m, hits.get())
		}
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, code := range []int{400, 403, 404, 409, 412} {
		var hits counter
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			hits.inc()
			writeJSON(w, code, `{"errors":[{"code":"X","title":"no"}]}`)
		})
		c := newTestClient(t, srv, nil)
		err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil)
		if StatusOf(err) != code || hits.get() != 1 {
			t.Errorf("%d: err=%v hits=%d, want one attempt", code, err, hits.get())
		}
	}
}

func TestPOSTNotRetriedAfterServerSawIt(t *testing.T) {
	cases := map[string]func(t *testing.T, w http.ResponseWriter){
		"500":   func(t *testing.T, w http.ResponseWriter) { writeJSON(w, 500, `{}`) },
		"502":   func(t *testing.T, w http.ResponseWriter) { writeJSON(w, 502, `{}`) },
		"503":   func(t *testing.T, w http.ResponseWriter) { writeJSON(w, 503, `{}`) },
		"reset": func(t *testing.T, w http.ResponseWriter) { hijackClose(t, w) },
	}
	for name, fail := range cases {
		for _, method := range []string{"POST", "PATCH"} {
			var hits counter
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.inc()
				fail(t, w)
			})
			c := newTestClient(t, srv, nil)
			err := c.Do(context.Background(), method, "/api/v1/spaces", map[string]string{"name": "x"}, nil)
			if err == nil || hits.get() != 1 {
				t.Errorf("%s %s: err=%v hits=%d, want one attempt and an error", method, name, err, hits.get())
			}
		}
	}
}

func TestPOSTRetriedOn429And503WithRetryAfter(t *testing.T) {
	for _, code := range []int{429, 503} {
		var hits counter
		var bodies []string
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			if hits.inc() == 1 {
				w.Header().Set("Retry-After", "0.05")
				writeJSON(w, code, `{"errors":[{"code":"HTTP-429","title":"API rate limit reached."}]}`)
				return
			}
			writeJSON(w, 201, `{"id":"new"}`)
		})
		c := newTestClient(t, srv, nil)
		var out struct{ ID string }
		if err := c.Do(context.Background(), "POST", "/api/v1/spaces", map[string]string{"name": "Finance"}, &out); err != nil {
			t.Fatalf("%d: %v", code, err)
		}
		if hits.get() != 2 || out.ID != "new" {
			t.Errorf("%d: hits=%d id=%q", code, hits.get(), out.ID)
		}
		// The body must be sent whole again on the retry.
		if len(bodies) != 2 || bodies[0] != `{"name":"Finance"}` || bodies[1] != bodies[0] {
			t.Errorf("%d: bodies = %q", code, bodies)
		}
	}
}

// flakyDialer fails the first dial, the way an unreachable host does.
func flakyDialer() (*http.Client, *atomic.Int64) {
	var dials atomic.Int64
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return d.DialContext(ctx, network, addr)
	}}
	return &http.Client{Transport: tr}, &dials
}

func TestPOSTRetriedOnDialError(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		writeJSON(w, 201, `{}`)
	})
	hc, dials := flakyDialer()
	c := newTestClient(t, srv, func(c *Config) { c.HTTPClient = hc })
	if err := c.Do(context.Background(), "POST", "/api/v1/spaces", []byte(`{"name":"a"}`), nil); err != nil {
		t.Fatal(err)
	}
	if hits.get() != 1 || dials.Load() != 2 {
		t.Errorf("hits=%d dials=%d, want 1 and 2", hits.get(), dials.Load())
	}
}

func TestRetryAfter429PausesAndSucceeds(t *testing.T) {
	var hits counter
	var first time.Time
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.inc() == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"errors":[{"code":"HTTP-429","title":"API rate limit reached.","detail":"You need to wait 1 seconds until limit is lifted."}]}`)
			return
		}
		if d := time.Since(first); d < time.Second {
			t.Errorf("retried after %s, before Retry-After", d)
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, srv, nil)
	start := time.Now()
	if err := c.Do(context.Background(), "GET", "/api/v1/spaces", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second || d > 3*time.Second {
		t.Errorf("took %s, want about 1s", d)
	}
	if s := c.Stats().Tier1; s.Throttled != 1 || s.Retries != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestMaxRetriesBound(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		writeJSON(w, 504, `{}`)
	})
	c := newTestClient(t, srv, func(c *Config) { c.MaxRetries = 3 })
	err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil)
	if StatusOf(err) != 504 || hits.get() != 4 {
		t.Errorf("err=%v hits=%d, want 504 after 4 attempts", err, hits.get())
	}
	hits.n.Store(0)
	c = newTestClient(t, srv, func(c *Config) { c.MaxRetries = -1 })
	if err := c.Do(context.Background(), "GET", "/api/v1/x", nil, nil); StatusOf(err) != 504 || hits.get() != 1 {
		t.Errorf("MaxRetries<0: err=%v hits=%d, want a single attempt", err, hits.get())
	}
}

func TestRetryHonoursContext(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 503, `{}`) })
	c := newTestClient(t, srv, func(c *Config) { c.RetryBackoff = 10 * time.Second; c.MaxRetries = 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Do(ctx, "GET", "/api/v1/x", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("err=%v after %s, want prompt deadline error", err, time.Since(start))
	}
}

func TestHugeRetryAfterNotWaited(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 429, `{}`)
	})
	c := newTestClient(t, srv, nil)
	err := c.Do(context.Background(), "POST", "/api/v1/x", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.RetryAfter != time.Hour || !strings.Contains(e.Error(), "retry after 1h0m0s") {
		t.Errorf("err = %v", err)
	}
}
