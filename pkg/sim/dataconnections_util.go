package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Helpers shared by the data-connections, automations and
// automation-connections services: UUID ids, a single-parameter cursor that
// serves both directions, the list query that rides on it, and the seed
// references by natural key.

// newUUID returns a version-4 style UUID: random, or from the id counter when
// the simulator is deterministic. Data connections, automations and
// automation connections use UUIDs, not the 24-hex ids of spaces and users.
func (s *Server) newUUID(st *state) string { return s.uuidFrom(st, 0x100) }

// uuidFrom is newUUID with the deterministic counter shifted by offset.
// Glossaries, themes and extensions count from 0 and the other services from
// 0x100; both are kept so that deterministic ids stay as they were.
func (s *Server) uuidFrom(st *state, offset int64) string {
	if s.opts.Deterministic {
		st.IDCounter++
		return fmt.Sprintf("00000000-0000-4000-8000-%012x", offset+st.IDCounter)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

// randomToken returns n random characters from [A-Za-z0-9].
func randomToken(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Services with one cursor parameter (data-connections `page`, automations
// `cursor`) carry the direction in the opaque value: "n" or "p" followed by
// the paginate cursor.

// readDirCursor fills pq.next or pq.prev from the cursor parameter value.
// A leading "page=" is accepted too (Qlik's example value carries it).
func readDirCursor(pq *pageQuery, v string) bool {
	v = strings.TrimPrefix(v, "page=")
	if v == "" {
		return true
	}
	if len(v) < 2 {
		return false
	}
	if _, err := decodeCursor(v[1:]); err != nil {
		return false
	}
	switch v[0] {
	case 'n':
		pq.next = v[1:]
	case 'p':
		pq.prev = v[1:]
	default:
		return false
	}
	return true
}

// dirCursorHrefs returns absolute next/prev hrefs ("" when absent) that keep
// the request's other query parameters and set param to the cursor.
func dirCursorHrefs(r *http.Request, param, next, prev string) (string, string) {
	base := baseURL(r) + r.URL.Path
	mk := func(dir, c string) string {
		if c == "" {
			return ""
		}
		q := r.URL.Query()
		q.Set(param, dir+c)
		return base + encodeQuery(q)
	}
	return mk("n", next), mk("p", prev)
}

// parseLimitIn reads "limit" with the service's bounds. It returns def when
// absent and ok=false (with msg) when invalid.
func parseLimitIn(r *http.Request, def, maxv int) (int, string) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, ""
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || f < 1 || f > float64(maxv) {
		return 0, fmt.Sprintf("limit must be an integer between 1 and %d", maxv)
	}
	return int(f), ""
}

// parseSignedSort splits "±field" and checks field against allowed.
func parseSignedSort(v, def string, allowed ...string) (field string, desc bool, ok bool) {
	if v == "" {
		v = def
	}
	desc = strings.HasPrefix(v, "-")
	field = strings.TrimLeft(v, "+- ")
	for _, a := range allowed {
		if a == field {
			return field, desc, true
		}
	}
	return field, desc, false
}

// queryBool reads a boolean query parameter; absent gives def.
func queryBool(r *http.Request, name string, def bool) bool {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

// fmtMicro formats a time the way the automations services do
// (microseconds, as in their spec examples).
func fmtMicro(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// cursorList describes the list query of a service with one cursor
// parameter; the services differ only in names, bounds and messages.
type cursorList struct {
	param              string // the cursor parameter: "cursor" or "page"
	defLimit, maxLimit int
	defSort            string
	sorts, filters     []string
	nonEmpty           []string // parameters that must not be empty when given
	badCursor          string   // the message for a cursor that does not decode
}

// cursorQuery is a parsed cursorList query.
type cursorQuery struct {
	page   pageQuery
	sort   string
	filter filterExpr
}

// parse reads limit, sort, cursor and filter, in that order; msg says why
// the query is invalid.
func (cl cursorList) parse(r *http.Request) (cq cursorQuery, msg string) {
	q := r.URL.Query()
	limit, msg := parseLimitIn(r, cl.defLimit, cl.maxLimit)
	if msg != "" {
		return cq, msg
	}
	field, desc, ok := parseSignedSort(q.Get("sort"), cl.defSort, cl.sorts...)
	if !ok {
		return cq, fmt.Sprintf("unsupported sort field %q", field)
	}
	for _, p := range cl.nonEmpty {
		if q.Has(p) && q.Get(p) == "" {
			return cq, p + " must not be empty"
		}
	}
	cq = cursorQuery{page: pageQuery{limit: limit, desc: desc}, sort: field}
	if !readDirCursor(&cq.page, q.Get(cl.param)) {
		return cq, cl.badCursor
	}
	if f := q.Get("filter"); f != "" {
		var err error
		if cq.filter, err = parseFilter(f, cl.filters...); err != nil {
			return cq, "invalid filter: " + err.Error()
		}
	}
	return cq, ""
}

// keep reports whether an item passes the filter. attrs maps the lower-case
// filter attribute names to the item's values.
func (cq cursorQuery) keep(attrs map[string]string) bool {
	return cq.filter == nil || cq.filter.eval(attrValues(attrs))
}

// attrValues serves a filter from a map of single-valued attributes.
func attrValues(attrs map[string]string) func(string) []string {
	return func(attr string) []string {
		if v, ok := attrs[attr]; ok {
			return []string{v}
		}
		return nil
	}
}

// seedOwner resolves the owner email of a seed entry; "" is the API-key
// caller.
func (s *Server) seedOwner(st *state, email string) (*user, error) {
	if email == "" {
		return callerOf(st), nil
	}
	if u := userByEmail(st, email); u != nil {
		return u, nil
	}
	return nil, fmt.Errorf("owner %q is not a user in users.yaml", email)
}

// seedSpaceID resolves the space name of a seed entry; "" is personal.
func seedSpaceID(st *state, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if sp := spaceByName(st, name); sp != nil {
		return sp.ID, nil
	}
	return "", fmt.Errorf("space %q is not in spaces.yaml", name)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
