package sim

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Page-size bounds per list (reference notes 0.5). Qlik does not state the
// maximum for spaces and assignments; 100 is the notes' guess.
const (
	spacesDefaultLimit   = 10
	identityDefaultLimit = 20
	maxLimit             = 100
)

// sortKey orders list items: key first, then seq (creation order) as the
// unique tie-breaker, so ordering is total and stable.
type sortKey struct {
	K string `json:"k"`
	S int64  `json:"s"`
}

func compareKeys(a, b sortKey, desc bool) int {
	c := cmp.Compare(a.K, b.K)
	if c == 0 {
		c = cmp.Compare(a.S, b.S)
	}
	if desc {
		return -c
	}
	return c
}

func encodeCursor(k sortKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (sortKey, error) {
	var k sortKey
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return k, err
	}
	err = json.Unmarshal(b, &k)
	return k, err
}

// pageQuery is the parsed paging part of a list request.
type pageQuery struct {
	limit      int
	next, prev string
	desc       bool
}

// parsePaging reads limit/next/prev. On error it has written a 400.
func parsePaging(w http.ResponseWriter, r *http.Request, def int) (pageQuery, bool) {
	q := r.URL.Query()
	pq := pageQuery{limit: def, next: q.Get("next"), prev: q.Get("prev")}
	if v := q.Get("limit"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != math.Trunc(f) || f < 1 || f > maxLimit {
			badRequest(w, r, "?limit", fmt.Sprintf("limit must be an integer between 1 and %d", maxLimit))
			return pq, false
		}
		pq.limit = int(f)
	}
	if pq.next != "" && pq.prev != "" {
		badRequest(w, r, "?next", "next and prev cannot be used together")
		return pq, false
	}
	return pq, true
}

// pageResult is one page of a list.
type pageResult[T any] struct {
	items      []T
	next, prev string // cursors; "" when there is no such page
	total      int
}

// paginate sorts items by key (direction pq.desc) and cuts the page that the
// cursors select. A bad cursor gives an error.
func paginate[T any](items []T, key func(T) sortKey, pq pageQuery) (pageResult[T], error) {
	res := pageResult[T]{total: len(items)}
	slices.SortFunc(items, func(a, b T) int { return compareKeys(key(a), key(b), pq.desc) })
	start, end := 0, len(items)
	switch {
	case pq.next != "":
		c, err := decodeCursor(pq.next)
		if err != nil {
			return res, err
		}
		start, _ = slices.BinarySearchFunc(items, c, func(it T, c sortKey) int {
			if compareKeys(key(it), c, pq.desc) <= 0 {
				return -1
			}
			return 1
		})
		end = min(start+pq.limit, len(items))
	case pq.prev != "":
		c, err := decodeCursor(pq.prev)
		if err != nil {
			return res, err
		}
		end, _ = slices.BinarySearchFunc(items, c, func(it T, c sortKey) int {
			if compareKeys(key(it), c, pq.desc) < 0 {
				return -1
			}
			return 1
		})
		start = max(0, end-pq.limit)
	default:
		end = min(pq.limit, len(items))
	}
	res.items = items[start:end]
	if end < len(items) && end > start {
		res.next = encodeCursor(key(items[end-1]))
	}
	if start > 0 && end > start {
		res.prev = encodeCursor(key(items[start]))
	}
	return res, nil
}

// parseSort reads "sort" (±field) and checks it against the allowed fields.
func parseSort(w http.ResponseWriter, r *http.Request, def string, allowed ...string) (string, bool, bool) {
	v := r.URL.Query().Get("sort")
	if v == "" {
		v = def
	}
	desc := strings.HasPrefix(v, "-")
	field := strings.TrimLeft(v, "+- ")
	if !slices.Contains(allowed, field) {
		badRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", field))
		return "", false, false
	}
	return field, desc, true
}

type link struct {
	Href string `json:"href"`
}

type listLinks struct {
	Self link  `json:"self"`
	Next *link `json:"next,omitempty"`
	Prev *link `json:"prev,omitempty"`
}

// pageLinks builds absolute self/next/prev links that carry the request's
// other query parameters.
func pageLinks(r *http.Request, next, prev string) listLinks {
	base := baseURL(r) + r.URL.Path
	l := listLinks{Self: link{Href: base + encodeQuery(r.URL.Query())}}
	if next != "" {
		q := r.URL.Query()
		q.Del("prev")
		q.Set("next", next)
		l.Next = &link{Href: base + encodeQuery(q)}
	}
	if prev != "" {
		q := r.URL.Query()
		q.Del("next")
		q.Set("prev", prev)
		l.Prev = &link{Href: base + encodeQuery(q)}
	}
	return l
}

func encodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// seqKey is the sort key for "creation order".
func seqKey(seq int64) sortKey { return sortKey{K: fmt.Sprintf("%020d", seq), S: seq} }

// writeIdentityPage pages, renders and writes a users, groups or roles
// list: the three services share cursor paging and the optional
// totalResults count.
func writeIdentityPage[T, J any](w http.ResponseWriter, r *http.Request, items []T, key func(T) sortKey, pq pageQuery, render func(T) J) {
	page, err := paginate(items, key, pq)
	if err != nil {
		badRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]J, 0, len(page.items))
	for _, it := range page.items {
		data = append(data, render(it))
	}
	body := map[string]any{"data": data, "links": pageLinks(r, page.next, page.prev)}
	if r.URL.Query().Get("totalResults") == "true" {
		body["totalResults"] = page.total
	}
	writeJSON(w, http.StatusOK, body)
}
