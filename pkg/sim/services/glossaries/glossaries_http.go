package glossaries

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The glossaries service's HTTP plumbing, shared by glossaries, categories,
// terms and links: its error body, rich text, Etag/If-Match, and lists.

// glError writes the glossaries service's error body (notes 0.3 and the
// specs' errorResponse): {"errors":[{"code":"BG-n","title","detail"}],"traceId"}.
func glError(w http.ResponseWriter, status int, code, detail string) {
	title := http.StatusText(status)
	if code == "" {
		code = fmt.Sprintf("HTTP-%d", status)
	}
	e := map[string]any{"code": code, "title": title}
	if detail != "" {
		e["detail"] = detail
	}
	core.WriteJSON(w, status, map[string]any{"errors": []any{e}, "traceId": core.NewTraceID()})
}

func glBad(w http.ResponseWriter, code, detail string) {
	glError(w, http.StatusBadRequest, code, detail)
}

// --------------------------------------------------------------- helpers

// glValidRichText reports whether s is "" or a rich-text JSON string:
// [{"type":"paragraph","children":[{"text":"…"}]}] (BG-21 otherwise).
func glValidRichText(s string) bool {
	if s == "" {
		return true
	}
	var nodes []struct {
		Type     string            `json:"type"`
		Children []json.RawMessage `json:"children"`
	}
	if err := json.Unmarshal([]byte(s), &nodes); err != nil {
		return false
	}
	for _, n := range nodes {
		if n.Type == "" || n.Children == nil {
			return false
		}
	}
	return true
}

const glRichTextMsg = `rich text fields must be valid JSON strings in the format: [{"type":"paragraph","children":[{"text":"your text here"}]}]`

func glEtag(v int64) string { return strconv.Quote(strconv.FormatInt(v, 10)) }

func glSetVersionHeaders(w http.ResponseWriter, version int64, updated time.Time) {
	w.Header().Set("Etag", glEtag(version))
	w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
}

// glIfMatch checks an optional If-Match header against the current version;
// on mismatch it writes 412 and returns false.
func glIfMatch(w http.ResponseWriter, r *http.Request, version int64) bool {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return true
	}
	v = strings.TrimPrefix(v, "W/")
	if v == glEtag(version) || v == strconv.FormatInt(version, 10) {
		return true
	}
	glError(w, http.StatusPreconditionFailed, "HTTP-412", "If-Match does not match the current version "+glEtag(version))
	return false
}

func glStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// glTouch records a change of the glossary (its version is the Etag).
func (s server) glTouch(st *core.State, g *glossary) {
	g.Version++
	g.UpdatedAt = s.Now()
	g.UpdatedBy = core.CallerOf(st).ID
}

// glDecode decodes the request body into v or answers 400 BG-5.
func glDecode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := core.DecodeBody(r, v); err != nil {
		glBad(w, "BG-5", "failed to decode JSON payload: "+err.Error())
		return false
	}
	return true
}

// glQuery is a parsed list request; sort "" is creation order.
type glQuery struct {
	page   core.PageQuery
	sort   string
	filter core.FilterExpr
}

// glListQuery parses paging (limit/next/prev/countTotal), sort against
// sorts, and filter against filters; a list without filters ignores the
// filter parameter. Errors are answered with code.
func glListQuery(w http.ResponseWriter, r *http.Request, code string, sorts []string, filters ...string) (glQuery, bool) {
	q := r.URL.Query()
	var gq glQuery
	limit, msg := core.ParseLimitIn(r, 20, core.MaxLimit)
	switch {
	case msg != "":
	case q.Get("next") != "" && q.Get("prev") != "":
		msg = "next and prev cannot be used together"
	case q.Get("countTotal") != "" && q.Get("countTotal") != "true" && q.Get("countTotal") != "false":
		msg = "countTotal must be true or false"
	}
	if msg != "" {
		glBad(w, code, msg)
		return gq, false
	}
	gq.page = core.PageQuery{Limit: limit, Next: q.Get("next"), Prev: q.Get("prev")}
	if v := q.Get("sort"); v != "" {
		field, desc, ok := core.ParseSignedSort(v, "", sorts...)
		if !ok {
			glBad(w, code, fmt.Sprintf("unsupported sort field %q", field))
			return gq, false
		}
		gq.sort, gq.page.Desc = field, desc
	}
	if f := q.Get("filter"); f != "" && len(filters) > 0 {
		var err error
		if gq.filter, err = core.ParseFilter(f, filters...); err != nil {
			glBad(w, code, "invalid filter: "+err.Error())
			return gq, false
		}
	}
	return gq, true
}

// keep reports whether an item passes the filter; get gives the values of a
// lower-case attribute name.
func (gq glQuery) keep(get func(string) []string) bool {
	return gq.filter == nil || gq.filter.Eval(get)
}

// glWritePage paginates items and writes {data, links, meta?}.
func glWritePage[T any](w http.ResponseWriter, r *http.Request, code string, items []T, key func(T) core.SortKey, pq core.PageQuery, render func(T) any) {
	page, err := core.Paginate(items, key, pq)
	if err != nil {
		glBad(w, code, "invalid paging cursor")
		return
	}
	data := make([]any, 0, len(page.Items))
	for _, it := range page.Items {
		data = append(data, render(it))
	}
	out := map[string]any{"data": data, "links": core.PageLinks(r, page.Next, page.Prev)}
	if r.URL.Query().Get("countTotal") == "true" {
		out["meta"] = map[string]any{"countTotal": page.Total}
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// glPatchOps decodes a JSON Patch array whose ops must be replace with a
// string or number value. It returns path → value (numbers as strings).
func glPatchOps(w http.ResponseWriter, r *http.Request, code string, allowed ...string) ([][2]string, bool) {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := core.DecodeBody(r, &ops); err != nil {
		glBad(w, "BG-5", "body must be a JSON Patch array: "+err.Error())
		return nil, false
	}
	out := make([][2]string, 0, len(ops))
	for i, op := range ops {
		if op.Op != "replace" {
			glBad(w, code, fmt.Sprintf("/%d/op: only op replace is supported", i))
			return nil, false
		}
		if !slices.Contains(allowed, op.Path) {
			glBad(w, code, fmt.Sprintf("/%d/path must be one of %s", i, strings.Join(allowed, ", ")))
			return nil, false
		}
		var sv string
		var nv float64
		if err := json.Unmarshal(op.Value, &sv); err != nil {
			if err := json.Unmarshal(op.Value, &nv); err != nil {
				glBad(w, code, fmt.Sprintf("/%d/value must be a string or a number", i))
				return nil, false
			}
			sv = strconv.FormatFloat(nv, 'f', -1, 64)
		}
		out = append(out, [2]string{op.Path, sv})
	}
	return out, true
}
