package sim

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

// Themes and extensions share one service pattern (notes 7/8): a model
// derived from the .qext file of an uploaded zip, multipart create/patch,
// the zip served back byte for byte, and a single-object error body.
//
// Choices where Qlik does not say:
//   - the archive must hold exactly one .qext file, at the root or inside a
//     single top-level folder that holds every entry; /file/{filepath} is
//     relative to the folder of the .qext.
//   - entries with "..", absolute paths, drive letters, backslashes or
//     symlinks → 400; more than qextMaxBytes uncompressed (or uploaded) → 413;
//     a body that is not multipart → 415; a model without a name → 422.
//   - name and qextFilename are each unique among live items (409).
//   - DELETE is a soft delete: the id then answers 410 Gone (spec), and the
//     name is free again.
//   - createdAt/updateAt are rendered as dates (YYYY-MM-DD): the specs
//     declare format: date.

const qextMaxBytes = 50 << 20

// qextItem is the stored model of a theme or an extension.
type qextItem struct {
	ID           string          `json:"id"`
	UserID       string          `json:"userId"`
	Name         string          `json:"name"`
	QextFilename string          `json:"qextFilename"`
	QextVersion  string          `json:"qextVersion,omitempty"`
	Version      string          `json:"version,omitempty"`
	Type         string          `json:"type,omitempty"`
	Author       string          `json:"author,omitempty"`
	Description  string          `json:"description,omitempty"`
	Homepage     string          `json:"homepage,omitempty"`
	Icon         string          `json:"icon,omitempty"`
	Keywords     string          `json:"keywords,omitempty"`
	License      string          `json:"license,omitempty"`
	Repository   string          `json:"repository,omitempty"`
	Supplier     string          `json:"supplier,omitempty"`
	Tags         []string        `json:"tags,omitempty"`
	Dependencies json.RawMessage `json:"dependencies,omitempty"`
	// Extension-only fields.
	Preview    string          `json:"preview,omitempty"`
	Loadpath   string          `json:"loadpath,omitempty"`
	Bundle     json.RawMessage `json:"bundle,omitempty"`
	Bundled    *bool           `json:"bundled,omitempty"`
	Supernova  *bool           `json:"supernova,omitempty"`
	Deprecated string          `json:"deprecated,omitempty"`
	Checksum   string          `json:"checksum,omitempty"`

	Zip       []byte     `json:"zip,omitempty"`
	QextPath  string     `json:"qextPath,omitempty"` // path of the .qext inside Zip
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	DeletedAt *time.Time `json:"deletedAt,omitempty"`
	Seq       int64      `json:"seq"`
}

// qextKind describes one of the two services.
type qextKind struct {
	plural      string // "themes"
	label       string // "theme"
	defaultType string
	extension   bool
	all         func(st *state) []*qextItem
	add         func(st *state, it qextItem) *qextItem
}

// qxError writes the themes/extensions error body: a single object
// {code, title, status, traceId, meta{message, resourceName}} (notes 0.3; the
// specs require code and title).
func qxError(w http.ResponseWriter, k *qextKind, status int, message, resource string) {
	meta := map[string]any{"message": message}
	if resource != "" {
		meta["resourceName"] = resource
	}
	writeJSON(w, status, map[string]any{
		"code":    fmt.Sprintf("%s-%d", strings.ToUpper(k.plural), status),
		"title":   http.StatusText(status),
		"status":  status,
		"traceId": newTraceID(),
		"meta":    meta,
	})
}

// qxStatusError is a failure with its HTTP status.
type qxStatusError struct {
	status int
	msg    string
}

func (e *qxStatusError) Error() string { return e.msg }

func qxErr(status int, format string, a ...any) error {
	return &qxStatusError{status: status, msg: fmt.Sprintf(format, a...)}
}

func qxWriteErr(w http.ResponseWriter, k *qextKind, err error, resource string) {
	var se *qxStatusError
	if errors.As(err, &se) {
		qxError(w, k, se.status, se.msg, resource)
		return
	}
	qxError(w, k, http.StatusInternalServerError, err.Error(), resource)
}

// qxArchive is a validated upload.
type qxArchive struct {
	qextPath string         // e.g. "my-theme.qext" or "folder/my-theme.qext"
	root     string         // "" or "folder/"
	qext     map[string]any // the parsed .qext
}

// qxUnsafeName reports whether a zip entry name could escape its folder.
func qxUnsafeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return true
	}
	if len(name) >= 2 && name[1] == ':' {
		return true // a drive letter
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// qxInspect validates a zip archive and finds its .qext.
func qxInspect(data []byte) (*qxArchive, error) {
	if len(data) > qextMaxBytes {
		return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive is larger than %d bytes", qextMaxBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, qxErr(http.StatusBadRequest, "the file is not a valid zip archive: %v", err)
	}
	var total uint64
	var qexts []string
	tops := map[string]bool{}
	rootFiles := false
	for _, f := range zr.File {
		if qxUnsafeName(f.Name) {
			return nil, qxErr(http.StatusBadRequest, "the archive holds an unsafe path %q", f.Name)
		}
		if f.Mode()&0o170000 == 0o120000 || f.Mode()&(1<<27) != 0 { // symlink (unix mode or fs.ModeSymlink)
			return nil, qxErr(http.StatusBadRequest, "the archive holds a symbolic link %q", f.Name)
		}
		total += f.UncompressedSize64
		if total > qextMaxBytes {
			return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive expands to more than %d bytes", qextMaxBytes)
		}
		if top, _, ok := strings.Cut(f.Name, "/"); ok {
			tops[top] = true
		} else {
			rootFiles = true
		}
		if !strings.HasSuffix(f.Name, "/") && strings.EqualFold(path.Ext(f.Name), ".qext") {
			qexts = append(qexts, f.Name)
		}
	}
	// Real sizes, not the headers' claims (zip bombs lie).
	var read int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", f.Name, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, qextMaxBytes-read+1))
		rc.Close()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", f.Name, err)
		}
		if read += n; read > qextMaxBytes {
			return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive expands to more than %d bytes", qextMaxBytes)
		}
	}
	if len(qexts) == 0 {
		return nil, qxErr(http.StatusBadRequest, "the archive holds no .qext file")
	}
	if len(qexts) > 1 {
		return nil, qxErr(http.StatusBadRequest, "the archive holds more than one .qext file: %s", strings.Join(qexts, ", "))
	}
	a := &qxArchive{qextPath: qexts[0]}
	if dir := path.Dir(a.qextPath); dir != "." {
		if strings.Contains(dir, "/") || rootFiles || len(tops) != 1 {
			return nil, qxErr(http.StatusBadRequest, "the .qext file must be at the root of the archive or in its single top-level folder, not %q", a.qextPath)
		}
		a.root = dir + "/"
	}
	raw, err := qxReadEntry(zr, a.qextPath)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if err := json.Unmarshal(raw, &a.qext); err != nil {
		return nil, qxErr(http.StatusBadRequest, "%s is not a JSON object: %v", a.qextPath, err)
	}
	return a, nil
}

func qxReadEntry(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name || f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, qextMaxBytes))
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", name, err)
		}
		return b, nil
	}
	return nil, qxErr(http.StatusNotFound, "no file %q in the archive", name)
}

// qxApplyFields copies known model fields from a JSON object (the .qext or
// the data part) onto it; only keys present are applied.
func qxApplyFields(it *qextItem, m map[string]any, k *qextKind, fromQext bool) error {
	for key, v := range m {
		str := func() (string, error) {
			s, ok := v.(string)
			if !ok && v != nil {
				return "", qxErr(http.StatusUnprocessableEntity, "%s must be a string", key)
			}
			return s, nil
		}
		var err error
		switch key {
		case "name":
			it.Name, err = str()
		case "type":
			it.Type, err = str()
		case "version":
			it.Version, err = str()
			if fromQext {
				it.QextVersion = it.Version
			}
		case "qextVersion":
			it.QextVersion, err = str()
		case "qextFilename":
			if !fromQext {
				it.QextFilename, err = str()
			}
		case "author":
			it.Author, err = str()
		case "description":
			it.Description, err = str()
		case "homepage":
			it.Homepage, err = str()
		case "icon":
			it.Icon, err = str()
		case "license":
			it.License, err = str()
		case "repository":
			if s, ok := v.(map[string]any); ok { // npm style {type, url}
				it.Repository, _ = s["url"].(string)
			} else {
				it.Repository, err = str()
			}
		case "supplier":
			it.Supplier, err = str()
		case "keywords":
			if l, ok := v.([]any); ok { // .qext files often list keywords
				var parts []string
				for _, e := range l {
					parts = append(parts, fmt.Sprint(e))
				}
				it.Keywords = strings.Join(parts, ",")
			} else {
				it.Keywords, err = str()
			}
		case "tags":
			it.Tags = nil
			l, ok := v.([]any)
			if !ok && v != nil {
				return qxErr(http.StatusUnprocessableEntity, "tags must be an array of strings")
			}
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					return qxErr(http.StatusUnprocessableEntity, "tags must be an array of strings")
				}
				it.Tags = append(it.Tags, s)
			}
		case "dependencies":
			if v == nil {
				it.Dependencies = nil
			} else if _, ok := v.(map[string]any); ok {
				it.Dependencies, _ = json.Marshal(v)
			} else {
				return qxErr(http.StatusUnprocessableEntity, "dependencies must be an object")
			}
		}
		if err != nil {
			return err
		}
		if !k.extension {
			continue
		}
		switch key {
		case "preview":
			it.Preview, err = str()
		case "loadpath":
			it.Loadpath, err = str()
		case "deprecated":
			it.Deprecated, err = str()
		case "bundle":
			if _, ok := v.(map[string]any); ok {
				it.Bundle, _ = json.Marshal(v)
			} else if v != nil {
				err = qxErr(http.StatusUnprocessableEntity, "bundle must be an object")
			}
		case "bundled", "supernova":
			b, ok := v.(bool)
			if !ok {
				return qxErr(http.StatusUnprocessableEntity, "%s must be a boolean", key)
			}
			if key == "bundled" {
				it.Bundled = &b
			} else {
				it.Supernova = &b
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// qxRender is the API model of an item.
func qxRender(st *state, k *qextKind, it *qextItem) map[string]any {
	m := map[string]any{
		"id": it.ID, "tenantId": st.TenantID, "userId": it.UserID, "name": it.Name,
		"qextFilename": it.QextFilename, "type": it.Type,
		"createdAt": it.CreatedAt.UTC().Format(time.DateOnly),
		"updateAt":  it.UpdatedAt.UTC().Format(time.DateOnly),
		"tags":      append([]string{}, it.Tags...),
	}
	opt := map[string]string{"qextVersion": it.QextVersion, "version": it.Version, "author": it.Author,
		"description": it.Description, "homepage": it.Homepage, "icon": it.Icon, "keywords": it.Keywords,
		"license": it.License, "repository": it.Repository, "supplier": it.Supplier}
	if k.extension {
		opt["preview"], opt["loadpath"], opt["deprecated"], opt["checksum"] = it.Preview, it.Loadpath, it.Deprecated, it.Checksum
		if it.Bundle != nil {
			m["bundle"] = it.Bundle
		}
		if it.Bundled != nil {
			m["bundled"] = *it.Bundled
		}
		if it.Supernova != nil {
			m["supernova"] = *it.Supernova
		}
	}
	for key, v := range opt {
		if v != "" {
			m[key] = v
		}
	}
	if it.Dependencies != nil {
		m["dependencies"] = it.Dependencies
	}
	return m
}

// qxLookup finds a live item by id or qextFilename. A deleted id gives 410.
func qxLookup(st *state, k *qextKind, ref string) (*qextItem, error) {
	var gone bool
	for _, it := range k.all(st) {
		if it.ID == ref {
			if it.DeletedAt != nil {
				gone = true
				continue
			}
			return it, nil
		}
	}
	for _, it := range k.all(st) {
		if it.DeletedAt == nil && it.QextFilename == ref {
			return it, nil
		}
	}
	if gone {
		return nil, qxErr(http.StatusGone, "the %s %q has been deleted", k.label, ref)
	}
	return nil, qxErr(http.StatusNotFound, "could not find the %s %q", k.label, ref)
}

// qxConflict reports a live item other than self with the same name or
// qextFilename (case-insensitive).
func qxConflict(st *state, k *qextKind, it *qextItem) error {
	for _, o := range k.all(st) {
		if o.DeletedAt != nil || o.ID == it.ID {
			continue
		}
		if strings.EqualFold(o.Name, it.Name) {
			return qxErr(http.StatusConflict, "a %s named %q already exists", k.label, it.Name)
		}
		if it.QextFilename != "" && strings.EqualFold(o.QextFilename, it.QextFilename) {
			return qxErr(http.StatusConflict, "a %s with qextFilename %q already exists", k.label, it.QextFilename)
		}
	}
	return nil
}

// qxUpload is a parsed multipart body.
type qxUpload struct {
	file    []byte
	hasFile bool
	data    map[string]any
}

// qxReadMultipart reads the parts "file" and "data" of a multipart body.
func qxReadMultipart(r *http.Request) (*qxUpload, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, qxErr(http.StatusUnsupportedMediaType, "the body must be multipart/form-data with a file part and/or a data part")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
	}
	up := &qxUpload{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
		}
		b, err := io.ReadAll(io.LimitReader(p, qextMaxBytes+1))
		p.Close()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
		}
		switch p.FormName() {
		case "file":
			if len(b) > qextMaxBytes {
				return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive is larger than %d bytes", qextMaxBytes)
			}
			up.file, up.hasFile = b, true
		case "data":
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			if err := json.Unmarshal(b, &up.data); err != nil || up.data == nil {
				return nil, qxErr(http.StatusUnsupportedMediaType, "the data part is not a valid JSON object")
			}
		}
	}
	if !up.hasFile && up.data == nil {
		return nil, qxErr(http.StatusUnprocessableEntity, "provide a file part (zip archive) and/or a data part (JSON model)")
	}
	return up, nil
}

// qxBuild derives the model from an upload onto base (a copy of the
// current item on PATCH, a fresh one on create).
func qxBuild(k *qextKind, base qextItem, up *qxUpload) (qextItem, error) {
	it := base
	if up.hasFile {
		a, err := qxInspect(up.file)
		if err != nil {
			return it, err
		}
		// A new archive re-derives the qext fields.
		keep := qextItem{ID: it.ID, UserID: it.UserID, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Seq: it.Seq}
		it = keep
		it.Zip = up.file
		it.QextPath = a.qextPath
		it.QextFilename = strings.TrimSuffix(path.Base(a.qextPath), path.Ext(a.qextPath))
		if err := qxApplyFields(&it, a.qext, k, true); err != nil {
			return it, err
		}
		if k.extension {
			sum := sha256.Sum256(up.file)
			it.Checksum = hex.EncodeToString(sum[:])
		}
	}
	if up.data != nil {
		if err := qxApplyFields(&it, up.data, k, false); err != nil {
			return it, err
		}
	}
	if it.Type == "" {
		it.Type = k.defaultType
	}
	if strings.TrimSpace(it.Name) == "" {
		it.Name = it.QextFilename
	}
	if strings.TrimSpace(it.Name) == "" {
		return it, qxErr(http.StatusUnprocessableEntity, "the %s has no name: set name in the .qext file or the data part", k.label)
	}
	if it.QextFilename == "" {
		it.QextFilename = it.Name
	}
	if k.extension && it.Loadpath == "" {
		it.Loadpath = it.QextFilename
	}
	return it, nil
}

// qxCreate adds an item built from an upload to st.
func (s *Server) qxCreate(st *state, k *qextKind, up *qxUpload) (*qextItem, error) {
	now := s.now()
	it, err := qxBuild(k, qextItem{ID: s.glNewUUID(st), UserID: s.caller(st).ID, CreatedAt: now, UpdatedAt: now}, up)
	if err != nil {
		return nil, err
	}
	if err := qxConflict(st, k, &it); err != nil {
		return nil, err
	}
	it.Seq = st.nextSeq()
	return k.add(st, it), nil
}

func (s *Server) routeQext(mux *routeMux, k *qextKind) {
	base := "/api/v1/" + k.plural
	mux.HandleFunc("GET "+base, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		items := slices.DeleteFunc(k.all(s.st), func(it *qextItem) bool { return it.DeletedAt != nil })
		slices.SortFunc(items, func(a, b *qextItem) int { return int(a.Seq - b.Seq) })
		data := make([]any, 0, len(items))
		for _, it := range items {
			data = append(data, qxRender(s.st, k, it))
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data})
	})
	mux.HandleFunc("POST "+base, func(w http.ResponseWriter, r *http.Request) {
		up, err := qxReadMultipart(r)
		if err != nil {
			qxWriteErr(w, k, err, "")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		it, err := s.qxCreate(s.st, k, up)
		if err != nil {
			name, _ := up.data["name"].(string)
			qxWriteErr(w, k, err, name)
			return
		}
		writeJSON(w, http.StatusCreated, qxRender(s.st, k, it))
	})
	mux.HandleFunc("GET "+base+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		it, err := qxLookup(s.st, k, r.PathValue("id"))
		if err != nil {
			qxWriteErr(w, k, err, r.PathValue("id"))
			return
		}
		writeJSON(w, http.StatusOK, qxRender(s.st, k, it))
	})
	mux.HandleFunc("PATCH "+base+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		up, err := qxReadMultipart(r)
		if err != nil {
			qxWriteErr(w, k, err, r.PathValue("id"))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		cur, err := qxLookup(s.st, k, r.PathValue("id"))
		if err != nil {
			qxWriteErr(w, k, err, r.PathValue("id"))
			return
		}
		it, err := qxBuild(k, *cur, up)
		if err == nil {
			err = qxConflict(s.st, k, &it)
		}
		if err != nil {
			qxWriteErr(w, k, err, cur.Name)
			return
		}
		it.UpdatedAt = s.now()
		*cur = it
		if k.extension {
			writeJSON(w, http.StatusOK, qxRender(s.st, k, cur))
		} else { // the themes spec answers PATCH with Themes: {data:[…]}
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{qxRender(s.st, k, cur)}})
		}
	})
	mux.HandleFunc("DELETE "+base+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		it, err := qxLookup(s.st, k, r.PathValue("id"))
		if err != nil {
			qxWriteErr(w, k, err, r.PathValue("id"))
			return
		}
		now := s.now()
		it.DeletedAt, it.Zip = &now, nil
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+base+"/{id}/file", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		it, err := qxLookup(s.st, k, r.PathValue("id"))
		if err == nil && it.Zip == nil {
			err = qxErr(http.StatusNotFound, "the %s %q has no archive", k.label, it.Name)
		}
		if err != nil {
			qxWriteErr(w, k, err, r.PathValue("id"))
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", it.QextFilename+".zip"))
		w.Header().Set("Content-Length", fmt.Sprint(len(it.Zip)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(it.Zip)
	})
	mux.HandleFunc("GET "+base+"/{id}/file/{filepath...}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fp := r.PathValue("filepath")
		it, err := qxLookup(s.st, k, r.PathValue("id"))
		var body []byte
		if err == nil {
			body, err = qxFile(it, fp)
		}
		if err != nil {
			qxWriteErr(w, k, err, fp)
			return
		}
		ct := mime.TypeByExtension(path.Ext(fp))
		switch {
		case strings.EqualFold(path.Ext(fp), ".qext"):
			ct = "application/json"
		case ct == "":
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// qxFile returns one file of an item's archive, relative to the .qext folder.
func qxFile(it *qextItem, fp string) ([]byte, error) {
	if it.Zip == nil || fp == "" || qxUnsafeName(fp) || strings.HasSuffix(fp, "/") {
		return nil, qxErr(http.StatusNotFound, "no file %q in the archive", fp)
	}
	zr, err := zip.NewReader(bytes.NewReader(it.Zip), int64(len(it.Zip)))
	if err != nil {
		return nil, err
	}
	root := ""
	if dir := path.Dir(it.QextPath); dir != "." {
		root = dir + "/"
	}
	return qxReadEntry(zr, root+fp)
}
