package core

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The generic handler's list: filters, sort and either paging style.

func (h crud[T]) list(w http.ResponseWriter, r *http.Request) {
	res, q := h.res, r.URL.Query()
	def := res.DefaultLimit
	if def == 0 {
		def = 20
	}
	limit, msg := ParseLimitIn(r, def, MaxLimit)
	if msg != "" {
		BadRequest(w, r, "?limit", msg)
		return
	}
	sortKey, desc, ok := h.sortOf(w, r)
	if !ok {
		return
	}
	var keep []func(*T) bool
	for param, f := range res.Filters {
		if !q.Has(param) {
			continue
		}
		pred, err := f(q.Get(param))
		if err != nil {
			BadRequest(w, r, "?"+param, fmt.Sprintf("invalid %s: %v", param, err))
			return
		}
		keep = append(keep, pred)
	}
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	items := res.Table.List(h.s.St, func(v *T) bool {
		if res.Hidden != nil && res.Hidden(v) {
			return false
		}
		for _, k := range keep {
			if !k(v) {
				return false
			}
		}
		return true
	}, nil)
	key := func(v *T) SortKey { return SortKey{K: sortKey(v), S: res.Row(v).Seq} }
	var page []*T
	var links listLinks
	if res.Paging == IDCursors {
		page, links, ok = h.idPage(w, r, items, key, desc, limit)
	} else {
		page, links, ok = h.cursorPage(w, r, items, key, desc, limit)
	}
	if !ok {
		return
	}
	data := make([]any, 0, len(page))
	for _, v := range page {
		data = append(data, res.Render(r, h.s.St, v))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": links})
}

// sortOf reads ?sort (±field) against the resource's sorts.
func (h crud[T]) sortOf(w http.ResponseWriter, r *http.Request) (func(*T) string, bool, bool) {
	v := r.URL.Query().Get("sort")
	if v == "" {
		v = h.res.DefaultSort
	}
	if v == "" {
		return func(*T) string { return "" }, false, true // Seq: creation order
	}
	desc := strings.HasPrefix(v, "-")
	field := strings.TrimLeft(v, "+- ")
	f, ok := h.res.Sorts[field]
	if !ok {
		BadRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", field))
		return nil, false, false
	}
	return f, desc, true
}

func (h crud[T]) cursorPage(w http.ResponseWriter, r *http.Request, items []*T, key func(*T) SortKey, desc bool, limit int) ([]*T, listLinks, bool) {
	q := r.URL.Query()
	pq := PageQuery{Limit: limit, Next: q.Get("next"), Prev: q.Get("prev"), Desc: desc}
	if pq.Next != "" && pq.Prev != "" {
		BadRequest(w, r, "?next", "next and prev cannot be used together")
		return nil, listLinks{}, false
	}
	page, err := Paginate(items, key, pq)
	if err != nil {
		BadRequest(w, r, "?next", "invalid cursor")
		return nil, listLinks{}, false
	}
	return page.Items, PageLinks(r, page.Next, page.Prev), true
}

// idPage cuts the page after startingAfter or before endingBefore (item
// ids). An id that is not in the list is refused: there is no position to
// page from.
func (h crud[T]) idPage(w http.ResponseWriter, r *http.Request, items []*T, key func(*T) SortKey, desc bool, limit int) ([]*T, listLinks, bool) {
	q := r.URL.Query()
	after, before := q.Get("startingAfter"), q.Get("endingBefore")
	if after != "" && before != "" {
		BadRequest(w, r, "?startingAfter", "startingAfter and endingBefore cannot be used together")
		return nil, listLinks{}, false
	}
	slices.SortFunc(items, func(a, b *T) int { return compareKeys(key(a), key(b), desc) })
	index := func(param, id string) (int, bool) {
		i := slices.IndexFunc(items, func(v *T) bool { return h.res.Row(v).ID == id })
		if i < 0 {
			BadRequest(w, r, "?"+param, fmt.Sprintf("%s %q is not in the list", param, id))
		}
		return i, i >= 0
	}
	start, end := 0, min(limit, len(items))
	switch {
	case after != "":
		i, ok := index("startingAfter", after)
		if !ok {
			return nil, listLinks{}, false
		}
		start, end = i+1, min(i+1+limit, len(items))
	case before != "":
		i, ok := index("endingBefore", before)
		if !ok {
			return nil, listLinks{}, false
		}
		start, end = max(0, i-limit), i
	}
	page := items[start:end]
	var next, prev string
	if end < len(items) && end > start {
		next = h.res.Row(items[end-1]).ID
	}
	if start > 0 && end > start {
		prev = h.res.Row(items[start]).ID
	}
	return page, idPageLinks(r, next, prev), true
}

// idPageLinks builds absolute self/next/prev links for id cursors.
func idPageLinks(r *http.Request, next, prev string) listLinks {
	base := BaseURL(r) + r.URL.Path
	l := listLinks{Self: Link{Href: base + EncodeQuery(r.URL.Query())}}
	mk := func(set, id string) *Link {
		q := r.URL.Query()
		q.Del("startingAfter")
		q.Del("endingBefore")
		q.Set(set, id)
		return &Link{Href: base + EncodeQuery(q)}
	}
	if next != "" {
		l.Next = mk("startingAfter", next)
	}
	if prev != "" {
		l.Prev = mk("endingBefore", prev)
	}
	return l
}

// Filter constructors for the query parameters Qlik's lists share.

// EqualFilter keeps items whose field equals the value.
func EqualFilter[T any](get func(*T) string) Filter[T] {
	return func(v string) (func(*T) bool, error) {
		return func(it *T) bool { return get(it) == v }, nil
	}
}

// WildcardFilter is the "wildcard and case insensitive" filter of webhooks
// and CSP origins: "*" matches any run of characters; a value without "*"
// matches anywhere in the field (Qlik does not say; a guess).
func WildcardFilter[T any](get func(*T) string) Filter[T] {
	return func(v string) (func(*T) bool, error) {
		if !strings.Contains(v, "*") {
			v = "*" + v + "*"
		}
		parts := strings.Split(v, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile("(?is)^" + strings.Join(parts, ".*") + "$")
		return func(it *T) bool { return re.MatchString(get(it)) }, nil
	}
}

// BoolFilter keeps items whose flag equals the value (true/false).
func BoolFilter[T any](get func(*T) bool) Filter[T] {
	return func(v string) (func(*T) bool, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", v)
		}
		return func(it *T) bool { return get(it) == b }, nil
	}
}

// AnyOfFilter keeps items holding any of the comma-separated values.
func AnyOfFilter[T any](get func(*T) []string) Filter[T] {
	return func(v string) (func(*T) bool, error) {
		want := strings.Split(v, ",")
		return func(it *T) bool {
			for _, have := range get(it) {
				if slices.Contains(want, have) {
					return true
				}
			}
			return false
		}, nil
	}
}
