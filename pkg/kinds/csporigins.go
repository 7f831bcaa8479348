package kinds

import (
	"context"
	"net/http"

	"github.com/qlikops/qlikops/pkg/resource"
)

// CspOrigins handles the tenant's Content-Security-Policy entries: an
// origin, a label and description, and one flag per CSP directive the
// origin is added to. The origin is the natural key (metadata.name): the
// tenant refuses a second entry for the same origin, while labels may
// repeat or be empty. Updates are a PUT of the whole entry, so a flag left
// out of the document is written as false.
var CspOrigins = REST[apiCspOrigin, cspOriginSpec]{
	Desc: Desc{
		KindName: "CspOrigin", FolderName: "csp-origins",
		ListPath: "/api/v1/csp-origins", Query: limit100(),
		NameField: "origin",
		Coverage: Coverage{
			Exported: "origin (the natural key: the tenant allows one entry per origin), name, description, each directive flag (flags that are off are left out)",
			Restored: "created, replaced whole (PUT), pruned",
			Reentry:  "-",
			LeftOut:  "createdDate and modifiedDate: the tenant sets them",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, o apiCspOrigin) (resource.Document, bool, error) {
		d, err := toDoc("CspOrigin", o.Origin, o.ID, o.cspOriginSpec)
		return d, true, err
	},
	ToAPI: func(_ context.Context, _ *Tenant, want resource.Document, s cspOriginSpec) (map[string]any, error) {
		// Every flag is sent, false ones too: a PUT replaces the entry.
		body := map[string]any{
			"origin": want.Metadata.Name, "name": s.Name, "description": s.Description,
			"childSrc": s.ChildSrc, "connectSrc": s.ConnectSrc, "connectSrcWSS": s.ConnectSrcWSS,
			"fontSrc": s.FontSrc, "formAction": s.FormAction, "frameAncestors": s.FrameAncestors,
			"frameSrc": s.FrameSrc, "imgSrc": s.ImgSrc, "mediaSrc": s.MediaSrc, "objectSrc": s.ObjectSrc,
			"scriptSrc": s.ScriptSrc, "styleSrc": s.StyleSrc, "workerSrc": s.WorkerSrc,
		}
		return body, nil
	},
	UpdateMethod: http.MethodPut,
}

// apiCspOrigin is CSPEntry; its flags decode straight into the spec.
type apiCspOrigin struct {
	ID     string `json:"id"`
	Origin string `json:"origin"`
	cspOriginSpec
}

// cspOriginSpec is the document's spec: the API's writable fields but the
// origin, in the API's names. Flags that are off are left out.
type cspOriginSpec struct {
	Name           string `json:"name,omitempty"`
	Description    string `json:"description,omitempty"`
	ChildSrc       bool   `json:"childSrc,omitempty"`
	ConnectSrc     bool   `json:"connectSrc,omitempty"`
	ConnectSrcWSS  bool   `json:"connectSrcWSS,omitempty"`
	FontSrc        bool   `json:"fontSrc,omitempty"`
	FormAction     bool   `json:"formAction,omitempty"`
	FrameAncestors bool   `json:"frameAncestors,omitempty"`
	FrameSrc       bool   `json:"frameSrc,omitempty"`
	ImgSrc         bool   `json:"imgSrc,omitempty"`
	MediaSrc       bool   `json:"mediaSrc,omitempty"`
	ObjectSrc      bool   `json:"objectSrc,omitempty"`
	ScriptSrc      bool   `json:"scriptSrc,omitempty"`
	StyleSrc       bool   `json:"styleSrc,omitempty"`
	WorkerSrc      bool   `json:"workerSrc,omitempty"`
}
