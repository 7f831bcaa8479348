package qlik

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A POST that answers 500 is not sent again (it may have been applied),
// unless the request is marked Repeatable, like an app export.
func TestRepeatablePostRetriesA5xx(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Location", "/api/v1/temp-contents/abc")
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, nil)
	if _, err := c.Send(context.Background(), Request{Method: http.MethodPost, Path: "/api/v1/apps/a/export"}, nil); StatusOf(err) != 500 || hits.Load() != 1 {
		t.Fatalf("plain POST: err %v after %d requests; want the 500 and no retry", err, hits.Load())
	}
	hits.Store(0)
	res, err := c.Send(context.Background(), Request{Method: http.MethodPost, Path: "/api/v1/apps/a/export", Repeatable: true}, nil)
	if err != nil || hits.Load() != 2 || res.Header.Get("Location") != "/api/v1/temp-contents/abc" {
		t.Fatalf("repeatable POST: err %v after %d requests", err, hits.Load())
	}
}
