package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Error bodies differ by Qlik service (reference notes, section 0.3, and each
// service's OpenAPI error schema). Each service declares its ErrorStyle for
// its path prefixes (Service.APIs); the server puts the style of the request's
// path into the request context, so the shared middleware (auth 401, unknown
// route 404/405, rate limit 429, injected faults) answers in the same shape as
// the service's own handlers.

// ErrorFields are the parts of one error answer.
type ErrorFields struct {
	Status              int
	Code, Title, Detail string
	Source              map[string]string // {"pointer": "/name"} or {"parameter": "limit"}; nil when none
}

// Entry is the errors[] element every errors-array style starts from:
// code, title and, when set, detail.
func (f ErrorFields) Entry() map[string]any {
	e := map[string]any{"code": f.Code, "title": f.Title}
	if f.Detail != "" {
		e["detail"] = f.Detail
	}
	return e
}

// ErrorsBody is {"errors": [e], "traceId": ...}, the body most services use.
func ErrorsBody(e map[string]any) map[string]any {
	return map[string]any{"errors": []any{e}, "traceId": NewTraceID()}
}

// ErrorStyle is how one Qlik service writes errors.
type ErrorStyle struct {
	Code         string // code prefix: errors a handler does not name get PREFIX-<status>
	NotFoundCode string // the service's own 404 code, "" for PREFIX-404
	StatusDigits int    // zero-pad the status in codes to this width (DCERROR-0404)
	// Body builds the answer from the fields.
	Body func(f ErrorFields) any
	// SingleObject is set when Body is one error object, not an errors
	// array; the documented 429 body is then not used (see writeRateLimited).
	SingleObject bool
}

// code picks an error code for a status in the style's service. Only the
// not-found codes are Qlik's (from the specs' examples); the rest follow the
// pattern PREFIX-<status>.
func (es *ErrorStyle) code(status int) string {
	if status == http.StatusNotFound && es.NotFoundCode != "" {
		return es.NotFoundCode
	}
	return fmt.Sprintf("%s-%0*d", es.Code, es.StatusDigits, status)
}

// GenericErrors is the style of paths no service claims (and of /_sim/):
// errors[{code,title,detail,source}] and traceId.
var GenericErrors = &ErrorStyle{Code: "HTTP", Body: func(f ErrorFields) any {
	e := f.Entry()
	if f.Source != nil {
		e["source"] = f.Source
	}
	return ErrorsBody(e)
}}

type errorStyleKey struct{}

// styleOf returns the error style the server chose for r's path.
func styleOf(r *http.Request) *ErrorStyle {
	if es, ok := r.Context().Value(errorStyleKey{}).(*ErrorStyle); ok {
		return es
	}
	return GenericErrors
}

// under reports whether path is base or below it.
func Under(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+"/")
}

// errorStyleFor returns the style of the service whose prefix path is under.
func (s *Server) errorStyleFor(path string) *ErrorStyle {
	for _, svc := range s.services {
		for _, api := range svc.APIs {
			for _, p := range api.Prefixes {
				if Under(path, p) {
					return api.Errors
				}
			}
		}
	}
	return GenericErrors
}

// withErrorStyle puts the error style of the request's path into its
// context for writeError.
func (s *Server) withErrorStyle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), errorStyleKey{}, s.errorStyleFor(r.URL.Path))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func NewTraceID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeError writes a Qlik error body in the style of the request's service.
// pointer is a JSON pointer into the body ("/name") or, when it starts with
// "?", the name of the offending query parameter; services whose error
// schema has no source drop it.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, pointer, title, detail string) {
	es := styleOf(r)
	if code == "" {
		code = es.code(status)
	}
	var source map[string]string
	if strings.HasPrefix(pointer, "?") {
		source = map[string]string{"parameter": pointer[1:]}
	} else if pointer != "" {
		source = map[string]string{"pointer": pointer}
	}
	WriteJSON(w, status, es.Body(ErrorFields{Status: status, Code: code, Title: title, Detail: detail, Source: source}))
}

func BadRequest(w http.ResponseWriter, r *http.Request, pointer, detail string) {
	WriteError(w, r, http.StatusBadRequest, "", pointer, "Bad Request", detail)
}

func NotFound(w http.ResponseWriter, r *http.Request, detail string) {
	WriteError(w, r, http.StatusNotFound, "", "", "Not Found", detail)
}

func Conflict(w http.ResponseWriter, r *http.Request, pointer, detail string) {
	WriteError(w, r, http.StatusConflict, "", pointer, "Conflict", detail)
}
