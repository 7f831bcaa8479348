package qext

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
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

const QextMaxBytes = 50 << 20

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
	all         func(st *core.State) []*qextItem
	add         func(st *core.State, it qextItem) *qextItem
}

// qextItem is promoted to *theme and *extension, so that qextAll and
// qextAdd serve both maps of the state.
func (it *qextItem) item() *qextItem { return it }

// qextAll lists the items of a state map, deleted ones included.
func qextAll[P interface{ item() *qextItem }](m map[string]P) []*qextItem {
	out := make([]*qextItem, 0, len(m))
	for _, v := range m {
		out = append(out, v.item())
	}
	return out
}

// qextAdd stores it in a state map as a new theme or extension.
func qextAdd[T any, P interface {
	*T
	item() *qextItem
}](m map[string]P, it qextItem) *qextItem {
	p := P(new(T))
	*p.item() = it
	m[it.ID] = p
	return p.item()
}

// qxError writes the themes/extensions error body: a single object
// {code, title, status, traceId, meta{message, resourceName}} (notes 0.3; the
// specs require code and title).
func qxError(w http.ResponseWriter, k *qextKind, status int, message, resource string) {
	meta := map[string]any{"message": message}
	if resource != "" {
		meta["resourceName"] = resource
	}
	core.WriteJSON(w, status, map[string]any{
		"code":    fmt.Sprintf("%s-%d", strings.ToUpper(k.plural), status),
		"title":   http.StatusText(status),
		"status":  status,
		"traceId": core.NewTraceID(),
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

// qxLookup finds a live item by id or qextFilename. A deleted id gives 410.
func qxLookup(st *core.State, k *qextKind, ref string) (*qextItem, error) {
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
func qxConflict(st *core.State, k *qextKind, it *qextItem) error {
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

// qxCreate adds an item built from an upload to st.
func (s server) qxCreate(st *core.State, k *qextKind, up *qxUpload) (*qextItem, error) {
	now := s.Now()
	it, err := qxBuild(k, qextItem{ID: s.UUIDFrom(st, 0), UserID: core.CallerOf(st).ID, CreatedAt: now, UpdatedAt: now}, up)
	if err != nil {
		return nil, err
	}
	if err := qxConflict(st, k, &it); err != nil {
		return nil, err
	}
	it.Seq = st.NextSeq()
	return k.add(st, it), nil
}

func (s server) routeQext(mux *core.RouteMux, k *qextKind) {
	x := &qxService{s: s, k: k}
	base := "/api/v1/" + k.plural
	mux.HandleFunc("GET "+base, x.list)
	mux.HandleFunc("POST "+base, x.create)
	mux.HandleFunc("GET "+base+"/{id}", x.get)
	mux.HandleFunc("PATCH "+base+"/{id}", x.patch)
	mux.HandleFunc("DELETE "+base+"/{id}", x.delete)
	mux.HandleFunc("GET "+base+"/{id}/file", x.archive)
	mux.HandleFunc("GET "+base+"/{id}/file/{filepath...}", x.file)
}

// qxService serves one of the two services.
type qxService struct {
	s server
	k *qextKind
}

func (x *qxService) list(w http.ResponseWriter, r *http.Request) {
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	items := slices.DeleteFunc(x.k.all(x.s.St), func(it *qextItem) bool { return it.DeletedAt != nil })
	slices.SortFunc(items, func(a, b *qextItem) int { return int(a.Seq - b.Seq) })
	data := make([]any, 0, len(items))
	for _, it := range items {
		data = append(data, qxRender(x.s.St, x.k, it))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

func (x *qxService) create(w http.ResponseWriter, r *http.Request) {
	up, err := qxReadMultipart(r)
	if err != nil {
		qxWriteErr(w, x.k, err, "")
		return
	}
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	it, err := x.s.qxCreate(x.s.St, x.k, up)
	if err != nil {
		name, _ := up.data["name"].(string)
		qxWriteErr(w, x.k, err, name)
		return
	}
	core.WriteJSON(w, http.StatusCreated, qxRender(x.s.St, x.k, it))
}

// lookup returns the live item of {id} or writes the 404/410.
func (x *qxService) lookup(w http.ResponseWriter, r *http.Request) *qextItem {
	it, err := qxLookup(x.s.St, x.k, r.PathValue("id"))
	if err != nil {
		qxWriteErr(w, x.k, err, r.PathValue("id"))
		return nil
	}
	return it
}

func (x *qxService) get(w http.ResponseWriter, r *http.Request) {
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	if it := x.lookup(w, r); it != nil {
		core.WriteJSON(w, http.StatusOK, qxRender(x.s.St, x.k, it))
	}
}

func (x *qxService) patch(w http.ResponseWriter, r *http.Request) {
	up, err := qxReadMultipart(r)
	if err != nil {
		qxWriteErr(w, x.k, err, r.PathValue("id"))
		return
	}
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	cur := x.lookup(w, r)
	if cur == nil {
		return
	}
	it, err := qxBuild(x.k, *cur, up)
	if err == nil {
		err = qxConflict(x.s.St, x.k, &it)
	}
	if err != nil {
		qxWriteErr(w, x.k, err, cur.Name)
		return
	}
	it.UpdatedAt = x.s.Now()
	*cur = it
	if x.k.extension {
		core.WriteJSON(w, http.StatusOK, qxRender(x.s.St, x.k, cur))
	} else { // the themes spec answers PATCH with Themes: {data:[…]}
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": []any{qxRender(x.s.St, x.k, cur)}})
	}
}

func (x *qxService) delete(w http.ResponseWriter, r *http.Request) {
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	if it := x.lookup(w, r); it != nil {
		now := x.s.Now()
		it.DeletedAt, it.Zip = &now, nil
		w.WriteHeader(http.StatusNoContent)
	}
}

// archive serves the uploaded zip byte for byte.
func (x *qxService) archive(w http.ResponseWriter, r *http.Request) {
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	it, err := qxLookup(x.s.St, x.k, r.PathValue("id"))
	if err == nil && it.Zip == nil {
		err = qxErr(http.StatusNotFound, "the %s %q has no archive", x.k.label, it.Name)
	}
	if err != nil {
		qxWriteErr(w, x.k, err, r.PathValue("id"))
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", it.QextFilename+".zip"))
	writeBytes(w, "application/zip", it.Zip)
}

// file serves one file of the archive, relative to the .qext folder.
func (x *qxService) file(w http.ResponseWriter, r *http.Request) {
	x.s.Mu.Lock()
	defer x.s.Mu.Unlock()
	fp := r.PathValue("filepath")
	it, err := qxLookup(x.s.St, x.k, r.PathValue("id"))
	var body []byte
	if err == nil {
		body, err = qxFile(it, fp)
	}
	if err != nil {
		qxWriteErr(w, x.k, err, fp)
		return
	}
	ct := mime.TypeByExtension(path.Ext(fp))
	switch {
	case strings.EqualFold(path.Ext(fp), ".qext"):
		ct = "application/json"
	case ct == "":
		ct = "application/octet-stream"
	}
	writeBytes(w, ct, body)
}

func writeBytes(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
