package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Brands are the tenant's brands: a name, a description, whether it is the
// active one, and up to three files (logo, favicon, styles) that Qlik
// serves byte for byte as they were uploaded. Like a theme, a brand is a
// folder, brands/<slug>/brand.yaml, with its files under files/ so that a
// changed logo is a changed file in git. Writes are in brands_write.go.
var Brands = brands{REST[apiBrand, brandSpec]{
	Desc: Desc{
		KindName: "Brand", FolderName: "brands",
		ListPath: brandsPath, Query: limit100(),
		Coverage: Coverage{
			Exported: "name, description, active or not, its files byte for byte (`files/logo.png` or `logo.jpg`, `files/favicon.ico`, `files/styles.json`)",
			Restored: "created with a multipart upload, description patched, each changed file added, replaced or removed through its own route, activated or deactivated, pruned; the deactivation of the old active brand is left to the activation of the new one, so a failed step never leaves the tenant on Qlik's default brand when the snapshot has an active one",
			Reentry:  "-",
			LeftOut:  "a file id other than logo, favIcon and styles (warned); a favicon's declared type (`image/x-icon` or `image/vnd.microsoft.icon`): the bytes are kept, the upload says `image/x-icon`",
		},
	},
	FromAPI: brandFromAPI,
}}

// brands overrides the writes of REST: a create is a multipart upload,
// files change through their own routes, and activation is an action.
type brands struct{ REST[apiBrand, brandSpec] }

const brandsPath = "/api/v1/brands"

// brandDocFile is the document inside a brand's folder.
const brandDocFile = "brand.yaml"

// FileLayout implements FileLayouter: one folder per brand.
func (brands) FileLayout() resource.FileLayout { return resource.FileLayout{Bundle: brandDocFile} }

type apiBrand struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Active      bool           `json:"active"`
	Files       []apiBrandFile `json:"files"`
}

type apiBrandFile struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
}

type brandSpec struct {
	Description string `json:"description,omitempty"`
	// Active is always written: a brand that is not active says so.
	Active bool `json:"active"`
}

// brandFile is one of the files a brand may have, as Qlik names it (its
// brand-file-id) and as the repo names it under files/.
type brandFile struct {
	id       string   // logo, favIcon, styles
	names    []string // the repo names it may have, the usual one first
	maxBytes int      // Qlik's limit (postBrands)
}

// brandFiles are the spec's brand-file-id enum with their limits: a logo
// is a JPG or PNG of at most 300 KB, a favicon an ICO and the styles a
// JSON file of at most 100 KB each.
var brandFiles = []brandFile{
	{id: "logo", names: []string{"logo.png", "logo.jpg", "logo.jpeg"}, maxBytes: 300 << 10},
	{id: "favIcon", names: []string{"favicon.ico"}, maxBytes: 100 << 10},
	{id: "styles", names: []string{"styles.json"}, maxBytes: 100 << 10},
}

// brandFileByID finds a file by its brand-file-id.
func brandFileByID(id string) (brandFile, bool) {
	for _, f := range brandFiles {
		if f.id == id {
			return f, true
		}
	}
	return brandFile{}, false
}

// brandFileByName finds a file by its repo path (files/logo.png).
func brandFileByName(name string) (brandFile, bool) {
	base, ok := cutFilesDir(name)
	if !ok {
		return brandFile{}, false
	}
	for _, f := range brandFiles {
		for _, n := range f.names {
			if n == base {
				return f, true
			}
		}
	}
	return brandFile{}, false
}

func cutFilesDir(name string) (string, bool) {
	dir, base := path.Split(name)
	return base, dir == filesDir && base != ""
}

// repoName is where a downloaded file goes: a JPEG logo is logo.jpg, any
// other logo logo.png, so that the name says what the bytes are.
func (f brandFile) repoName(contentType string, data []byte) string {
	if f.id == "logo" && (contentType == "image/jpeg" || http.DetectContentType(data) == "image/jpeg") {
		return filesDir + "logo.jpg"
	}
	return filesDir + f.names[0]
}

// contentType is the type an upload of the file at name declares.
func (f brandFile) contentType(name string) string {
	switch path.Ext(name) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".ico":
		return "image/x-icon"
	}
	return "application/json"
}

// brandFromAPI turns a listed brand into its document and downloads its
// files. A file id this build does not know (one Qlik adds later) is left
// out with a warning rather than failing the kind.
func brandFromAPI(ctx context.Context, t *Tenant, b apiBrand) (resource.Document, bool, error) {
	d, err := toDoc("Brand", b.Name, b.ID, brandSpec{Description: b.Description, Active: b.Active})
	if err != nil {
		return d, false, err
	}
	files := append([]apiBrandFile(nil), b.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].ID < files[j].ID })
	for _, af := range files {
		f, ok := brandFileByID(af.ID)
		if !ok {
			t.Warnf("brand %q: file %q is not one qlikops knows (logo, favIcon, styles); exported without it", b.Name, af.ID)
			continue
		}
		var data []byte
		req := qlik.Request{Method: http.MethodGet, Path: brandFilePath(b.ID, f.id),
			Check: func(body []byte) error { return brandFileWhole(f.id, body) }}
		if _, err := t.API.Send(ctx, req, &data); err != nil {
			return d, false, fmt.Errorf("download brand %q file %s: %w", b.Name, f.id, err)
		}
		if d.Files == nil {
			d.Files = map[string][]byte{}
		}
		d.Files[f.repoName(af.ContentType, data)] = data
	}
	return d, true, nil
}

func brandFilePath(brandID, fileID string) string {
	return brandsPath + "/" + url.PathEscape(brandID) + "/files/" + url.PathEscape(fileID)
}

// Check implements Checker: what the brands API refuses and the schema
// cannot see, the files. Each must be one Qlik knows, by its name under
// files/, at most one of each, within Qlik's size limit; styles must be
// JSON.
func (brands) Check(d resource.Document) []Problem {
	var out []Problem
	seen := map[string]string{}
	names := make([]string, 0, len(d.Files))
	for n := range d.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	var known []string
	for _, f := range brandFiles {
		known = append(known, f.names...)
	}
	for _, n := range names {
		data := d.Files[n]
		f, ok := brandFileByName(n)
		switch {
		case !ok:
			out = append(out, Problem{Field: "metadata.name", Msg: fmt.Sprintf("side file %s is not a brand file; a brand's files are %s%s", n, filesDir, strings.Join(known, ", "+filesDir))})
		case seen[f.id] != "":
			out = append(out, Problem{Field: "metadata.name", Msg: fmt.Sprintf("side files %s and %s are both the brand's %s; keep one", seen[f.id], n, f.id)})
		case len(data) == 0:
			out = append(out, Problem{Field: "metadata.name", Msg: fmt.Sprintf("side file %s is empty; Qlik refuses an empty %s", n, f.id)})
		case len(data) > f.maxBytes:
			out = append(out, Problem{Field: "metadata.name", Msg: fmt.Sprintf("side file %s is %d bytes; Qlik takes a %s of at most %d", n, len(data), f.id, f.maxBytes)})
		case f.id == "styles" && !json.Valid(data):
			out = append(out, Problem{Field: "metadata.name", Msg: fmt.Sprintf("side file %s is not valid JSON; Qlik takes styles as JSON", n)})
		}
		if ok && seen[f.id] == "" {
			seen[f.id] = n
		}
	}
	return out
}
