package cli_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// receiverKey holds a script's webhook receiver in testscript's Values.
type receiverKey struct{}

// receiver is a webhook endpoint on loopback that keeps every body posted
// to it, and can answer the first posts with 500 to exercise retries.
type receiver struct {
	mu       sync.Mutex
	bodies   []string
	failNext int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	if r.failNext > 0 {
		r.failNext--
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	r.bodies = append(r.bodies, string(body))
}

// cmdReceiver drives the script's webhook receiver:
//
//	receiver start VAR [FAILS]   serve on loopback, set VAR to its URL (with a
//	                             secret-looking path and query); answer the
//	                             first FAILS posts with 500
//	receiver down VAR            set VAR to a loopback URL where nothing listens
//	receiver count N             fails unless exactly N posts were received
//	receiver body-contains TEXT  fails unless the last post contains TEXT
//	receiver reset               forget the posts received so far
func cmdReceiver(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: receiver start VAR [FAILS] | down VAR | count N | body-contains TEXT | reset")
	}
	r, _ := ts.Value(receiverKey{}).(*receiver)
	switch args[0] {
	case "start":
		if len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: receiver start VAR [FAILS]")
		}
		if len(args) == 3 {
			n, err := strconv.Atoi(args[2])
			ts.Check(err)
			r.mu.Lock()
			r.failNext = n
			r.mu.Unlock()
		}
		srv := httptest.NewServer(r)
		ts.Defer(srv.Close)
		ts.Setenv(args[1], srv.URL+"/hooks/T000/B000/sentinel-webhook-token?sig=sentinel-webhook-sig")
	case "down":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		addr := l.Addr().String()
		ts.Check(l.Close())
		ts.Setenv(args[1], "http://"+addr+"/hooks/sentinel-webhook-token")
	case "count":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		r.mu.Lock()
		got := len(r.bodies)
		r.mu.Unlock()
		if (got == want) == neg {
			ts.Fatalf("receiver got %d posts, want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
		return
	case "body-contains":
		if len(args) != 2 {
			ts.Fatalf("usage: receiver body-contains TEXT")
		}
		r.mu.Lock()
		last := ""
		if len(r.bodies) > 0 {
			last = r.bodies[len(r.bodies)-1]
		}
		r.mu.Unlock()
		if strings.Contains(last, args[1]) == neg {
			ts.Fatalf("last post %q: contains %q is %v", last, args[1], !neg)
		}
		return
	case "reset":
		r.mu.Lock()
		r.bodies = nil
		r.mu.Unlock()
	default:
		ts.Fatalf("unknown receiver command %q", args[0])
	}
	if neg {
		ts.Fatalf("receiver %s does not support !", args[0])
	}
}
