package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultAPIKey is the bearer key accepted when Options.APIKey is empty.
const DefaultAPIKey = "qliksim-dev-key"

// Options configures a Server. The zero value is a usable simulator that
// accepts DefaultAPIKey, has OAuth and rate limits off and no latency.
type Options struct {
	APIKey                 string        // bearer key accepted; "" means DefaultAPIKey
	ClientID, ClientSecret string        // OAuth client credentials accepted ("" = OAuth off)
	TokenTTL               time.Duration // OAuth access token lifetime (default 1h)
	Tier1PerMin            int           // GET requests per minute; 0 = no limit
	Tier2PerMin            int           // POST/PUT/PATCH/DELETE requests per minute; 0 = no limit
	Latency                time.Duration // fixed delay added to every request
	Deterministic          bool          // ids from a counter, for golden tests

	// Now replaces the clock (timestamps, token expiry, rate-limit windows).
	// nil means time.Now.
	Now func() time.Time
	// Middleware wraps the API handler, outermost first, after stats, latency
	// and before auth. It is the hook for fault injection.
	Middleware []func(http.Handler) http.Handler
}

// Server is one simulated tenant. It is safe for concurrent use.
type Server struct {
	opts Options

	mu sync.Mutex
	st *state

	stats   statsCounter
	limiter *rateLimiter
	tokens  tokenStore

	handler http.Handler
}

// New returns a simulator holding an empty tenant: the default roles, the
// Everyone group and the built-in service user that owns what the API key
// creates until a seed names a TenantAdmin.
func New(opts Options) *Server {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts}
	s.limiter = newRateLimiter(opts.Tier1PerMin, opts.Tier2PerMin, opts.Now)
	s.tokens.m = map[string]time.Time{}
	s.st = s.freshState()
	s.handler = s.buildHandler()
	return s
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// freshState builds the initial tenant.
func (s *Server) freshState() *state {
	st := newState()
	st.TenantID = newTenantID(s.opts.Deterministic)
	now := s.now()
	for _, d := range defaultRoles {
		r := &role{ID: st.newID(s.opts.Deterministic), Name: d.name, Description: d.desc,
			Type: "default", Level: d.level, Permissions: []string{}, CreatedAt: now, Seq: st.nextSeq()}
		st.Roles[r.ID] = r
	}
	st.Groups[EveryoneGroupID] = &group{ID: EveryoneGroupID, Name: "Everyone", ProviderType: "custom",
		Status: "active", RoleIDs: []string{}, System: true, CreatedAt: now, LastUpdatedAt: now, Seq: st.nextSeq()}
	bot := &user{ID: st.newID(s.opts.Deterministic), Subject: botSubject, Name: botSubject, Status: "active",
		GroupIDs: []string{}, CreatedAt: now, LastUpdatedAt: now, Seq: st.nextSeq()}
	bot.RoleIDs = []string{st.roleByName("TenantAdmin").ID}
	st.Users[bot.ID] = bot
	st.CallerID = bot.ID
	return st
}

// Handler returns the HTTP handler serving the API, /oauth/token and /_sim/.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) buildHandler() http.Handler {
	api := http.NewServeMux()
	s.routeSpaces(api)
	s.routeAssignments(api)
	s.routeUsers(api)
	s.routeGroups(api)
	s.routeRoles(api)
	var h http.Handler = notFoundJSON(api)
	h = s.rateLimit(h)
	h = s.auth(h)
	for i := len(s.opts.Middleware) - 1; i >= 0; i-- {
		h = s.opts.Middleware[i](h)
	}
	h = s.latency(h)

	root := http.NewServeMux()
	root.HandleFunc("GET /_sim/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	root.HandleFunc("POST /_sim/stats/reset", func(w http.ResponseWriter, r *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	root.Handle("/", s.countStats(h))
	return root
}

// notFoundJSON turns the mux's plain-text 404/405 into Qlik-style JSON errors.
func notFoundJSON(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r) // sets the path values
			return
		}
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 || status == http.StatusOK {
			status = http.StatusNotFound
		}
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		writeError(w, r, status, fmt.Sprintf("HTTP-%d", status), "", http.StatusText(status), "no route for "+r.Method+" "+r.URL.Path)
	})
}

type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(code int)        { r.status = code }

func (s *Server) latency(next http.Handler) http.Handler {
	if s.opts.Latency <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(s.opts.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withState runs f with the tenant locked.
func (s *Server) withState(f func(st *state)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.st)
}

func (s *Server) newID(st *state) string { return st.newID(s.opts.Deterministic) }

// caller is the user the API key (or OAuth token) acts as.
func (s *Server) caller(st *state) *user { return st.Users[st.CallerID] }

// noContentJSON answers 204 the way the users service does: its spec
// declares an application/json content type on the empty 204.
func noContentJSON(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeBody reads a JSON request body into v (size-limited to 500 kB).
func decodeBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 500<<10))
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// baseURL is the scheme and host the client used, e.g. http://127.0.0.1:8080.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func isWriteMethod(m string) bool {
	switch m {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }
