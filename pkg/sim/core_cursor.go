package sim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

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

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
