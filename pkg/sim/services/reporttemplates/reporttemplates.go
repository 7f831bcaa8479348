package reporttemplates

import (
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// template is one stored report template. TemporaryContentID and
// SourceAppAction are the request's: Prepare takes the file from temp
// contents and clears them, so they are never stored.
//
// Choices where Qlik does not say:
//   - the type follows the uploaded file's extension (.xlsx excel, .pptx
//     powerPoint, .docx word, .html html, anything else pixelPerfect);
//   - sourceAppId must name a live app (400); PUT keeps the source app
//     (its body has no sourceAppId);
//   - the list pages with next/prev cursors in links (the spec names skip;
//     clients follow links.next.href either way).
type template struct {
	core.Row
	Name               string `json:"name"`
	Description        string `json:"description,omitempty"`
	SourceAppID        string `json:"sourceAppId,omitempty"`
	TemporaryContentID string `json:"temporaryContentId,omitempty"`
	SourceAppAction    string `json:"sourceAppAction,omitempty"`

	Type     string `json:"simType"`
	OwnerID  string `json:"simOwnerId"`
	FileName string `json:"simFileName"`
	File     []byte `json:"simFile"`
	Version  int    `json:"simMetadataVersion"`
}

// Templates is the report-templates table.
var Templates = core.NewTable[template]("reportTemplates")

const base = "/api/v1/report-templates"

func newResource(verbs core.Verb) *core.Resource[template] {
	return &core.Resource[template]{
		Table: Templates, Path: base, Label: "report template", Verbs: verbs,
		Row:          func(t *template) *core.Row { return &t.Row },
		DefaultLimit: 20,
		Sorts: map[string]func(*template) string{
			"name":      func(t *template) string { return strings.ToLower(t.Name) },
			"type":      func(t *template) string { return t.Type },
			"createdAt": func(t *template) string { return core.FmtTime(t.CreatedAt) },
			"updatedAt": func(t *template) string { return core.FmtTime(t.UpdatedAt) },
		},
		Filters: map[string]core.Filter[template]{
			"name":        core.WildcardFilter(func(t *template) string { return t.Name }),
			"ownerId":     core.EqualFilter(func(t *template) string { return t.OwnerID }),
			"sourceAppId": core.EqualFilter(func(t *template) string { return t.SourceAppID }),
		},
		ReadOnly:  []string{"type", "ownerId", "sourceAppName", "metadataVersion", "simType", "simOwnerId", "simFileName", "simFile", "simMetadataVersion"},
		Patchable: []string{"/name", "/description"},
		PatchOps:  []string{"replace"},
		Prepare:   prepare,
		Render:    render,
	}
}

// templates serves list, create, get, patch and delete; PUT answers 201
// (templatesPut).
var (
	templates    = newResource(core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPatch | core.VerbDelete)
	templatesPut = newResource(core.VerbPut)
)

var types = map[string]string{".xlsx": "excel", ".pptx": "powerPoint", ".docx": "word", ".html": "html"}

func prepare(s *core.Server, st *core.State, t, old *template) *core.Invalid {
	tmp, action := t.TemporaryContentID, t.SourceAppAction
	t.TemporaryContentID, t.SourceAppAction = "", ""
	switch {
	case strings.TrimSpace(t.Name) == "":
		return &core.Invalid{Pointer: "/name", Detail: "name is required", Missing: true}
	case len(t.Name) > 255 || len(t.Description) > 255:
		return &core.Invalid{Pointer: "/name", Detail: "name and description are at most 255 characters"}
	case action != "" && action != "validate" && action != "replace":
		return &core.Invalid{Pointer: "/sourceAppAction", Detail: fmt.Sprintf("sourceAppAction %q is not validate or replace", action)}
	}
	if old != nil {
		t.Type, t.OwnerID, t.FileName, t.File, t.Version = old.Type, old.OwnerID, old.FileName, old.File, old.Version
		if t.SourceAppID == "" {
			t.SourceAppID = old.SourceAppID
		}
	} else {
		t.OwnerID = core.CallerOf(st).ID
	}
	seeded := old == nil && tmp == "" && t.File != nil
	if seeded {
		t.Version = 1
		t.Type = typeOf(t.FileName)
	}
	if !seeded && (old == nil || tmp != "") {
		if tmp == "" {
			return &core.Invalid{Pointer: "/temporaryContentId", Detail: "temporaryContentId is required: upload the template file to temp contents first", Missing: true}
		}
		f := apps.TempContents.Get(st, tmp)
		if f == nil || !s.Now().Before(f.Expires) {
			return &core.Invalid{Pointer: "/temporaryContentId", Detail: fmt.Sprintf("temporary content %q does not exist or has expired", tmp)}
		}
		t.File, t.FileName, t.Version = append([]byte(nil), f.Data...), f.Name, t.Version+1
		t.Type = typeOf(f.Name)
	}
	if t.SourceAppID != "" && liveAppName(st, t.SourceAppID) == "" {
		return &core.Invalid{Pointer: "/sourceAppId", Detail: fmt.Sprintf("app %q not found", t.SourceAppID)}
	}
	return nil
}

func typeOf(fileName string) string {
	if t, ok := types[strings.ToLower(path.Ext(fileName))]; ok {
		return t
	}
	return "pixelPerfect"
}

func liveAppName(st *core.State, id string) string {
	if a := apps.Apps.Get(st, id); a != nil && !a.Deleted {
		return a.Name
	}
	return ""
}

// render is ReportTemplateResponse.
func render(r *http.Request, st *core.State, t *template) any {
	out := map[string]any{"id": t.ID, "name": t.Name, "type": t.Type, "ownerId": t.OwnerID,
		"createdAt": core.FmtTime(t.CreatedAt), "createdBy": t.CreatedBy, "updatedAt": core.FmtTime(t.UpdatedAt),
		"updatedBy": t.UpdatedBy, "description": t.Description, "metadataVersion": t.Version,
		"sourceAppId": nil, "sourceAppName": nil}
	if t.SourceAppID != "" {
		out["sourceAppId"], out["sourceAppName"] = t.SourceAppID, liveAppName(st, t.SourceAppID)
	}
	return out
}
