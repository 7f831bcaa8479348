package brands

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Brands (spec qliksense-brands-api-openapi.yml). Choices where Qlik does
// not say:
//   - brand names are unique, case-insensitively: a second brand with the
//     same name is 409 (the spec documents no 409; it makes the name a
//     natural key);
//   - a file's path is its download route, its eTag the hex SHA-256 of its
//     bytes (first 32 digits);
//   - writes need the TenantAdmin role (403), reads do not;
//   - bad input (not multipart, a file of the wrong type or too large, an
//     unknown part or patch path) is 400, the only client error the spec
//     documents besides 404.

// brand is one stored brand.
type brand struct {
	ID          string                `json:"id"`
	Name        string                `json:"name"`
	Description string                `json:"description"`
	Active      bool                  `json:"active"`
	Files       map[string]*brandFile `json:"files"` // by file id: logo, favIcon, styles
	CreatedAt   time.Time             `json:"createdAt"`
	CreatedBy   string                `json:"createdBy"`
	UpdatedAt   time.Time             `json:"updatedAt"`
	UpdatedBy   string                `json:"updatedBy"`
	Seq         int64                 `json:"seq"`
}

// brandFile is one file of a brand, kept exactly as uploaded.
type brandFile struct {
	ContentType string `json:"contentType"`
	ETag        string `json:"eTag"`
	Data        []byte `json:"data"`
}

// Brands is the brands table.
var Brands = core.NewTable[brand]("brands")

func (s server) routeBrands(mux *core.RouteMux) {
	const base = "/api/v1/brands"
	mux.HandleFunc("GET "+base, s.listBrands)
	mux.HandleFunc("POST "+base, s.createBrand)
	mux.HandleFunc("GET "+base+"/active", s.activeBrand)
	mux.HandleFunc("GET "+base+"/{id}", s.getBrand)
	mux.HandleFunc("PATCH "+base+"/{id}", s.patchBrand)
	mux.HandleFunc("DELETE "+base+"/{id}", s.deleteBrand)
	mux.HandleFunc("POST "+base+"/{id}/actions/activate", s.setActive(true))
	mux.HandleFunc("POST "+base+"/{id}/actions/deactivate", s.setActive(false))
	mux.HandleFunc("GET "+base+"/{id}/files/{fileId}", s.downloadBrandFile)
	mux.HandleFunc("POST "+base+"/{id}/files/{fileId}", s.putBrandFile(true))
	mux.HandleFunc("PUT "+base+"/{id}/files/{fileId}", s.putBrandFile(false))
	mux.HandleFunc("DELETE "+base+"/{id}/files/{fileId}", s.deleteBrandFile)
}

// render is the spec's Brand: files in the fixed order logo, favIcon, styles.
func render(b *brand) map[string]any {
	files := []any{}
	for _, id := range fileIDs {
		if f := b.Files[id]; f != nil {
			files = append(files, renderFile(b, id, f))
		}
	}
	return map[string]any{
		"id": b.ID, "name": b.Name, "description": b.Description, "active": b.Active, "files": files,
		"createdAt": core.FmtTime(b.CreatedAt), "createdBy": b.CreatedBy,
		"updatedAt": core.FmtTime(b.UpdatedAt), "updatedBy": b.UpdatedBy,
	}
}

func renderFile(b *brand, id string, f *brandFile) map[string]any {
	return map[string]any{"id": id, "path": "/api/v1/brands/" + b.ID + "/files/" + id,
		"contentType": f.ContentType, "eTag": f.ETag}
}

// requireAdmin writes the 403 unless the caller is a TenantAdmin.
func requireAdmin(w http.ResponseWriter, r *http.Request, st *core.State) bool {
	if core.HasRole(st, core.CallerOf(st), "TenantAdmin") {
		return true
	}
	core.WriteError(w, r, http.StatusForbidden, "", "", "Forbidden", "managing brands requires the TenantAdmin role")
	return false
}

// lookup returns the brand of {id} or writes the 404.
func lookup(w http.ResponseWriter, r *http.Request, st *core.State) *brand {
	b := Brands.Get(st, r.PathValue("id"))
	if b == nil {
		core.NotFound(w, r, fmt.Sprintf("brand %q not found", r.PathValue("id")))
	}
	return b
}

// nameTaken reports another brand with the same name (case-insensitive).
func nameTaken(st *core.State, name, self string) bool {
	return Brands.Find(st, func(o *brand) bool { return o.ID != self && strings.EqualFold(o.Name, name) }) != nil
}

// listSorts are the spec's sort fields; the default is -id.
var listSorts = []string{"id", "createdAt", "updatedAt"}

func (s server) listBrands(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, msg := core.ParseLimitIn(r, 5, core.MaxLimit)
	if msg != "" {
		core.BadRequest(w, r, "?limit", msg)
		return
	}
	field, desc, ok := core.ParseSignedSort(q.Get("sort"), "-id", listSorts...)
	if !ok {
		core.BadRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", field))
		return
	}
	after, before := q.Get("startingAfter"), q.Get("endingBefore")
	if after != "" && before != "" {
		core.BadRequest(w, r, "?startingAfter", "startingAfter and endingBefore cannot be used together")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	items := Brands.List(s.St, nil, func(a, b *brand) int {
		c := strings.Compare(sortValue(a, field), sortValue(b, field))
		if c == 0 {
			c = int(a.Seq - b.Seq)
		}
		if desc {
			return -c
		}
		return c
	})
	start, end := 0, min(limit, len(items))
	if cursor := after + before; cursor != "" {
		i := slices.IndexFunc(items, func(b *brand) bool { return b.ID == cursor })
		if i < 0 {
			param := "?startingAfter"
			if before != "" {
				param = "?endingBefore"
			}
			core.BadRequest(w, r, param, fmt.Sprintf("cursor %q is not a brand id", cursor))
			return
		}
		if after != "" {
			start, end = i+1, min(i+1+limit, len(items))
		} else {
			start, end = max(0, i-limit), i
		}
	}
	page := items[start:end]
	data := make([]any, 0, len(page))
	for _, b := range page {
		data = append(data, render(b))
	}
	links := map[string]any{"self": core.Link{Href: pageHref(r, "", "")}}
	if end < len(items) && len(page) > 0 {
		links["next"] = core.Link{Href: pageHref(r, "startingAfter", page[len(page)-1].ID)}
	}
	if start > 0 && len(page) > 0 {
		links["prev"] = core.Link{Href: pageHref(r, "endingBefore", page[0].ID)}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": links})
}

func sortValue(b *brand, field string) string {
	switch field {
	case "createdAt":
		return core.FmtTime(b.CreatedAt)
	case "updatedAt":
		return core.FmtTime(b.UpdatedAt)
	}
	return b.ID
}

// pageHref is the absolute URL of the request with its cursor replaced by
// param=id (no cursor when param is "").
func pageHref(r *http.Request, param, id string) string {
	q := r.URL.Query()
	q.Del("startingAfter")
	q.Del("endingBefore")
	if param != "" {
		q.Set(param, id)
	}
	return core.BaseURL(r) + r.URL.Path + core.EncodeQuery(q)
}

func (s server) createBrand(w http.ResponseWriter, r *http.Request) {
	up, err := readBrandUpload(r)
	if err != nil {
		core.BadRequest(w, r, "", err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	b, status, err := s.insertBrand(s.St, up)
	if err != nil {
		core.WriteError(w, r, status, "", "/name", http.StatusText(status), err.Error())
		return
	}
	core.WriteJSON(w, http.StatusCreated, render(b))
}

// insertBrand adds a brand built from an upload; on error it returns the
// status to answer with.
func (s server) insertBrand(st *core.State, up *brandUpload) (*brand, int, error) {
	if strings.TrimSpace(up.name) == "" {
		return nil, http.StatusBadRequest, fmt.Errorf("name is required")
	}
	if nameTaken(st, up.name, "") {
		return nil, http.StatusConflict, fmt.Errorf("a brand named %q already exists", up.name)
	}
	now, by := s.Now(), core.CallerOf(st).ID
	b := &brand{ID: s.NewID(st), Name: up.name, Description: up.description, Files: up.files,
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by, Seq: st.NextSeq()}
	Brands.Put(st, b.ID, b)
	return b, 0, nil
}

func (s server) getBrand(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if b := lookup(w, r, s.St); b != nil {
		core.WriteJSON(w, http.StatusOK, render(b))
	}
}

// activeBrand answers 301 to the active brand, or 200 {} when the tenant
// uses Qlik's default brand (spec getBrandsActive).
func (s server) activeBrand(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if b := Brands.Find(s.St, func(b *brand) bool { return b.Active }); b != nil {
		w.Header().Set("Location", core.BaseURL(r)+"/api/v1/brands/"+b.ID)
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{})
}

// brandPatch is one operation of the spec's BrandPatch.
type brandPatch struct {
	Op    string           `json:"op"`
	Path  string           `json:"path"`
	Value *json.RawMessage `json:"value"`
}

func (s server) patchBrand(w http.ResponseWriter, r *http.Request) {
	var ops []brandPatch
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "the body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	b := lookup(w, r, s.St)
	if b == nil {
		return
	}
	name, desc := b.Name, b.Description
	for i, op := range ops {
		ptr := fmt.Sprintf("/%d", i)
		if op.Op != "add" && op.Op != "remove" && op.Op != "replace" {
			core.BadRequest(w, r, ptr+"/op", fmt.Sprintf("unsupported op %q", op.Op))
			return
		}
		var v string
		if op.Op != "remove" && (op.Value == nil || json.Unmarshal(*op.Value, &v) != nil) {
			core.BadRequest(w, r, ptr+"/value", "value must be a string")
			return
		}
		switch op.Path {
		case "/name":
			if op.Op == "remove" || strings.TrimSpace(v) == "" {
				core.BadRequest(w, r, ptr+"/value", "a brand must have a name")
				return
			}
			name = v
		case "/description":
			desc = v // remove leaves it empty
		default:
			core.BadRequest(w, r, ptr+"/path", fmt.Sprintf("unsupported path %q: /name or /description", op.Path))
			return
		}
	}
	if nameTaken(s.St, name, b.ID) {
		core.Conflict(w, r, "/name", fmt.Sprintf("a brand named %q already exists", name))
		return
	}
	b.Name, b.Description = name, desc
	s.touch(b)
	w.WriteHeader(http.StatusNoContent)
}

// touch records an update by the caller.
func (s server) touch(b *brand) {
	b.UpdatedAt, b.UpdatedBy = s.Now(), core.CallerOf(s.St).ID
}

func (s server) deleteBrand(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	if b := lookup(w, r, s.St); b != nil {
		Brands.Delete(s.St, b.ID) // deleting the active brand returns the tenant to Qlik's default
		w.WriteHeader(http.StatusNoContent)
	}
}

// setActive activates a brand (deactivating any other) or deactivates it;
// a brand already in that state is left as it is.
func (s server) setActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if !requireAdmin(w, r, s.St) {
			return
		}
		b := lookup(w, r, s.St)
		if b == nil {
			return
		}
		if active {
			for _, o := range Brands.In(s.St) {
				if o.Active && o.ID != b.ID {
					o.Active = false
					s.touch(o)
				}
			}
		}
		if b.Active != active {
			b.Active = active
			s.touch(b)
		}
		core.WriteJSON(w, http.StatusOK, render(b))
	}
}
