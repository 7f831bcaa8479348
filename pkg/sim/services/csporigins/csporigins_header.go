package csporigins

import (
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The compiled header. Qlik does not document its exact text; the
// simulator lists, per directive that any entry sets, 'self' and the
// entries' origins in creation order, directives in allDirectives' order,
// separated by "; ".
func header(st *core.State) string {
	entries := CSPOrigins.List(st, nil, func(a, b *cspOrigin) int { return int(a.Seq - b.Seq) })
	var order []string
	sources := map[string][]string{}
	for _, d := range allDirectives {
		for _, c := range entries {
			if !d.get(&c.directives) {
				continue
			}
			src := c.Origin
			if d.field == "connectSrcWSS" {
				src = "wss://" + strings.TrimPrefix(strings.TrimPrefix(src, "https://"), "http://")
			}
			if _, ok := sources[d.csp]; !ok {
				order = append(order, d.csp)
			}
			sources[d.csp] = append(sources[d.csp], src)
		}
	}
	parts := make([]string, 0, len(order))
	for _, name := range order {
		parts = append(parts, name+" 'self' "+strings.Join(sources[name], " "))
	}
	return strings.Join(parts, "; ")
}

// generateHeader answers JSON {"Content-Security-Policy": ...} or, when the
// client accepts only text/plain, the header text; an Accept naming neither
// (and no wildcard) is 406.
func generateHeader(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		h := header(s.St)
		s.Mu.Unlock()
		switch accepts(r.Header.Get("Accept")) {
		case "text/plain":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(h))
		case "application/json":
			core.WriteJSON(w, http.StatusOK, map[string]string{"Content-Security-Policy": h})
		default:
			core.WriteError(w, r, http.StatusNotAcceptable, "", "", "Not Acceptable", "Accept must allow application/json or text/plain")
		}
	}
}

// accepts picks the answer's type from an Accept header: JSON unless only
// text/plain is acceptable; "" when neither is.
func accepts(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return "application/json"
	}
	text := false
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/json", "application/*", "*/*":
			return "application/json"
		case "text/plain", "text/*":
			text = true
		}
	}
	if text {
		return "text/plain"
	}
	return ""
}
