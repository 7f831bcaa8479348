package kinds

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// ReportTemplates handles the report templates of the reporting service:
// each is a folder, report-templates/<name>/, holding template.yaml (name,
// description, the source app by space and name) and the template file
// byte for byte (template.xlsx, .pptx, .docx, .html, or template.xml for
// a pixel-perfect template; the extension is the type), downloaded through
// actions/download. A restore uploads the file to temp contents and
// creates the template with sourceAppAction replace, pointed at the app of
// that space and name in the target tenant. The owner is not kept: a
// restored template belongs to whoever applies it.
var ReportTemplates = reportTemplatesKind{Desc{
	KindName: "ReportTemplate", FolderName: "report-templates",
	ListPath: "/api/v1/report-templates", Query: limit100(),
	WritePaths: []string{"/api/v1/temp-contents"},
	DependsOn:  []string{"App"},
	Coverage: Coverage{
		Exported: "name, description, the source app (by space and name), the template file byte for byte (`template.xlsx`, `.pptx`, `.docx`, `.html`, or `template.xml` for pixel-perfect; downloaded through `actions/download`)",
		Restored: "created from the file (temp-contents upload, sourceAppAction replace) against the source app of that space and name; a changed file replaced (PUT), a changed name or description patched; a changed source app (also one deleted and imported under a new id) recreated against the app of that space and name; pruned",
		Reentry:  "-",
		LeftOut:  "the owner (a restored template belongs to whoever applies it); metadata version and dates",
	},
}}

type reportTemplatesKind struct{ Desc }

const reportTemplateDoc = "template.yaml"

// reportTemplateFiles are the template file's name by type.
var reportTemplateFiles = map[string]string{"excel": "template.xlsx", "powerPoint": "template.pptx",
	"word": "template.docx", "html": "template.html", "pixelPerfect": "template.xml"}

type reportTemplateSpec struct {
	Description string  `json:"description,omitempty"`
	SourceApp   *appRef `json:"sourceApp,omitempty"`
}

// appRef names an app by its space and name.
type appRef struct {
	Space string `json:"space"`
	Name  string `json:"name"`
}

type apiReportTemplate struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Type        string  `json:"type"`
	SourceAppID *string `json:"sourceAppId"`
	UpdatedAt   string  `json:"updatedAt"`
}

func (reportTemplatesKind) FileLayout() resource.FileLayout {
	return resource.FileLayout{Bundle: reportTemplateDoc}
}

// Decode implements Decoder.
func (reportTemplatesKind) Decode(raw json.RawMessage) error {
	return decodeOne[apiReportTemplate](raw)
}

func (reportTemplatesKind) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[reportTemplateSpec](d)
	if err != nil || s.SourceApp == nil {
		return nil
	}
	return []resource.Ref{{Key: resource.Key{Kind: "App", Space: s.SourceApp.Space, Name: s.SourceApp.Name}, Field: "spec.sourceApp"}}
}

func (k reportTemplatesKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	items, err := listed[apiReportTemplate](ctx, t, k.KindName)
	if err != nil {
		return nil, err
	}
	apps, err := appKeys(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("read report templates: %w", err)
	}
	docs := make([]resource.Document, len(items))
	err = forEach(ctx, len(items), func(ctx context.Context, i int) error {
		it := items[i]
		file, ok := reportTemplateFiles[it.Type]
		if !ok {
			return fmt.Errorf("report template %q: unknown type %q", it.Name, it.Type)
		}
		var s reportTemplateSpec
		if it.Description != nil {
			s.Description = *it.Description
		}
		if it.SourceAppID != nil && *it.SourceAppID != "" {
			if app, ok := apps[*it.SourceAppID]; ok {
				s.SourceApp = &appRef{Space: app.Space, Name: app.Name}
			} else {
				t.Warnf("report template %q: its source app %s is not an app qlikops exports (a personal space, or deleted); exported without it", it.Name, *it.SourceAppID)
			}
		}
		// The download is a Tier-2 call: a template whose updatedAt has not
		// moved keeps the file of the last snapshot.
		b, err := k.templateBytes(ctx, t, it, file)
		if err != nil {
			return err
		}
		d, err := toDoc(k.KindName, it.Name, it.ID, s)
		d.Metadata.Modified = it.UpdatedAt
		d.Files = map[string][]byte{file: b}
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

// templateBytes is the template's file: the last snapshot's when the
// template has not changed since, else downloaded through actions/download.
func (k reportTemplatesKind) templateBytes(ctx context.Context, t *Tenant, it apiReportTemplate, file string) ([]byte, error) {
	if prior, ok := t.Prior.Unchanged(k.KindName, it.ID, it.UpdatedAt); ok {
		if b, ok := prior.Files[file]; ok {
			return b, nil
		}
	}
	var b []byte
	req := qlik.Request{Method: http.MethodPost, Path: k.itemPath(it.ID) + "/actions/download", Repeatable: true}
	if strings.HasSuffix(file, "x") { // .xlsx, .pptx, .docx: Office Open XML, a zip
		req.Check = wholeZip
	}
	if _, err := t.API.Send(ctx, req, &b); err != nil {
		return nil, fmt.Errorf("download report template %q: %w", it.Name, err)
	}
	return b, nil
}

func (k reportTemplatesKind) itemPath(id string) string { return k.ListPath + "/" + url.PathEscape(id) }

// templateFile is the document's template file: its name and bytes.
func templateFile(d resource.Document) (string, []byte, error) {
	for name, b := range d.Files {
		if strings.HasPrefix(name, "template.") && name != reportTemplateDoc && path.Dir(name) == "." {
			return name, b, nil
		}
	}
	return "", nil, fmt.Errorf("%s: the template file (template.xlsx, .pptx, .docx, .html or .xml) is missing", d.Key().Display())
}

func (k reportTemplatesKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[reportTemplateSpec](want)
	if err != nil {
		return Result{}, err
	}
	name, file, err := templateFile(want)
	if err != nil {
		return Result{}, err
	}
	tmp, err := uploadTempContent(ctx, t, name, file)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{"name": want.Metadata.Name, "description": s.Description, "temporaryContentId": tmp}
	if s.SourceApp != nil {
		id, ok, err := resolveApp(ctx, t, s.SourceApp.Space, s.SourceApp.Name)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, fmt.Errorf("%s: source app %s/%s is not in the tenant", want.Key().Display(), s.SourceApp.Space, s.SourceApp.Name)
		}
		body["sourceAppId"], body["sourceAppAction"] = id, "replace"
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := t.API.Do(ctx, http.MethodPost, k.ListPath, body, &created); err != nil {
		return Result{}, err
	}
	return Result{ID: created.ID}, nil
}

func (k reportTemplatesKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[reportTemplateSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[reportTemplateSpec](have)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if !equalJSON(ws.SourceApp, hs.SourceApp) {
		// Qlik's PUT keeps the source app, so a template whose app changed
		// (or whose app was deleted and imported under a new id) is made
		// again against the app of that space and name.
		if _, err := k.Delete(ctx, t, have); err != nil {
			return res, err
		}
		res, err := k.Create(ctx, t, want)
		res.Notes = append(res.Notes, "recreated against its source app: Qlik cannot move a template to another app")
		return res, err
	}
	wn, wf, err := templateFile(want)
	if err != nil {
		return res, err
	}
	hn, hf, _ := templateFile(have)
	if wn != hn || string(wf) != string(hf) {
		tmp, err := uploadTempContent(ctx, t, wn, wf)
		if err != nil {
			return res, err
		}
		body := map[string]any{"name": want.Metadata.Name, "description": ws.Description, "temporaryContentId": tmp, "sourceAppAction": "replace"}
		return res, t.API.Do(ctx, http.MethodPut, k.itemPath(have.Metadata.ID), body, nil)
	}
	var ops []patchOp
	if want.Metadata.Name != have.Metadata.Name {
		ops = append(ops, patchOp{Op: "replace", Path: "/name", Value: want.Metadata.Name})
	}
	if ws.Description != hs.Description {
		ops = append(ops, patchOp{Op: "replace", Path: "/description", Value: ws.Description})
	}
	if len(ops) == 0 {
		return res, nil
	}
	return res, t.API.Do(ctx, http.MethodPatch, k.itemPath(have.Metadata.ID), ops, nil)
}

func (k reportTemplatesKind) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, k.itemPath(have.Metadata.ID), nil, nil)
}

// wholeZip tells a whole Office file from one cut in transit: the API
// gives no size for a template file, but a zip cut short has no central
// directory, and such a body is fetched again within the client's retry
// budget. (An HTML or pixel-perfect template has no such check.)
func wholeZip(b []byte) error {
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
		return fmt.Errorf("the template file is not a whole Office file (%d bytes): %w", len(b), err)
	}
	return nil
}
