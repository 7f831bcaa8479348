package core

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
func readDirCursor(pq *PageQuery, v string) bool {
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
		pq.Next = v[1:]
	case 'p':
		pq.Prev = v[1:]
	default:
		return false
	}
	return true
}

// dirCursorHrefs returns absolute next/prev hrefs ("" when absent) that keep
// the request's other query parameters and set param to the cursor.
func DirCursorHrefs(r *http.Request, param, next, prev string) (string, string) {
	base := BaseURL(r) + r.URL.Path
	mk := func(dir, c string) string {
		if c == "" {
			return ""
		}
		q := r.URL.Query()
		q.Set(param, dir+c)
		return base + EncodeQuery(q)
	}
	return mk("n", next), mk("p", prev)
}

// parseLimitIn reads "limit" with the service's bounds. It returns def when
// absent and ok=false (with msg) when invalid.
func ParseLimitIn(r *http.Request, def, maxv int) (int, string) {
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
func ParseSignedSort(v, def string, allowed ...string) (field string, desc bool, ok bool) {
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
func QueryBool(r *http.Request, name string, def bool) bool {
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
func FmtMicro(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// cursorList describes the list query of a service with one cursor
// parameter; the services differ only in names, bounds and messages.
type CursorList struct {
	Param              string // the cursor parameter: "cursor" or "page"
	DefLimit, MaxLimit int
	DefSort            string
	Sorts, Filters     []string
	NonEmpty           []string // parameters that must not be empty when given
	BadCursor          string   // the message for a cursor that does not decode
}

// cursorQuery is a parsed cursorList query.
type CursorQuery struct {
	Page   PageQuery
	Sort   string
	filter FilterExpr
}

// parse reads limit, sort, cursor and filter, in that order; msg says why
// the query is invalid.
func (cl CursorList) Parse(r *http.Request) (cq CursorQuery, msg string) {
	q := r.URL.Query()
	limit, msg := ParseLimitIn(r, cl.DefLimit, cl.MaxLimit)
	if msg != "" {
		return cq, msg
	}
	field, desc, ok := ParseSignedSort(q.Get("sort"), cl.DefSort, cl.Sorts...)
	if !ok {
		return cq, fmt.Sprintf("unsupported sort field %q", field)
	}
	for _, p := range cl.NonEmpty {
		if q.Has(p) && q.Get(p) == "" {
			return cq, p + " must not be empty"
		}
	}
	cq = CursorQuery{Page: PageQuery{Limit: limit, Desc: desc}, Sort: field}
	if !readDirCursor(&cq.Page, q.Get(cl.Param)) {
		return cq, cl.BadCursor
	}
	if f := q.Get("filter"); f != "" {
		var err error
		if cq.filter, err = ParseFilter(f, cl.Filters...); err != nil {
			return cq, "invalid filter: " + err.Error()
		}
	}
	return cq, ""
}

// keep reports whether an item passes the filter. attrs maps the lower-case
// filter attribute names to the item's values.
func (cq CursorQuery) Keep(attrs map[string]string) bool {
	return cq.filter == nil || cq.filter.Eval(AttrValues(attrs))
}

// attrValues serves a filter from a map of single-valued attributes.
func AttrValues(attrs map[string]string) func(string) []string {
	return func(attr string) []string {
		if v, ok := attrs[attr]; ok {
			return []string{v}
		}
		return nil
	}
}

func Deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
