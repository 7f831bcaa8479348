package qlik

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Error is a non-2xx answer from the tenant.
type Error struct {
	StatusCode int
	Method     string
	Path       string      // path only: never a query string, never a token
	Errors     []ErrorItem // parsed from the service's error body; empty when it had none
	TraceID    string
	RetryAfter time.Duration // from Retry-After, on 429 and 503
}

// ErrorItem is one entry of Qlik's error list, normalised across services.
type ErrorItem struct {
	Code   string
	Title  string
	Detail string
	Status string // numeric or string in the body; always a string here
}

// maxErrText keeps one server-supplied field from turning an error line into a
// page (themes put stack traces in their meta).
const maxErrText = 300

const maxRetryAfterSecs = 24 * 3600

// Error renders one line, e.g.
// "GET /api/v1/spaces/x: 404 Not Found: SPACE-NOT-FOUND: Space not found (traceId abc)".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	for i, it := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(it.summary())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.TraceID != "" {
		b.WriteString(" (traceId " + oneLine(e.TraceID) + ")")
	}
	return b.String()
}

func (it ErrorItem) summary() string {
	var parts []string
	for _, s := range []string{it.Code, it.Title} {
		if s = oneLine(s); s != "" {
			parts = append(parts, s)
		}
	}
	if d := oneLine(it.Detail); d != "" && d != oneLine(it.Title) {
		parts = append(parts, d)
	}
	if len(parts) == 0 && it.Status != "" {
		parts = append(parts, "status "+oneLine(it.Status))
	}
	return strings.Join(parts, ": ")
}

// oneLine keeps the "errors are one clear line" promise even when a server
// puts newlines or control characters in its messages.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxErrText {
		s = s[:maxErrText] + "…"
	}
	return s
}

// IsNotFound reports a 404, or a 410 for resources Qlik reports as gone.
func IsNotFound(err error) bool {
	s := StatusOf(err)
	return s == http.StatusNotFound || s == http.StatusGone
}

// IsConflict reports a 409 (name or uniqueness conflict).
func IsConflict(err error) bool { return StatusOf(err) == http.StatusConflict }

// StatusOf returns the HTTP status of an *Error anywhere in err's chain, else 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// wireItem accepts every element shape listed in the API reference: status
// and code as number or string, and the themes/extensions meta.message.
type wireItem struct {
	Code   flexString `json:"code"`
	Title  flexString `json:"title"`
	Detail flexString `json:"detail"`
	Status flexString `json:"status"`
	Meta   struct {
		Message  flexString `json:"message"`
		HTTPCode flexString `json:"httpCode"`
	} `json:"meta"`
	TraceID flexString `json:"traceId"`
}

type wireError struct {
	wireItem
	Errors     json.RawMessage `json:"errors"`
	StatusCode flexString      `json:"statusCode"`
	// RFC 6749 form, as an OAuth token endpoint may answer.
	OAuthError flexString `json:"error"`
	OAuthDesc  flexString `json:"error_description"`
}

// flexString decodes a JSON string, number or bool into a string and ignores
// objects and arrays, so an unexpected type never hides the rest of the body.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == '{' || b[0] == '[' || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
		*f = flexString(s)
		return nil
	}
	*f = flexString(b)
	return nil
}

func (w wireItem) item() ErrorItem {
	it := ErrorItem{Code: string(w.Code), Title: string(w.Title), Detail: string(w.Detail), Status: string(w.Status)}
	if it.Detail == "" {
		it.Detail = string(w.Meta.Message)
	}
	if it.Status == "" {
		it.Status = string(w.Meta.HTTPCode)
	}
	return it
}

// parseErrorBody fills e.Errors and e.TraceID from any of Qlik's error body
// shapes. It never fails: an unparseable body just yields no items.
func parseErrorBody(e *Error, body []byte) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var w wireError
	if body[0] != '{' || json.Unmarshal(body, &w) != nil {
		if len(body) <= maxErrText && isPrintable(body) {
			e.Errors = []ErrorItem{{Detail: string(body)}}
		}
		return
	}
	e.TraceID = string(w.TraceID)
	if items := decodeItems(w.Errors); len(items) > 0 {
		e.Errors = items
		return
	}
	// Single-object form (themes, extensions) or legacy top-level fields.
	it := w.item()
	if it.Status == "" {
		it.Status = string(w.StatusCode)
	}
	if it.Code == "" && it.Title == "" {
		it.Code, it.Detail = string(w.OAuthError), string(w.OAuthDesc)
	}
	if it.Code != "" || it.Title != "" || it.Detail != "" {
		e.Errors = []ErrorItem{it}
	}
}

func decodeItems(raw json.RawMessage) []ErrorItem {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var list []wireItem
	if raw[0] == '{' {
		var one wireItem
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []wireItem{one}
	} else if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	out := make([]ErrorItem, 0, len(list))
	for _, w := range list {
		out = append(out, w.item())
	}
	return out
}

func isPrintable(b []byte) bool {
	for _, r := range string(b) {
		if r == unicode.ReplacementChar || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t') {
			return false
		}
	}
	return true
}

// parseRetryAfter accepts delta-seconds or an HTTP date, as RFC 9110 allows.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0) { // also rejects NaN
			return 0
		}
		if secs > maxRetryAfterSecs {
			secs = maxRetryAfterSecs // avoid Duration overflow on absurd values
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
