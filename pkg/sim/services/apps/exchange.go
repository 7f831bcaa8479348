package apps

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Export and import through temp contents. Export answers 201 with the
// Location of the app file in temp contents (the spec's 201; @qlik/api
// types it as a blob). NoData is accepted either way: qliksim apps hold no
// data, so both give the same file. Import takes ?fileId= (a temp-contents
// id) or the file as the raw body, and creates a new app (mode NEW, the
// only mode for external use) owned by the caller.

func (s server) exportApp(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("NoData"); v != "" && v != "true" && v != "false" {
		core.BadRequest(w, r, "?NoData", "NoData must be true or false")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	a := lookup(w, r, s.St)
	if a == nil {
		return
	}
	loc := s.putTemp(s.St, a.Name+".qvf", encodeQVF(contentOf(a)), tempDefaultTTL)
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
}

func (s server) importApp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if m := q.Get("mode"); m != "" && !strings.EqualFold(m, "NEW") {
		core.BadRequest(w, r, "?mode", fmt.Sprintf("import mode %q is not permitted: use NEW", m))
		return
	}
	var raw []byte
	if q.Get("fileId") == "" {
		b, err := io.ReadAll(io.LimitReader(r.Body, tempMaxBytes+1))
		if err != nil || len(b) == 0 || len(b) > tempMaxBytes {
			core.BadRequest(w, r, "?fileId", "send the app file as the body, or its temp-contents id as fileId")
			return
		}
		raw = b
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if raw == nil {
		f := s.tempByID(w, r, q.Get("fileId"))
		if f == nil {
			return
		}
		raw = f.Data
	}
	c, err := decodeQVF(raw)
	if err != nil {
		core.BadRequest(w, r, "?fileId", err.Error())
		return
	}
	spaceID := q.Get("spaceId")
	if !spaceExists(w, r, s.St, spaceID) {
		return
	}
	name := c.App.Name
	if n := q.Get("name"); n != "" {
		name = n
	}
	usage := c.App.Usage
	if usage == "" {
		usage = "ANALYTICS"
	}
	a := s.newApp(s.St, name, c.App.Description, spaceID, usage, c.Script, c.Objects)
	a.Locale = c.App.Locale
	a.Scripts[0].VersionMessage = "Imported"
	core.WriteJSON(w, http.StatusOK, renderApp(a))
}
