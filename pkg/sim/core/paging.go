package core

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
	SpacesDefaultLimit   = 10
	IdentityDefaultLimit = 20
	MaxLimit             = 100
)

// sortKey orders list items: key first, then seq (creation order) as the
// unique tie-breaker, so ordering is total and stable.
type SortKey struct {
	K string `json:"k"`
	S int64  `json:"s"`
}

func compareKeys(a, b SortKey, desc bool) int {
	c := cmp.Compare(a.K, b.K)
	if c == 0 {
		c = cmp.Compare(a.S, b.S)
	}
	if desc {
		return -c
	}
	return c
}

func encodeCursor(k SortKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (SortKey, error) {
	var k SortKey
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return k, err
	}
	err = json.Unmarshal(b, &k)
	return k, err
}

// pageQuery is the parsed paging part of a list request.
type PageQuery struct {
	Limit      int
	Next, Prev string
	Desc       bool
}

// parsePaging reads limit/next/prev. On error it has written a 400.
func ParsePaging(w http.ResponseWriter, r *http.Request, def int) (PageQuery, bool) {
	q := r.URL.Query()
	pq := PageQuery{Limit: def, Next: q.Get("next"), Prev: q.Get("prev")}
	if v := q.Get("limit"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != math.Trunc(f) || f < 1 || f > MaxLimit {
			BadRequest(w, r, "?limit", fmt.Sprintf("limit must be an integer between 1 and %d", MaxLimit))
			return pq, false
		}
		pq.Limit = int(f)
	}
	if pq.Next != "" && pq.Prev != "" {
		BadRequest(w, r, "?next", "next and prev cannot be used together")
		return pq, false
	}
	return pq, true
}

// PageResult is one page of a list.
type PageResult[T any] struct {
	Items      []T
	Next, Prev string // cursors; "" when there is no such page
	Total      int
}

// paginate sorts items by key (direction pq.desc) and cuts the page that the
// cursors select. A bad cursor gives an error.
func Paginate[T any](items []T, key func(T) SortKey, pq PageQuery) (PageResult[T], error) {
	res := PageResult[T]{Total: len(items)}
	slices.SortFunc(items, func(a, b T) int { return compareKeys(key(a), key(b), pq.Desc) })
	start, end := 0, len(items)
	switch {
	case pq.Next != "":
		c, err := decodeCursor(pq.Next)
		if err != nil {
			return res, err
		}
		start, _ = slices.BinarySearchFunc(items, c, func(it T, c SortKey) int {
			if compareKeys(key(it), c, pq.Desc) <= 0 {
				return -1
			}
			return 1
		})
		end = min(start+pq.Limit, len(items))
	case pq.Prev != "":
		c, err := decodeCursor(pq.Prev)
		if err != nil {
			return res, err
		}
		end, _ = slices.BinarySearchFunc(items, c, func(it T, c SortKey) int {
			if compareKeys(key(it), c, pq.Desc) < 0 {
				return -1
			}
			return 1
		})
		start = max(0, end-pq.Limit)
	default:
		end = min(pq.Limit, len(items))
	}
	res.Items = items[start:end]
	if end < len(items) && end > start {
		res.Next = encodeCursor(key(items[end-1]))
	}
	if start > 0 && end > start {
		res.Prev = encodeCursor(key(items[start]))
	}
	return res, nil
}

// parseSort reads "sort" (±field) and checks it against the allowed fields.
func ParseSort(w http.ResponseWriter, r *http.Request, def string, allowed ...string) (string, bool, bool) {
	v := r.URL.Query().Get("sort")
	if v == "" {
		v = def
	}
	desc := strings.HasPrefix(v, "-")
	field := strings.TrimLeft(v, "+- ")
	if !slices.Contains(allowed, field) {
		BadRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", field))
		return "", false, false
	}
	return field, desc, true
}

type Link struct {
	Href string `json:"href"`
}

type listLinks struct {
	Self Link  `json:"self"`
	Next *Link `json:"next,omitempty"`
	Prev *Link `json:"prev,omitempty"`
}

// pageLinks builds absolute self/next/prev links that carry the request's
// other query parameters.
func PageLinks(r *http.Request, next, prev string) listLinks {
	base := BaseURL(r) + r.URL.Path
	l := listLinks{Self: Link{Href: base + EncodeQuery(r.URL.Query())}}
	if next != "" {
		q := r.URL.Query()
		q.Del("prev")
		q.Set("next", next)
		l.Next = &Link{Href: base + EncodeQuery(q)}
	}
	if prev != "" {
		q := r.URL.Query()
		q.Del("next")
		q.Set("prev", prev)
		l.Prev = &Link{Href: base + EncodeQuery(q)}
	}
	return l
}

func EncodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// seqKey is the sort key for "creation order".
func SeqKey(seq int64) SortKey {
	if seq < 0 {
		return SortKey{K: fmt.Sprintf("%020d", seq), S: seq}
	}
	// fmt's %020d without fmt: lists sort every row by this key per page.
	digits := strconv.FormatInt(seq, 10)
	return SortKey{K: strings.Repeat("0", max(0, 20-len(digits))) + digits, S: seq}
}

// writeIdentityPage pages, renders and writes a users, groups or roles
// list: the three services share cursor paging and the optional
// totalResults count.
func WriteIdentityPage[T, J any](w http.ResponseWriter, r *http.Request, items []T, key func(T) SortKey, pq PageQuery, render func(T) J) {
	page, err := Paginate(items, key, pq)
	if err != nil {
		BadRequest(w, r, "?next", "invalid cursor")
		return
	}
	data := make([]J, 0, len(page.Items))
	for _, it := range page.Items {
		data = append(data, render(it))
	}
	body := map[string]any{"data": data, "links": PageLinks(r, page.Next, page.Prev)}
	if r.URL.Query().Get("totalResults") == "true" {
		body["totalResults"] = page.Total
	}
	WriteJSON(w, http.StatusOK, body)
}
