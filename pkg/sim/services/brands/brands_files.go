package brands

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The files of a brand: the spec's brand-file-id enum, each with its size
// limit and the types it accepts (postBrands' descriptions and encoding).
var fileIDs = []string{"logo", "favIcon", "styles"}

var fileMaxBytes = map[string]int{"logo": 300 << 10, "favIcon": 100 << 10, "styles": 100 << 10}

// newFile checks data against the rules of file id and returns it with its
// content type. The type follows from the bytes (PNG or JPEG; ICO; JSON);
// an ICO sent as image/vnd.microsoft.icon keeps that name.
func newFile(id string, data []byte, partType string) (*brandFile, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", id)
	}
	if len(data) > fileMaxBytes[id] {
		return nil, fmt.Errorf("%s: the file is %d bytes; at most %d are allowed", id, len(data), fileMaxBytes[id])
	}
	sniffed := http.DetectContentType(data)
	var ct string
	switch id {
	case "logo":
		if sniffed != "image/png" && sniffed != "image/jpeg" {
			return nil, fmt.Errorf("logo: a PNG or JPEG image is required, got %s", sniffed)
		}
		ct = sniffed
	case "favIcon":
		if sniffed != "image/x-icon" {
			return nil, fmt.Errorf("favIcon: an ICO file is required, got %s", sniffed)
		}
		ct = "image/x-icon"
		if mt, _, _ := mime.ParseMediaType(partType); mt == "image/vnd.microsoft.icon" {
			ct = mt
		}
	case "styles":
		if !json.Valid(data) {
			return nil, fmt.Errorf("styles: a JSON file is required")
		}
		ct = "application/json"
	default:
		return nil, fmt.Errorf("unknown brand file %q: logo, favIcon or styles", id)
	}
	sum := sha256.Sum256(data)
	return &brandFile{ContentType: ct, ETag: hex.EncodeToString(sum[:16]), Data: slices.Clone(data)}, nil
}

// brandUpload is a parsed multipart create.
type brandUpload struct {
	name, description string
	files             map[string]*brandFile
}

// readBrandUpload reads postBrands' multipart body: name and description as
// fields, logo, favIcon and styles as files. Any other part is an error.
func readBrandUpload(r *http.Request) (*brandUpload, error) {
	up := &brandUpload{files: map[string]*brandFile{}}
	err := readParts(r, func(name, partType string, data []byte) error {
		switch name {
		case "name":
			up.name = string(data)
		case "description":
			up.description = string(data)
		case "logo", "favIcon", "styles":
			f, err := newFile(name, data, partType)
			if err != nil {
				return err
			}
			up.files[name] = f
		default:
			return fmt.Errorf("unknown part %q: name, description, logo, favIcon or styles", name)
		}
		return nil
	})
	return up, err
}

// readParts calls part for each part of a multipart/form-data body, with
// the part's bytes (at most 300 KB plus one, so that too large is seen).
func readParts(r *http.Request, part func(name, partType string, data []byte) error) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("the body must be multipart/form-data")
	}
	seen := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed multipart body: %v", err)
		}
		name := p.FormName()
		if seen[name] {
			return fmt.Errorf("part %q given twice", name)
		}
		seen[name] = true
		data, err := io.ReadAll(io.LimitReader(p, int64(fileMaxBytes["logo"])+1))
		if err != nil {
			return fmt.Errorf("malformed multipart body: %v", err)
		}
		if err := part(name, p.Header.Get("Content-Type"), data); err != nil {
			return err
		}
	}
}

// fileOf resolves {id} and {fileId}; it writes the 404 for an unknown
// brand and then the 400 for a file id the spec does not know.
func fileOf(w http.ResponseWriter, r *http.Request, st *core.State) (*brand, string) {
	b := lookup(w, r, st)
	if b == nil {
		return nil, ""
	}
	fid := r.PathValue("fileId")
	if !slices.Contains(fileIDs, fid) {
		core.BadRequest(w, r, "?brand-file-id", fmt.Sprintf("unknown brand file %q: logo, favIcon or styles", fid))
		return nil, ""
	}
	return b, fid
}

// downloadBrandFile serves the file's bytes exactly as uploaded.
func (s server) downloadBrandFile(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	b, fid := fileOf(w, r, s.St)
	if b == nil {
		return
	}
	f := b.Files[fid]
	if f == nil {
		core.NotFound(w, r, fmt.Sprintf("brand %q has no %s file", b.Name, fid))
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(f.Data)))
	w.Header().Set("ETag", `"`+f.ETag+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data)
}

// putBrandFile adds a file (POST: 201, 409 when the brand has it already)
// or replaces one (PUT: 200, 404 when the brand lacks it). The body holds
// one part, file.
func (s server) putBrandFile(create bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var data []byte
		var partType string
		err := readParts(r, func(name, pt string, d []byte) error {
			if name != "file" {
				return fmt.Errorf("unknown part %q: the body holds one part, file", name)
			}
			data, partType = d, pt
			return nil
		})
		if err == nil && data == nil {
			err = fmt.Errorf("the part file is required")
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if !requireAdmin(w, r, s.St) {
			return
		}
		b, fid := fileOf(w, r, s.St)
		if b == nil {
			return
		}
		var f *brandFile
		if err == nil {
			f, err = newFile(fid, data, partType)
		}
		switch {
		case err != nil:
			core.BadRequest(w, r, "", err.Error())
		case create && b.Files[fid] != nil:
			core.Conflict(w, r, "", fmt.Sprintf("brand %q has a %s file already: replace it with PUT", b.Name, fid))
		case !create && b.Files[fid] == nil:
			core.NotFound(w, r, fmt.Sprintf("brand %q has no %s file: add it with POST", b.Name, fid))
		default:
			b.Files[fid] = f
			s.touch(b)
			status := http.StatusOK
			if create {
				status = http.StatusCreated
			}
			core.WriteJSON(w, status, renderFile(b, fid, f))
		}
	}
}

func (s server) deleteBrandFile(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	b, fid := fileOf(w, r, s.St)
	if b == nil {
		return
	}
	if b.Files[fid] == nil {
		core.NotFound(w, r, fmt.Sprintf("brand %q has no %s file", b.Name, fid))
		return
	}
	delete(b.Files, fid)
	s.touch(b)
	w.WriteHeader(http.StatusNoContent)
}

// routeSimBrands serves the test-only view of a brand's stored files (no
// auth, not counted): GET /_sim/brands/{id}/files returns
// {"files": {fileId: {"sha256", "size", "contentType"}}}, so that a test can
// confirm bytes without downloading them through the API.
func (s server) routeSimBrands(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/brands/{id}/files", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		b := lookup(w, r, s.St)
		if b == nil {
			return
		}
		files := map[string]any{}
		for id, f := range b.Files {
			sum := sha256.Sum256(f.Data)
			files[id] = map[string]any{"sha256": hex.EncodeToString(sum[:]), "size": len(f.Data), "contentType": f.ContentType}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"files": files})
	})
}
