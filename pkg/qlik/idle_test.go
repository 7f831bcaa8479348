package qlik

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A body that stops sending is abandoned after the idle timeout and the GET
// is retried; a slow but steady body is not cut, however long it takes.
func TestStalledBodyIsAbandonedAndRetried(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.Write([]byte(`{"data":[`))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		for _, part := range []string{`{"ok":`, `true}`} {
			w.Write([]byte(part))
			w.(http.Flusher).Flush()
			time.Sleep(60 * time.Millisecond) // slower in total than the idle timeout, never idle that long
		}
	}))
	defer srv.Close()
	c, err := New(Config{TenantURL: srv.URL, APIKey: "k", IdleTimeout: 100 * time.Millisecond, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ OK bool }
	start := time.Now()
	if err := c.Do(context.Background(), http.MethodGet, "/api/v1/x", nil, &out); err != nil || !out.OK {
		t.Fatalf("err = %v, out = %+v", err, out)
	}
	if calls.Load() != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("calls = %d after %s", calls.Load(), time.Since(start))
	}
}

func TestStalledBodyErrorSaysSo(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c, err := New(Config{TenantURL: srv.URL, APIKey: "k", IdleTimeout: 50 * time.Millisecond, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), http.MethodGet, "/api/v1/x", nil, new(map[string]any))
	if !errors.Is(err, errBodyStalled) && (err == nil || !strings.Contains(err.Error(), "stalled")) {
		t.Errorf("err = %v, want a stalled-body error", err)
	}
}
