package kinds

import (
	"context"
	"net/http"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// WebIntegrations handles the tenant's web integrations: a name and the
// origins allowed to embed the tenant. The tenant issues the id, and the
// embedding sites carry it (qlik-embed's data-web-integration-id), so a
// restored web integration works only once those sites have its new id:
// the policy makes apply report each new id next to the old one.
var WebIntegrations = REST[apiWebIntegration, webIntegrationSpec]{
	Desc: Desc{
		KindName: "WebIntegration", FolderName: "web-integrations",
		ListPath: "/api/v1/web-integrations", Query: limit100(), Pager: qlik.PageStartingAfter,
		Policy: resource.KindPolicy{IDReferencedOutside: "update the embedding sites"},
		Coverage: Coverage{
			Exported: "name, valid origins (in the tenant's order)",
			Restored: "created, origins updated (PATCH), pruned",
			Reentry:  "the id: the tenant issues a new one, so the restored web integration's id differs and the embedding sites must be given it; apply prints `WebIntegration NAME: new id NEW (was OLD): update the embedding sites`, and its JSON output and run record hold `newId`",
			LeftOut:  "created, createdBy, lastUpdated: the tenant sets them",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, w apiWebIntegration) (resource.Document, bool, error) {
		origins := w.ValidOrigins
		if origins == nil {
			origins = []string{}
		}
		d, err := toDoc("WebIntegration", w.Name, w.ID, webIntegrationSpec{ValidOrigins: origins})
		return d, true, err
	},
	ToAPI: func(_ context.Context, _ *Tenant, want resource.Document, s webIntegrationSpec) (map[string]any, error) {
		return map[string]any{"name": want.Metadata.Name, "validOrigins": s.ValidOrigins}, nil
	},
	// The name is the document's key, so only the origins are patched:
	// a renamed document is another web integration.
	UpdateMethod: http.MethodPatch,
	Patch:        map[string]string{"validOrigins": "/validOrigins"},
}

type apiWebIntegration struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins"`
}

// webIntegrationSpec keeps the origins in the tenant's order, which is the
// order they were written in: the list is small and hand-kept. An empty
// list is written as [], so that a PATCH never sends null.
type webIntegrationSpec struct {
	ValidOrigins []string `json:"validOrigins"`
}
