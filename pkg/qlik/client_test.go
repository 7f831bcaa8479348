package qlik

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHeadersAndBodies(t *testing.T) {
	type seen struct{ accept, ctype, ua, auth, body, query, custom string }
	var got []seen
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Header.Get("Accept"), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"),
			r.Header.Get("Authorization"), string(b), r.URL.RawQuery, r.Header.Get("If-Match")})
		w.Header().Set("Location", "/api/v1/spaces/new")
		w.Header().Set("ETag", `"v2"`)
		writeJSON(w, 201, `{"id":"new"}`)
	})
	c := newTestClient(t, srv, func(c *Config) { c.UserAgent = "qlikops/test" })
	ctx := context.Background()
	if err := c.Do(ctx, "POST", "/api/v1/spaces", map[string]any{"name": "F", "type": "shared"}, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Send(ctx, Request{
		Method: "PUT", Path: "api/v1/x?keep=1", Query: url.Values{"add": {"2"}},
		Body: []byte("raw-bytes"), ContentType: "application/octet-stream",
		Header: http.Header{"If-Match": {`"v1"`}, "Authorization": {"Bearer hijacked"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Location") != "/api/v1/spaces/new" || resp.Header.Get("ETag") != `"v2"` {
		t.Errorf("response headers = %v", resp.Header)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("returned body not safe to read: %v", err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/x", nil, nil); err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{"application/json", "application/json", "qlikops/test", "Bearer " + testKey, `{"name":"F","type":"shared"}`, "", ""},
		{"application/json", "application/octet-stream", "qlikops/test", "Bearer " + testKey, "raw-bytes", "add=2&keep=1", `"v1"`},
		{"application/json", "", "qlikops/test", "Bearer " + testKey, "", "", ""},
	}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("request %d = %+v\nwant          %+v", i, got, want[i])
		}
	}
}

func TestDefaultUserAgent(t *testing.T) {
	var ua string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { ua = r.UserAgent() })
	c := newTestClient(t, srv, nil)
	_ = c.Do(context.Background(), "GET", "/", nil, nil)
	if ua != "qlikops/"+Version {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestResponseDecoding(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/truncated":
			writeJSON(w, 200, `{"id":"abc","name":`)
		case "/wrongtype":
			writeJSON(w, 200, `{"id":123}`)
		case "/nocontent":
			w.WriteHeader(204)
		default:
			writeJSON(w, 200, `{"id":"abc"}`)
		}
	})
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 2 })
	ctx := context.Background()
	var v struct{ ID string }
	// A cut body is retried on a read (twice here, then reported); a body of
	// the wrong shape arrived whole and is not; a write is never replayed.
	for _, tc := range []struct {
		method, path string
		retries      int64
	}{{"GET", "/truncated", 2}, {"GET", "/wrongtype", 0}, {"POST", "/truncated", 0}} {
		before := c.Stats()
		err := c.Do(ctx, tc.method, tc.path, nil, &v)
		if err == nil || !strings.HasPrefix(err.Error(), tc.method+" "+tc.path+": 200: invalid JSON response") {
			t.Errorf("%s %s: err = %v", tc.method, tc.path, err)
		}
		if StatusOf(err) != 0 {
			t.Errorf("%s %s: decode error posing as an HTTP error", tc.method, tc.path)
		}
		after := c.Stats()
		got := after.Tier1.Retries + after.Tier2.Retries - before.Tier1.Retries - before.Tier2.Retries
		if got != tc.retries {
			t.Errorf("%s %s: %d retries, want %d", tc.method, tc.path, got, tc.retries)
		}
	}
	if err := c.Do(ctx, "DELETE", "/nocontent", nil, &v); err != nil {
		t.Errorf("204 with out: %v", err)
	}
	var raw []byte
	if err := c.Do(ctx, "GET", "/ok", nil, &raw); err != nil || string(raw) != `{"id":"abc"}` {
		t.Errorf("raw = %q, %v", raw, err)
	}
	var buf bytes.Buffer
	if err := c.Do(ctx, "GET", "/ok", nil, &buf); err != nil || buf.String() != `{"id":"abc"}` {
		t.Errorf("writer = %q, %v", buf.String(), err)
	}
	var m map[string]json.RawMessage
	if err := c.Do(ctx, "GET", "/ok", nil, &m); err != nil || string(m["id"]) != `"abc"` {
		t.Errorf("map = %v, %v", m, err)
	}
	if err := c.Do(ctx, "POST", "/ok", func() {}, nil); err == nil || !strings.Contains(err.Error(), "encoding request body") {
		t.Errorf("unencodable body: %v", err)
	}
}

func TestTruncatedBodyRetriedForGET(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.inc() == 1 {
			// Promise 100 bytes, send 10, drop the connection.
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"id":"ab`))
			w.(http.Flusher).Flush()
			hijackClose(t, w)
			return
		}
		writeJSON(w, 200, `{"id":"abc"}`)
	})
	c := newTestClient(t, srv, nil)
	var v struct{ ID string }
	if err := c.Do(context.Background(), "GET", "/x", nil, &v); err != nil || v.ID != "abc" || hits.get() != 2 {
		t.Errorf("id=%q err=%v hits=%d", v.ID, err, hits.get())
	}
}
