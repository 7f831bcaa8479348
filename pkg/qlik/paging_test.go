package qlik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// collect runs ListPages and returns the ids seen.
func collect(t *testing.T, c *Client, path string, opts ListOptions) ([]string, error) {
	t.Helper()
	var ids []string
	err := c.ListPages(context.Background(), path, opts, func(item json.RawMessage) error {
		var v struct{ ID string }
		if err := json.Unmarshal(item, &v); err != nil {
			return err
		}
		ids = append(ids, v.ID)
		return nil
	})
	return ids, err
}

func items(from, to int) string {
	var parts []string
	for i := from; i < to; i++ {
		parts = append(parts, fmt.Sprintf(`{"id":"i%02d"}`, i))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// requestLog records every query a server receives.
type requestLog struct {
	mu sync.Mutex
	q  []url.Values
}

func (l *requestLog) add(r *http.Request) url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.q = append(l.q, r.URL.Query())
	return r.URL.Query()
}

func TestListAllFollowsAbsoluteNextLinks(t *testing.T) {
	var log requestLog
	var srv *httptestServer
	srv = newServerRef(t, func(w http.ResponseWriter, r *http.Request) {
		q := log.add(r)
		page, _ := strconv.Atoi(q.Get("next"))
		next := fmt.Sprintf(`{"href":"%s/api/v1/spaces?limit=%s&next=%d"}`, srv.URL, q.Get("limit"), page+1)
		if page == 2 {
			next = "null"
		}
		writeJSON(w, 200, fmt.Sprintf(`{"data":%s,"links":{"self":{"href":"x"},"next":%s},"meta":{"count":7}}`, items(page*3, min(page*3+3, 7)), next))
	})
	c := newTestClient(t, srv.Server, nil)
	var ids []string
	err := c.ListAll(context.Background(), "/api/v1/spaces", url.Values{"limit": {"3"}}, func(item json.RawMessage) error {
		var v struct{ ID string }
		_ = json.Unmarshal(item, &v)
		ids = append(ids, v.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids, ","); got != "i00,i01,i02,i03,i04,i05,i06" {
		t.Errorf("ids = %s", got)
	}
	if len(log.q) != 3 || log.q[2].Get("limit") != "3" || log.q[2].Get("next") != "2" {
		t.Errorf("requests = %v", log.q)
	}
}

func TestListAllLoopGuard(t *testing.T) {
	var hits counter
	var srv *httptestServer
	srv = newServerRef(t, func(w http.ResponseWriter, r *http.Request) {
		n := hits.inc()
		// Always hands out the same cursor, with fresh items each time.
		writeJSON(w, 200, fmt.Sprintf(`{"data":[{"id":"x%d"}],"links":{"next":{"href":"%s/api/v1/spaces?next=same"}}}`, n, srv.URL))
	})
	c := newTestClient(t, srv.Server, nil)
	_, err := collect(t, c, "/api/v1/spaces", ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "already gave") || hits.get() != 2 {
		t.Errorf("err=%v hits=%d, want a loop error after 2 pages", err, hits.get())
	}
}

func TestListRepeatedPageGuard(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := hits.inc()
		// Fresh cursors, but the server ignores them and repeats the page.
		writeJSON(w, 200, fmt.Sprintf(`{"data":[{"id":"a"}],"links":{"next":{"href":"/api/v1/x?next=c%d"}}}`, n))
	})
	c := newTestClient(t, srv, nil)
	if _, err := collect(t, c, "/api/v1/x", ListOptions{}); err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Errorf("err = %v", err)
	}
}

func TestListRefusesForeignNextHost(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		writeJSON(w, 200, `{"data":[{"id":"a"}],"links":{"next":{"href":"https://evil.example.com/api/v1/spaces?next=2"}}}`)
	})
	c := newTestClient(t, srv, nil)
	if _, err := collect(t, c, "/api/v1/spaces", ListOptions{}); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("err = %v", err)
	}
	// Same host but another port is another origin too.
	err := c.Do(context.Background(), "GET", "http://127.0.0.1:1/api", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "refusing") || hits.get() != 1 {
		t.Errorf("err = %v", err)
	}
}

func TestListStopsOnEmptyPageAndChecksKey(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/empty":
			writeJSON(w, 200, `{"data":[],"links":{"next":{"href":"/empty?next=1"}}}`)
		case "/nokey":
			writeJSON(w, 200, `{"items":[{"id":"a"}]}`)
		case "/themes":
			writeJSON(w, 200, `{"data":[{"id":"t1"},{"id":"t2"}]}`)
		case "/bad":
			writeJSON(w, 200, `{"data":[{"id":"a"}`)
		}
	})
	c := newTestClient(t, srv, nil)
	if ids, err := collect(t, c, "/empty", ListOptions{}); err != nil || len(ids) != 0 {
		t.Errorf("empty: %v %v", ids, err)
	}
	if _, err := collect(t, c, "/nokey", ListOptions{}); err == nil || !strings.Contains(err.Error(), `no "data" array`) {
		t.Errorf("nokey: %v", err)
	}
	if ids, err := collect(t, c, "/themes", ListOptions{}); err != nil || len(ids) != 2 {
		t.Errorf("unpaginated: %v %v", ids, err)
	}
	if _, err := collect(t, c, "/bad", ListOptions{}); err == nil || !strings.Contains(err.Error(), "GET /bad") {
		t.Errorf("truncated: %v", err)
	}
}

func TestListCallbackStop(t *testing.T) {
	var hits counter
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.inc()
		writeJSON(w, 200, `{"data":[{"id":"a"},{"id":"b"}],"links":{"next":{"href":"/x?next=2"}}}`)
	})
	c := newTestClient(t, srv, nil)
	n := 0
	err := c.ListAll(context.Background(), "/x", nil, func(json.RawMessage) error { n++; return ErrStop })
	if err != nil || n != 1 || hits.get() != 1 {
		t.Errorf("err=%v n=%d hits=%d", err, n, hits.get())
	}
	boom := fmt.Errorf("boom")
	err = c.ListAll(context.Background(), "/x", nil, func(json.RawMessage) error { return boom })
	if !errors.Is(err, boom) || err.Error() != "GET /x: page 1, item 1: boom" {
		t.Errorf("callback error not returned with its place: %v", err)
	}
}

// tokenServer pages 7 items, 3 at a time, through a cursor parameter; the
// cursor is handed out as links.next.href (nullable) or links.next.token.
func tokenServer(t *testing.T, param string, viaToken bool, log *requestLog) *httptestServer {
	var srv *httptestServer
	srv = newServerRef(t, func(w http.ResponseWriter, r *http.Request) {
		q := log.add(r)
		start := 0
		if v := q.Get(param); v != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(v, "c"))
		}
		end := min(start+3, 7)
		next := `{"href":null}`
		if end < 7 && viaToken {
			next = fmt.Sprintf(`{"href":"%s/ignored","token":"c%d","type":"next"}`, srv.URL, end)
		} else if end < 7 {
			next = fmt.Sprintf(`{"href":"%s/api/v1/things?%s=c%d"}`, srv.URL, param, end)
		}
		key := "data"
		if viaToken {
			key = "sharingTasks"
		}
		writeJSON(w, 200, fmt.Sprintf(`{%q:%s,"links":{"next":%s}}`, key, items(start, end), next))
	})
	return srv
}

func TestTokenPagers(t *testing.T) {
	cases := []struct {
		name  string
		pager Pager
		param string
		token bool
	}{
		{"cursor", PageCursorParam, "cursor", false},
		{"page", PageParam, "page", false},
		{"page via token field", PageParam, "page", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var log requestLog
			srv := tokenServer(t, tc.param, tc.token, &log)
			c := newTestClient(t, srv.Server, nil)
			opts := ListOptions{Pager: tc.pager, Query: url.Values{"limit": {"3"}, "filter": {`name eq "x"`}}}
			if tc.token {
				opts.ItemsKey = "sharingTasks"
			}
			ids, err := collect(t, c, "/api/v1/things", opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != 7 || ids[6] != "i06" || len(log.q) != 3 {
				t.Errorf("ids=%v requests=%d", ids, len(log.q))
			}
			// The original filter and limit travel with every page.
			if last := log.q[2]; last.Get("limit") != "3" || last.Get("filter") != `name eq "x"` || last.Get(tc.param) != "c6" {
				t.Errorf("last query = %v", last)
			}
		})
	}
}

func TestStartingAfterPager(t *testing.T) {
	var log requestLog
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := log.add(r)
		start := 0
		if v := q.Get("startingAfter"); v != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(v, "i"))
			start++
		}
		end := min(start+2, 5)
		next := `,"next":{"href":"/api/v1/api-keys?startingAfter=whatever"}`
		if end == 5 {
			next = ""
		}
		writeJSON(w, 200, fmt.Sprintf(`{"data":%s,"links":{"self":{"href":"/"}%s}}`, items(start, end), next))
	})
	c := newTestClient(t, srv, nil)
	ids, err := collect(t, c, "/api/v1/api-keys", ListOptions{Pager: PageStartingAfter, Query: url.Values{"limit": {"2"}}})
	if err != nil || strings.Join(ids, ",") != "i00,i01,i02,i03,i04" || len(log.q) != 3 {
		t.Errorf("ids=%v err=%v requests=%d", ids, err, len(log.q))
	}
	if log.q[2].Get("startingAfter") != "i03" || log.q[2].Get("limit") != "2" {
		t.Errorf("third query = %v", log.q[2])
	}
}

func TestOffsetPager(t *testing.T) {
	cases := []struct {
		name, param, body string
	}{
		// sharing tasks: totalCount tells the end even though links.next is present.
		{"offset with totalCount", "offset", `{"sharingTasks":%s,"links":{"next":{"href":"/n"}},"totalCount":5}`},
		// report templates: no count, the empty page ends it.
		{"skip until empty", "skip", `{"sharingTasks":%s}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var log requestLog
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				q := log.add(r)
				start, _ := strconv.Atoi(q.Get(tc.param))
				// The server caps the page at 2 although 3 were asked for.
				writeJSON(w, 200, fmt.Sprintf(tc.body, items(min(start, 5), min(start+2, 5))))
			})
			c := newTestClient(t, srv, nil)
			opts := ListOptions{ItemsKey: "sharingTasks", Pager: OffsetPager{Param: tc.param}, Query: url.Values{"limit": {"3"}}}
			ids, err := collect(t, c, "/api/v1/sharing-tasks", opts)
			if err != nil || strings.Join(ids, ",") != "i00,i01,i02,i03,i04" {
				t.Errorf("ids=%v err=%v", ids, err)
			}
			if tc.param == "offset" && len(log.q) != 3 {
				t.Errorf("requests = %d, want 3 (totalCount stops it)", len(log.q))
			}
		})
	}
}
