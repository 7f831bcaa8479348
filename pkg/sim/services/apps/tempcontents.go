package apps

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Temp contents (spec qliksense-temporary-contents-api-openapi.yml): the
// staging area of app export and import. Uploads are kept byte for byte
// until their ttl passes (default 3600 s, at most 259200 s); after that
// the id answers 410. Choices where Qlik does not say: uploads are capped
// at 64 MiB (413); an empty upload is 400.

// tempFile is one staged file.
type tempFile struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Data      []byte    `json:"data"`
	CreatedAt time.Time `json:"createdAt"`
	Expires   time.Time `json:"expires"`
	TTL       int       `json:"ttl"`
	CreatorID string    `json:"creatorId"`
}

// TempContents is the temp-contents table.
var TempContents = core.NewTable[tempFile]("tempContents")

const (
	tempDefaultTTL = 3600
	tempMaxTTL     = 259200
	tempMaxBytes   = 64 << 20
)

func (s server) routeTempContents(mux *core.RouteMux) {
	const base = "/api/v1/temp-contents"
	mux.HandleFunc("POST "+base, s.uploadTemp)
	mux.HandleFunc("GET "+base+"/{id}", s.downloadTemp)
	mux.HandleFunc("GET "+base+"/{id}/details", s.tempDetails)
}

// putTemp stores data as a temp file and returns its Location path.
func (s server) putTemp(st *core.State, name string, data []byte, ttl int) string {
	now := s.Now()
	f := &tempFile{ID: s.NewID(st), Name: name, Data: data, CreatedAt: now, TTL: ttl,
		Expires: now.Add(time.Duration(ttl) * time.Second), CreatorID: core.CallerOf(st).ID}
	TempContents.Put(st, f.ID, f)
	return "/api/v1/temp-contents/" + f.ID
}

func (s server) uploadTemp(w http.ResponseWriter, r *http.Request) {
	ttl := tempDefaultTTL
	if v := r.URL.Query().Get("ttl"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > tempMaxTTL {
			core.BadRequest(w, r, "?ttl", fmt.Sprintf("ttl must be a number of seconds between 1 and %d", tempMaxTTL))
			return
		}
		ttl = n
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, tempMaxBytes+1))
	switch {
	case err != nil:
		core.BadRequest(w, r, "", "reading the body: "+err.Error())
		return
	case len(data) > tempMaxBytes:
		core.WriteError(w, r, http.StatusRequestEntityTooLarge, "", "", "Payload Too Large", "temp contents hold at most 64 MiB")
		return
	case len(data) == 0:
		core.BadRequest(w, r, "", "the body is empty: send the file's bytes")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	w.Header().Set("Location", s.putTemp(s.St, r.URL.Query().Get("filename"), data, ttl))
	w.WriteHeader(http.StatusCreated)
}

// tempLookup returns the live temp file {id}, or writes the 404 or 410.
func (s server) tempLookup(w http.ResponseWriter, r *http.Request) *tempFile {
	return s.tempByID(w, r, r.PathValue("id"))
}

func (s server) tempByID(w http.ResponseWriter, r *http.Request, id string) *tempFile {
	f := TempContents.Get(s.St, id)
	switch {
	case f == nil:
		core.NotFound(w, r, fmt.Sprintf("temporary content %q not found", id))
		return nil
	case !s.Now().Before(f.Expires):
		core.WriteError(w, r, http.StatusGone, "", "", "Gone", fmt.Sprintf("temporary content %q has expired", id))
		return nil
	}
	return f
}

func (s server) downloadTemp(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	f := s.tempLookup(w, r)
	if f == nil {
		return
	}
	disp := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disp = "inline"
	}
	if f.Name != "" {
		disp += fmt.Sprintf("; filename=%q", f.Name)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", disp)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data)
}

func (s server) tempDetails(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if f := s.tempLookup(w, r); f != nil {
		core.WriteJSON(w, http.StatusOK, map[string]any{"ID": f.ID, "Name": f.Name, "Size": strconv.Itoa(len(f.Data)),
			"CreatedAt": core.FmtTime(f.CreatedAt), "UpdatedAt": core.FmtTime(f.CreatedAt),
			"Expires": core.FmtTime(f.Expires), "TTLSeconds": f.TTL, "CreatorID": f.CreatorID})
	}
}
