package kinds

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/archive"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// archiveKind is the shared handler of themes and extensions: resources
// that Qlik stores as an uploaded zip. The zip is unpacked into the repo
// under <slug>/files/ so that git diff shows the CSS and JSON that changed,
// and packed again deterministically on apply.
type archiveKind struct {
	Desc
	docFile string
}

// Themes are custom app themes.
var Themes = archiveKind{Desc{KindName: "Theme", FolderName: "themes", ListPath: "/api/v1/themes", Unpaged: true, PerItem: []string{"file"}, Coverage: themeCoverage}, "theme.yaml"}

// Extensions are visualization extensions and mashups.
var Extensions = archiveKind{Desc{KindName: "Extension", FolderName: "extensions", ListPath: "/api/v1/extensions", Unpaged: true, PerItem: []string{"file"}, Coverage: themeCoverage}, "extension.yaml"}

// filesDir holds the unpacked archive inside a document's folder, apart
// from the document itself.
const filesDir = "files/"

type archiveSpec struct {
	QextFilename string `json:"qextFilename,omitempty"`
	Type         string `json:"type,omitempty"`
}

type apiArchive struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	QextFilename string `json:"qextFilename"`
	Type         string `json:"type"`
}

func (a archiveKind) Refs(resource.Document) []resource.Ref { return nil }
func (a archiveKind) FileLayout() resource.FileLayout {
	return resource.FileLayout{Bundle: a.docFile}
}

func (a archiveKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	list, err := listed[apiArchive](ctx, t, a.KindName)
	if err != nil {
		return nil, err
	}
	docs := make([]resource.Document, len(list))
	err = forEach(ctx, len(list), func(ctx context.Context, i int) error {
		d, err := a.readOne(ctx, t, list[i])
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

func (a archiveKind) readOne(ctx context.Context, t *Tenant, m apiArchive) (resource.Document, error) {
	var zip []byte
	var files map[string][]byte
	// Unpacked inside the client's retry loop: a download cut in transit
	// ("not a zip archive") is fetched again like a reset.
	unpack := func(b []byte) (err error) {
		files, err = archive.Unpack(b, archive.DefaultLimits)
		return err
	}
	req := qlik.Request{Method: http.MethodGet, Path: a.ListPath + "/" + url.PathEscape(m.ID) + "/file", Check: unpack}
	if _, err := t.API.Send(ctx, req, &zip); err != nil {
		return resource.Document{}, fmt.Errorf("download %s %q: %w", strings.ToLower(a.KindName), m.Name, err)
	}
	d, err := toDoc(a.KindName, m.Name, m.ID, archiveSpec{QextFilename: m.QextFilename, Type: m.Type})
	d.Files = map[string][]byte{}
	for name, b := range files {
		d.Files[filesDir+name] = b
	}
	return d, err
}

// zipOf packs a document's files back into the archive Qlik expects.
func zipOf(d resource.Document) ([]byte, error) {
	files := map[string][]byte{}
	for name, b := range d.Files {
		rel, ok := strings.CutPrefix(name, filesDir)
		if !ok {
			return nil, fmt.Errorf("%s: %s is outside %s", d.Key(), name, filesDir)
		}
		files[rel] = b
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no files to upload", d.Key())
	}
	return archive.Pack(files)
}

// multipartZip is the form Qlik's themes and extensions services take:
// the archive in a part named "file".
func multipartZip(name string, zip []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name+".zip"))
	h.Set("Content-Type", "application/zip")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(zip); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

func (a archiveKind) upload(ctx context.Context, t *Tenant, method, path string, d resource.Document) error {
	zip, err := zipOf(d)
	if err != nil {
		return err
	}
	body, ctype, err := multipartZip(resource.Slug(d.Metadata.Name), zip)
	if err != nil {
		return err
	}
	_, err = t.API.Send(ctx, qlik.Request{Method: method, Path: path, Body: body, ContentType: ctype}, nil)
	return err
}

func (a archiveKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	return Result{}, a.upload(ctx, t, http.MethodPost, a.ListPath, want)
}

func (a archiveKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	return Result{}, a.upload(ctx, t, http.MethodPatch, a.ListPath+"/"+url.PathEscape(have.Metadata.ID), want)
}

func (a archiveKind) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, a.ListPath+"/"+url.PathEscape(have.Metadata.ID), nil, nil)
}

// themeCoverage is the one coverage row of Theme and Extension: they behave alike.
var themeCoverage = Coverage{
	Exported: "name, the unpacked archive",
	Restored: "uploaded as a deterministic zip (create or PATCH), pruned",
	Reentry:  "-",
	LeftOut:  "-",
}
