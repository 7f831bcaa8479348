package core

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// Write is one successful write request (POST, PUT, PATCH or DELETE that
// answered 2xx and is not one of a service's ReadOnlyWrites), as the
// services' Written hooks see it: the audits service turns each into an
// audit event. It is derived from the route alone, so a new service's
// writes are recorded without code of its own.
type Write struct {
	Method string
	// Pattern is the path pattern the route matched,
	// "/api/v1/spaces/{spaceId}/assignments/{assignmentId}".
	Pattern string
	// Values are the pattern's wildcards by name.
	Values map[string]string
	Status int
	// Body is the response body, cut at maxWriteBody: where a created
	// item's id is.
	Body     []byte
	CallerID string
	Time     time.Time
}

const maxWriteBody = 1 << 20

// recordWrites tells every service's Written hook about each successful
// write. It must sit inside the route mux's caller chain with nothing in
// between that copies the request, since the mux records the matched
// pattern on the request it is given.
func (s *Server) recordWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPIPath(r.URL.Path) || !isWriteMethod(r.Method) || s.readOnlyWrite(r) || !s.hasWrittenHook() {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bodyRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		_, pattern, _ := strings.Cut(r.Pattern, " ")
		if status < 200 || status > 299 || pattern == "" {
			return
		}
		wr := Write{Method: r.Method, Pattern: pattern, Values: map[string]string{}, Status: status, Body: rec.body.Bytes()}
		for _, name := range PatternWildcards(pattern) {
			wr.Values[name] = r.PathValue(name)
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		wr.CallerID, wr.Time = s.St.CallerID, s.Now()
		for _, svc := range s.services {
			if svc.Written != nil {
				svc.Written(s, s.St, wr)
			}
		}
	})
}

func (s *Server) hasWrittenHook() bool {
	for _, svc := range s.services {
		if svc.Written != nil {
			return true
		}
	}
	return false
}

// PatternWildcards lists the {name} wildcards of a path pattern, in order.
func PatternWildcards(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "...")
			out = append(out, name)
		}
	}
	return out
}

// bodyRecorder passes a response through and keeps its status and the
// first maxWriteBody bytes of its body.
type bodyRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *bodyRecorder) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
	b.ResponseWriter.WriteHeader(code)
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	if room := maxWriteBody - b.body.Len(); room > 0 {
		b.body.Write(p[:min(len(p), room)])
	}
	return b.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (b *bodyRecorder) Unwrap() http.ResponseWriter { return b.ResponseWriter }
