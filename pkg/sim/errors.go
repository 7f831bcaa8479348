package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Error bodies differ by Qlik service (reference notes, section 0.3, and each
// service's OpenAPI error schema). The service is derived from the request
// path, so the shared middleware (auth 401, unknown route 404/405, rate limit
// 429) answers in the same shape as the service's own handlers.
type errStyle int

const (
	styleGeneric     errStyle = iota // no Qlik service: errors[{code,title,detail,source}], traceId
	styleSpaces                      // spaces + assignments: meta.source and deprecated top-level copies
	styleIdentity                    // users, groups: numeric status per error
	styleRoles                       // roles: source, no status
	styleDataConns                   // data-connections: errors[{code,title,detail,status}], no traceId (dcError)
	styleAutomations                 // automations, automation-connections: errors[{code,title,detail}], traceId (autoError)
	styleGlossaries                  // glossaries, categories, terms, links: errors[{code,title,detail}], traceId (glError)
	styleQext                        // themes, extensions: one object {code,title,status,traceId,meta} (qxError)
)

// under reports whether path is base or below it.
func under(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+"/")
}

func styleFor(path string) (errStyle, string) {
	switch {
	case under(path, "/api/v1/spaces"):
		return styleSpaces, "SPACES"
	case under(path, "/api/v1/users"):
		return styleIdentity, "USERS"
	case under(path, "/api/v1/groups"):
		return styleIdentity, "GROUPS"
	case under(path, "/api/v1/roles"):
		return styleRoles, "IDENTITIES"
	case under(path, "/api/v1/data-connections"):
		return styleDataConns, "DCERROR"
	case under(path, "/api/v1/automation-connections"), under(path, "/api/workflows/automation-connections"):
		return styleAutomations, "AUTOMATION-CONNECTIONS"
	case under(path, "/api/v1/automations"), under(path, "/api/workflows/automations"):
		return styleAutomations, "AUTOMATIONS"
	case under(path, "/api/v1/glossaries"):
		return styleGlossaries, "HTTP" // glError's default; BG-n codes are the handlers'
	case under(path, "/api/v1/themes"):
		return styleQext, "THEMES"
	case under(path, "/api/v1/extensions"):
		return styleQext, "EXTENSIONS"
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
	if prefix == "DCERROR" {
		return fmt.Sprintf("DCERROR-%04d", status)
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
// "?", the name of the offending query parameter; services whose error
// schema has no source drop it.
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
	style, _ := styleFor(r.URL.Path)
	if style == styleQext {
		// themes/extensions `error` schema: a single object, code and title required.
		body := map[string]any{"code": code, "title": title, "status": status, "traceId": newTraceID(),
			"meta": map[string]any{"message": detail}}
		if source != nil {
			body["source"] = source
		}
		writeJSON(w, status, body)
		return
	}
	e := map[string]any{"code": code, "title": title}
	if detail != "" {
		e["detail"] = detail
	}
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
	case styleDataConns:
		e["status"] = status
		delete(body, "traceId") // ResponseErrors has no traceId
	case styleAutomations, styleGlossaries:
		// errors[{code,title,detail}] and traceId, nothing more
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
