package kinds

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Create uploads the brand with its files in one multipart request, as
// postBrands takes it, then activates it if the document says so.
func (k brands) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[brandSpec](want)
	if err != nil {
		return Result{}, err
	}
	parts := []formPart{{name: "name", data: []byte(want.Metadata.Name)}}
	if s.Description != "" {
		parts = append(parts, formPart{name: "description", data: []byte(s.Description)})
	}
	for _, f := range brandFiles {
		if name, data, ok := brandFileOf(want, f); ok {
			parts = append(parts, formPart{name: f.id, filename: path.Base(name), ctype: f.contentType(name), data: data})
		}
	}
	body, ctype, err := multipartForm(parts)
	if err != nil {
		return Result{}, err
	}
	var created apiBrand
	if _, err := t.API.Send(ctx, qlik.Request{Method: http.MethodPost, Path: k.ListPath, Body: body, ContentType: ctype}, &created); err != nil {
		return Result{}, err
	}
	res := Result{ID: created.ID}
	if s.Active {
		if err := k.action(ctx, t, created.ID, "activate"); err != nil {
			return res, fmt.Errorf("brand %q was created but not activated: %w", want.Metadata.Name, err)
		}
	}
	return res, nil
}

// Update changes the description with a JSON Patch and each changed file
// through its own route, then the activation last, so that a brand turns
// on complete.
func (k brands) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[brandSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[brandSpec](have)
	if err != nil {
		return Result{}, err
	}
	id := have.Metadata.ID
	if ws.Description != hs.Description {
		ops := []patchOp{{Op: "replace", Path: "/description", Value: ws.Description}}
		if err := t.API.Do(ctx, http.MethodPatch, k.itemPath(id), ops, nil); err != nil {
			return Result{}, err
		}
	}
	for _, f := range brandFiles {
		if err := k.syncFile(ctx, t, id, f, want, have); err != nil {
			return Result{}, err
		}
	}
	switch {
	case ws.Active && !hs.Active:
		return Result{}, k.action(ctx, t, id, "activate")
	case !ws.Active && hs.Active && !anotherBrandActivated(t, want):
		return Result{}, k.action(ctx, t, id, "deactivate")
	}
	return Result{}, nil
}

// anotherBrandActivated reports whether this apply activates another
// brand. Activating one deactivates the others, so the brand being turned
// off is left to that activation: if it fails, the tenant keeps its old
// brand rather than none.
func anotherBrandActivated(t *Tenant, want resource.Document) bool {
	for _, d := range t.Applying {
		if d.Kind == want.Kind && d.Key() != want.Key() {
			if s, err := specOf[brandSpec](d); err == nil && s.Active {
				return true
			}
		}
	}
	return false
}

// syncFile adds (POST), replaces (PUT) or removes (DELETE) one file so
// that the tenant's matches the document's.
func (k brands) syncFile(ctx context.Context, t *Tenant, id string, f brandFile, want, have resource.Document) error {
	wname, wdata, wok := brandFileOf(want, f)
	_, hdata, hok := brandFileOf(have, f)
	p := brandFilePath(id, f.id)
	switch {
	case wok && !hok:
		return k.uploadFile(ctx, t, http.MethodPost, p, f, wname, wdata)
	case wok && !bytes.Equal(wdata, hdata):
		return k.uploadFile(ctx, t, http.MethodPut, p, f, wname, wdata)
	case !wok && hok:
		return t.API.Do(ctx, http.MethodDelete, p, nil, nil)
	}
	return nil
}

func (brands) uploadFile(ctx context.Context, t *Tenant, method, p string, f brandFile, name string, data []byte) error {
	body, ctype, err := multipartForm([]formPart{{name: "file", filename: path.Base(name), ctype: f.contentType(name), data: data}})
	if err != nil {
		return err
	}
	if _, err := t.API.Send(ctx, qlik.Request{Method: method, Path: p, Body: body, ContentType: ctype}, nil); err != nil {
		return fmt.Errorf("upload brand file %s: %w", name, err)
	}
	return nil
}

func (k brands) action(ctx context.Context, t *Tenant, id, action string) error {
	return t.API.Do(ctx, http.MethodPost, k.itemPath(id)+"/actions/"+action, nil, nil)
}

// brandFileOf finds the document's side file for f, under any of its names.
func brandFileOf(d resource.Document, f brandFile) (string, []byte, bool) {
	for _, n := range f.names {
		if data, ok := d.Files[filesDir+n]; ok {
			return filesDir + n, data, true
		}
	}
	return "", nil, false
}

// formPart is one part of a multipart/form-data body: a field when
// filename is empty, else a file.
type formPart struct {
	name, filename, ctype string
	data                  []byte
}

// multipartForm encodes parts in order.
func multipartForm(parts []formPart) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename == "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", p.ctype)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := pw.Write(p.data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}
