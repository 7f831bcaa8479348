package qlik

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// ErrStop may be returned by a ListAll/ListPages callback to end paging early
// without an error.
var ErrStop = errors.New("qlik: stop paging")

// Page is one list response, as handed to a Pager.
type Page struct {
	Request  PageRequest       // the request that produced this page
	Items    []json.RawMessage // elements of the items array
	Next     *Link             // links.next; nil when absent or null
	HasLinks bool              // the response had a links object at all
	Body     json.RawMessage   // the whole response, for pagers that read other fields
}

// Link is links.next: Qlik gives an href and, for some services, a token.
type Link struct {
	Href  string `json:"href"`
	Token string `json:"token"`
}

// PageRequest addresses a page: a tenant path or absolute URL, plus a query
// (nil when Path is a link to follow verbatim).
type PageRequest struct {
	Path  string
	Query url.Values
}

// Pager is one pagination style. NextPage returns the request for the page
// after p, or nil when p was the last. ListPages has already stopped on an
// empty page and guards against loops, so a Pager only decodes its cursor.
type Pager interface {
	NextPage(p *Page) (*PageRequest, error)
}

// The paging styles Qlik services use (API reference 0.5).
var (
	PageLinks         Pager = LinksPager{}                                              // links.next.href, followed verbatim
	PageCursorParam   Pager = TokenPager{Param: "cursor"}                               // automations, automation connections
	PageParam         Pager = TokenPager{Param: "page"}                                 // data connections, ip policies, tasks
	PageStartingAfter Pager = StartingAfterPager{Param: "startingAfter", IDField: "id"} // api keys, brands, web integrations
	PageOffset        Pager = OffsetPager{Param: "offset"}                              // sharing tasks; report templates use OffsetPager{Param: "skip"}
)

// ListOptions selects the array key and paging style of a list endpoint.
type ListOptions struct {
	Query    url.Values // first page's parameters, e.g. limit=100
	ItemsKey string     // "" = "data"; "sharingTasks" for sharing tasks
	Pager    Pager      // nil = PageLinks
}

// ListAll pages a links.next.href endpoint and calls fn with every element of
// its data array.
func (c *Client) ListAll(ctx context.Context, path string, query url.Values, fn func(item json.RawMessage) error) error {
	return c.ListPages(ctx, path, ListOptions{Query: query}, fn)
}

// ListPages pages any list endpoint and calls fn with each item. A missing
// items key is an error rather than an empty list: treating a failed or
// misunderstood read as "no resources" could lead apply to prune them.
func (c *Client) ListPages(ctx context.Context, path string, opts ListOptions, fn func(item json.RawMessage) error) error {
	key, pager := opts.ItemsKey, opts.Pager
	if key == "" {
		key = "data"
	}
	if pager == nil {
		pager = PageLinks
	}
	req := &PageRequest{Path: path, Query: cloneValues(opts.Query)}
	seen := map[string]bool{}
	var lastHash [32]byte
	for n := 1; req != nil; n++ {
		seen[pageKey(req)] = true
		page, err := c.fetchPage(ctx, req, key)
		if err != nil {
			return err
		}
		if len(page.Items) == 0 {
			return nil
		}
		// A server ignoring the cursor returns fresh-looking requests but the
		// same items; that must fail too rather than loop forever.
		h := hashItems(page.Items)
		if n > 1 && h == lastHash {
			return fmt.Errorf("GET %s: page %d repeats the previous page: stopping to avoid an endless loop", displayPath(path), n)
		}
		lastHash = h
		for i, it := range page.Items {
			if err := fn(it); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return fmt.Errorf("GET %s: page %d, item %d: %w", displayPath(path), n, i+1, err)
			}
		}
		if req, err = pager.NextPage(page); err != nil {
			return fmt.Errorf("GET %s: page %d: %w", displayPath(path), n, err)
		}
		if req != nil && seen[pageKey(req)] {
			return fmt.Errorf("GET %s: page %d: server returned a cursor it already gave: stopping to avoid an endless loop", displayPath(path), n)
		}
	}
	return nil
}

func (c *Client) fetchPage(ctx context.Context, req *PageRequest, key string) (*Page, error) {
	var raw []byte
	var top map[string]json.RawMessage
	// Parsed inside the retry loop: a page cut in transit is fetched again.
	parse := func(b []byte) error {
		top = nil
		if err := json.Unmarshal(b, &top); err != nil {
			return fmt.Errorf("list response is not a JSON object: %w", err)
		}
		return nil
	}
	if _, err := c.Send(ctx, Request{Method: http.MethodGet, Path: req.Path, Query: req.Query, Check: parse}, &raw); err != nil {
		return nil, err
	}
	items, ok := top[key]
	if !ok {
		return nil, fmt.Errorf("GET %s: list response has no %q array", displayPath(req.Path), key)
	}
	p := &Page{Request: *req, Body: raw}
	// null is not an empty list: a response that does not say "nothing
	// here" must not be read as nothing here (safety rule 1).
	if isNull(items) {
		return nil, fmt.Errorf("GET %s: %q is null, not a list", displayPath(req.Path), key)
	}
	if err := json.Unmarshal(items, &p.Items); err != nil {
		return nil, fmt.Errorf("GET %s: %q is not an array: %w", displayPath(req.Path), key, err)
	}
	if links, ok := top["links"]; ok && !isNull(links) {
		p.HasLinks = true
		var l struct {
			Next *Link `json:"next"`
		}
		if err := json.Unmarshal(links, &l); err != nil {
			return nil, fmt.Errorf("GET %s: malformed links: %w", displayPath(req.Path), err)
		}
		if l.Next != nil && (l.Next.Href != "" || l.Next.Token != "") {
			p.Next = l.Next
		}
	}
	return p, nil
}

func displayPath(p string) string {
	if u, err := url.Parse(p); err == nil {
		return u.EscapedPath()
	}
	return redactQuery(p)
}

func isNull(b json.RawMessage) bool { return string(bytes.TrimSpace(b)) == "null" }

func pageKey(r *PageRequest) string { return r.Path + "\x00" + r.Query.Encode() }

func hashItems(items []json.RawMessage) [32]byte {
	h := sha256.New()
	for _, it := range items {
		h.Write(it)
		h.Write([]byte{0})
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// LinksPager follows links.next.href verbatim, as @qlik/api does; the href is
// an absolute URL carrying the opaque cursor and every original parameter.
type LinksPager struct{}

// NextPage implements Pager.
func (LinksPager) NextPage(p *Page) (*PageRequest, error) {
	if p.Next == nil || p.Next.Href == "" {
		return nil, nil
	}
	return &PageRequest{Path: p.Next.Href}, nil
}

// TokenPager re-requests the first page's path with one query parameter set
// to the next cursor, taken from links.next.token or from the same parameter
// inside links.next.href. Re-using the original query (rather than trusting
// the href) keeps limit and filters even when a service drops them from its
// links. If the href carries no such parameter it is followed verbatim.
type TokenPager struct{ Param string }

// NextPage implements Pager.
func (t TokenPager) NextPage(p *Page) (*PageRequest, error) {
	if p.Next == nil {
		return nil, nil
	}
	tok := p.Next.Token
	if tok == "" && p.Next.Href != "" {
		u, err := url.Parse(p.Next.Href)
		if err != nil {
			return nil, fmt.Errorf("invalid links.next.href")
		}
		if tok = u.Query().Get(t.Param); tok == "" {
			return &PageRequest{Path: p.Next.Href}, nil
		}
	}
	if tok == "" {
		return nil, nil
	}
	q := cloneValues(p.Request.Query)
	q.Set(t.Param, tok)
	return &PageRequest{Path: p.Request.Path, Query: q}, nil
}

// StartingAfterPager asks for the items after the last id seen. It stops
// when the service says there is no next page, or on an empty page when the
// service sends no links at all.
type StartingAfterPager struct{ Param, IDField string }

// NextPage implements Pager.
func (s StartingAfterPager) NextPage(p *Page) (*PageRequest, error) {
	if p.HasLinks && p.Next == nil {
		return nil, nil
	}
	var last map[string]json.RawMessage
	if err := json.Unmarshal(p.Items[len(p.Items)-1], &last); err != nil {
		return nil, fmt.Errorf("last item is not an object: %w", err)
	}
	var id string
	if err := json.Unmarshal(last[s.IDField], &id); err != nil || id == "" {
		return nil, fmt.Errorf("last item has no string %q to page after", s.IDField)
	}
	q := cloneValues(p.Request.Query)
	q.Set(s.Param, id)
	return &PageRequest{Path: p.Request.Path, Query: q}, nil
}

// OffsetPager advances a numeric offset (or skip) by the page's length. It
// never infers the end from a short page, because a service that caps limit
// below the requested value returns short pages that are not the last.
type OffsetPager struct{ Param string }

// NextPage implements Pager.
func (o OffsetPager) NextPage(p *Page) (*PageRequest, error) {
	if p.HasLinks && p.Next == nil {
		return nil, nil
	}
	cur := 0
	if v := p.Request.Query.Get(o.Param); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("invalid %s %q", o.Param, v)
		}
		cur = n
	}
	next := cur + len(p.Items)
	var counts struct {
		TotalCount *int `json:"totalCount"`
	}
	if json.Unmarshal(p.Body, &counts) == nil && counts.TotalCount != nil && next >= *counts.TotalCount {
		return nil, nil
	}
	q := cloneValues(p.Request.Query)
	q.Set(o.Param, strconv.Itoa(next))
	return &PageRequest{Path: p.Request.Path, Query: q}, nil
}
