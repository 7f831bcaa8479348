package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Error bodies differ by Qlik service (reference notes, section 0.3). The
// service is derived from the request path.
type errStyle int

const (
	styleGeneric  errStyle = iota
	styleSpaces            // spaces + assignments: meta.source and deprecated top-level copies
	styleIdentity          // users, groups: numeric status per error
	styleRoles             // roles: source, no status
)

func styleFor(path string) (errStyle, string) {
	switch {
	case strings.HasPrefix(path, "/api/v1/spaces"):
		return styleSpaces, "SPACES"
	case strings.HasPrefix(path, "/api/v1/users"):
		return styleIdentity, "USERS"
	case strings.HasPrefix(path, "/api/v1/groups"):
		return styleIdentity, "GROUPS"
	case strings.HasPrefix(path, "/api/v1/roles"):
		return styleRoles, "IDENTITIES"
	}
	return styleGeneric, "HTTP"
}

// serviceCode picks an error code for a status in the request's service.
// Only the not-found codes are Qlik's (from the specs' examples); the rest
// follow the pattern PREFIX-<status>.
func serviceCode(path string, status int) string {
	_, prefix := styleFor(path)
	if status == http.StatusNotFound {
		switch prefix {
		case "USERS":
			return "USERS-7"
		case "GROUPS":
			return "GROUPS-7"
		case "IDENTITIES":
			return "IDENTITIES-10402"
		}
	}
	return fmt.Sprintf("%s-%d", prefix, status)
}

func newTraceID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeError writes a Qlik error body in the style of the request's service.
// pointer is a JSON pointer into the body ("/name") or, when it starts with
// "?", the name of the offending query parameter.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, pointer, title, detail string) {
	if code == "" {
		code = serviceCode(r.URL.Path, status)
	}
	var source map[string]string
	if strings.HasPrefix(pointer, "?") {
		source = map[string]string{"parameter": pointer[1:]}
	} else if pointer != "" {
		source = map[string]string{"pointer": pointer}
	}
	e := map[string]any{"code": code, "title": title}
	if detail != "" {
		e["detail"] = detail
	}
	style, _ := styleFor(r.URL.Path)
	body := map[string]any{"traceId": newTraceID()}
	switch style {
	case styleSpaces:
		if source != nil {
			e["meta"] = map[string]any{"source": source}
			body["source"] = source
		}
		body["code"], body["title"] = code, title
		if detail != "" {
			body["detail"] = detail
		}
	case styleIdentity:
		e["status"] = status
		if source != nil {
			e["source"] = source
		}
	case styleRoles, styleGeneric:
		if source != nil {
			e["source"] = source
		}
	}
	body["errors"] = []any{e}
	writeJSON(w, status, body)
}

func badRequest(w http.ResponseWriter, r *http.Request, pointer, detail string) {
	writeError(w, r, http.StatusBadRequest, "", pointer, "Bad Request", detail)
}

func notFound(w http.ResponseWriter, r *http.Request, detail string) {
	writeError(w, r, http.StatusNotFound, "", "", "Not Found", detail)
}

func conflict(w http.ResponseWriter, r *http.Request, pointer, detail string) {
	writeError(w, r, http.StatusConflict, "", pointer, "Conflict", detail)
}
