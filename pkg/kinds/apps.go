package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Apps handles the Qlik Sense apps of shared and managed spaces, listed
// through the items catalogue (the apps API has no list). Each app is a
// folder, apps/<space>/<app>/, holding app.yaml, script.qvs (the current
// load script, byte for byte, so a one-line change is a one-line diff) and
// app.qvf (the app exported without data, opaque bytes). Apps in personal
// spaces are their owners' private work and are left out unless
// Tenant.IncludePersonal (export --include-personal).
//
// Export is incremental: the item's modified time goes into
// metadata.modified (observed, like metadata.id: never written back, never
// compared, so a restore still converges), and an app whose modified time
// has not moved since the previous snapshot (Tenant.Prior) keeps that
// snapshot's script and app file instead of reading the script and
// exporting the app again, the two calls (one of them Tier 2) an app costs.
var Apps = appsKind{Desc{
	KindName: "App", FolderName: "apps",
	ListPath: "/api/v1/items", Query: limit100("resourceType", "app", "noActions", "true"),
	IDField: "resourceId", SpaceField: "spaceId",
	WritePaths: []string{"/api/v1/apps", "/api/v1/temp-contents", "/api/analytics/apps"},
	// The script and the QVF are fetched per app below /api/v1/apps, not
	// below the items list, so they are not PerItem sub-lists.
	DependsOn: []string{"User", "Space", "DataConnection"},
	// An app imported from app.qvf gets a new id; links, embeds and
	// anything else outside the tenant that named the old one break.
	Policy: resource.KindPolicy{IDReferencedOutside: "re-point links and embeds that use the old app id",
		NeedsReload: "reload it: apps are exported without data"},
	Coverage: Coverage{
		Exported: "name, space, description, owner, usage, tags, the data connections its script names (`lib://Space:Conn/...`, `LIB CONNECT TO`; informational), for a published copy its source app by space and name (`spec.source`; the managed space it was published to is its own), its report filters (`spec.reportFilters`: name, description, type REP or SUB, the `filterV1_0` definition as stored; one `GET /api/v1/apps/{id}/report-filters` per app on every export, Tier 1), the load script byte for byte (`script.qvs`) and the app exported without data (`app.qvf`, opaque); listed through `/api/v1/items?resourceType=app`; its modified time (`metadata.modified`, observed like `metadata.id`, never compared or written back): an app whose modified time has not moved since the last export keeps that snapshot's script and app file, so an unchanged tenant costs no script read and no export. With `export --artifacts DIR` the app file goes to the content-addressed store `DIR/sha256/<digest>` (written once per digest) instead of the repo, and `app.yaml` keeps `spec.artifacts[\"app.qvf\"].sha256`; plan, drift and apply take the same `--artifacts DIR` and check the digest (a missing file is an error naming the document and the digest, before any write)",
		Restored: "a changed script (new script version whose message names the commit), description or owner in place; report filters in place by name (created, patched, deleted to match; also after a recycle-bin restore or an import); a deleted app from Qlik's recycle bin with its id, else imported from `app.qvf` into its space with its owner set, and republished over its published copies (which then point at the new id; apply prints the old and new id); a published copy gone for good is published again from its source (linked), only without a source imported unlinked; pruned to the recycle bin. Every restored app is reported as needing a reload. Content beyond the script (sheets, master items) is compared as the app file's bytes, exported again only for an app whose modified time moved since the snapshot (plan, drift and apply reuse the snapshot's file otherwise; after in-place writes to script or description apply exports once more to see whether anything beyond them differs): plan notes it, apply reports it as not applied, and `apply --restore-app-content` imports the snapshot's `app.qvf` as a new app `<name> (restored <date>)` in the same space, owned by the app's owner, never over the live app, needing a reload",
		Reentry:  "a reload, to bring back the data (nothing with data is exported); sheets and master items changed in place (reported as not applied: REST cannot write them into a live app, the engine API can; `--restore-app-content` brings the snapshot's beside it as a new app)",
		LeftOut:  "apps in personal spaces unless `export --include-personal` (they are their owners' private work; with the flag they are documents of the space `personal:<owner email>`, compared, and restored into the owner's personal space); space shares (not yet); sheets, master items and private bookmarks written into the live app (the engine API's); a space move restores as a new app, not in place",
	},
}}

type appsKind struct{ Desc }

const (
	appDocFile    = "app.yaml"
	appScriptFile = "script.qvs"
	appQVFFile    = "app.qvf"
)

type appSpec struct {
	Description     string       `json:"description,omitempty"`
	Owner           string       `json:"owner,omitempty"`
	Usage           string       `json:"usage,omitempty"`
	Tags            []string     `json:"tags,omitempty"`
	DataConnections []appConnRef `json:"dataConnections,omitempty"`
	// Source is, for a published copy, the app it was published from; the
	// managed space it was published to is the copy's own space.
	Source *appSource `json:"source,omitempty"`
	// ReportFilters are the app's report filters (apps_filters.go).
	ReportFilters []appReportFilter `json:"reportFilters,omitempty"`
}

// appSource names the source app of a published copy by space and name.
// Space is "" for a source in its owner's personal space.
type appSource struct {
	Space string `json:"space,omitempty"`
	Name  string `json:"name"`
}

// appConnRef is a data connection a script names: "Space:Name" or a bare
// "Name" (Qlik then looks in the app's own context).
type appConnRef struct {
	Space string `json:"space,omitempty"`
	Name  string `json:"name"`
}

// apiAppItem is an item of GET /api/v1/items?resourceType=app.
type apiAppItem struct {
	ID           string `json:"id"`
	ResourceID   string `json:"resourceId"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	SpaceID      string `json:"spaceId"`
	OwnerID      string `json:"ownerId"`
	ResourceType string `json:"resourceType"`
	UpdatedAt    string `json:"resourceUpdatedAt"`
	Attributes   struct {
		Usage        string `json:"usage"`
		ModifiedDate string `json:"modifiedDate"`
		OriginAppID  string `json:"originAppId"`
	} `json:"resourceAttributes"`
	Meta struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
	} `json:"meta"`
}

func (appsKind) FileLayout() resource.FileLayout { return resource.FileLayout{Bundle: appDocFile} }

func (appsKind) Refs(d resource.Document) []resource.Ref {
	var refs []resource.Ref
	if !IsPersonalApp(d) {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Space", Name: d.Metadata.Space}, Field: "metadata.space"})
	}
	s, err := specOf[appSpec](d)
	if err != nil {
		return refs
	}
	if u, ok := resource.ParseUserRef(s.Owner); ok {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: u}, Field: "spec.owner"})
	}
	return refs
}

func (a appsKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	items, err := listed[apiAppItem](ctx, t, a.KindName)
	if err != nil {
		return nil, fmt.Errorf("read apps: %w", err)
	}
	docs := make([]resource.Document, len(items))
	keep := make([]bool, len(items))
	byID := make(map[string]apiAppItem, len(items))
	for _, it := range items {
		byID[it.ResourceID] = it
	}
	err = forEach(ctx, len(items), func(ctx context.Context, i int) error {
		d, ok, err := readApp(ctx, t, items[i], byID)
		docs[i], keep[i] = d, ok
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []resource.Document
	for i, d := range docs {
		if keep[i] {
			out = append(out, d)
		}
	}
	return sorted(out)
}

// readApp builds one app's document: its item, its current script and its
// NoData export. ok is false for an app in a personal space.
func readApp(ctx context.Context, t *Tenant, it apiAppItem, byID map[string]apiAppItem) (resource.Document, bool, error) {
	space, ok, err := appSpaceOf(ctx, t, it)
	if err != nil || !ok {
		return resource.Document{}, false, err
	}
	modified := it.modified()
	script, qvf, reused := priorContent(t, it.ResourceID, modified)
	if !reused {
		s, err := readScript(ctx, t, it.ResourceID)
		if err != nil {
			return resource.Document{}, false, fmt.Errorf("read app %s/%s: script: %w", space, it.Name, err)
		}
		if qvf, err = exportQVF(ctx, t, it.ResourceID); err != nil {
			return resource.Document{}, false, fmt.Errorf("read app %s/%s: export: %w", space, it.Name, err)
		}
		script = s
	}
	spec := appSpec{Description: it.Description, Usage: it.Attributes.Usage, DataConnections: scriptConnections(script)}
	if owner, ok, err := t.Names.KeyOf(ctx, "User", it.OwnerID); err != nil {
		return resource.Document{}, false, err
	} else if ok {
		spec.Owner = resource.UserRef(owner)
	}
	if spec.Source, err = sourceOf(ctx, t, it, byID); err != nil {
		return resource.Document{}, false, err
	}
	if spec.ReportFilters, err = readReportFilters(ctx, t, it.ResourceID); err != nil {
		return resource.Document{}, false, fmt.Errorf("read app %s/%s: report filters: %w", space, it.Name, err)
	}
	for _, tag := range it.Meta.Tags {
		spec.Tags = append(spec.Tags, tag.Name)
	}
	sort.Strings(spec.Tags)
	d, err := toDoc("App", it.Name, it.ResourceID, spec)
	d.Metadata.Space, d.Metadata.Modified = space, modified
	d.Files = map[string][]byte{appScriptFile: []byte(script), appQVFFile: qvf}
	return d, true, err
}

// modified is when the app last changed: its own modifiedDate, else the
// item's resourceUpdatedAt.
func (it apiAppItem) modified() string {
	if it.Attributes.ModifiedDate != "" {
		return it.Attributes.ModifiedDate
	}
	return it.UpdatedAt
}

// priorContent is the previous snapshot's script and app file of the app,
// when its modified time is the one listed now and the snapshot holds both:
// the last export's (Tenant.Prior) on export, the compared snapshot's
// (Tenant.Compared) on plan, drift and apply. An app without a modified
// time is always read.
func priorContent(t *Tenant, id, modified string) (string, []byte, bool) {
	for _, p := range []*Prior{t.Prior, t.Compared} {
		if p == nil {
			continue
		}
		prior, ok := p.Unchanged("App", id, modified)
		if !ok {
			continue
		}
		script, okScript := prior.Files[appScriptFile]
		qvf, okQVF := prior.Files[appQVFFile]
		if okScript && okQVF {
			return string(script), qvf, true
		}
	}
	return "", nil, false
}

// personalPrefix starts the space of an app in its owner's personal space:
// "personal:<owner email>". No space can be named so (Qlik forbids ":" in
// space names), so it never collides with a real space.
const personalPrefix = "personal:"

// appSpaceOf is the space an app's document names. An app in a personal
// space is its owner's private work, left out unless IncludePersonal.
func appSpaceOf(ctx context.Context, t *Tenant, it apiAppItem) (string, bool, error) {
	if it.SpaceID != "" {
		return t.Names.KeyOf(ctx, "Space", it.SpaceID)
	}
	if !t.IncludePersonal {
		return "", false, nil
	}
	owner, ok, err := t.Names.KeyOf(ctx, "User", it.OwnerID)
	if err != nil || !ok {
		return "", false, err
	}
	return personalPrefix + owner, true, nil
}

// IsPersonalApp reports a document of an app in a personal space.
func IsPersonalApp(d resource.Document) bool {
	return d.Kind == "App" && strings.HasPrefix(d.Metadata.Space, personalPrefix)
}

// HasPersonalApps reports whether a snapshot holds apps of personal spaces,
// so that plan, drift and apply read those of the tenant too.
func HasPersonalApps(docs []resource.Document) bool {
	for _, d := range docs {
		if IsPersonalApp(d) {
			return true
		}
	}
	return false
}

func appPath(id string, rest ...string) string {
	return "/api/v1/apps/" + url.PathEscape(id) + strings.Join(rest, "")
}

func readScript(ctx context.Context, t *Tenant, id string) (string, error) {
	var v struct {
		Script string `json:"script"`
	}
	err := t.API.Do(ctx, http.MethodGet, appPath(id, "/scripts/current"), nil, &v)
	return v.Script, err
}

// exportQVF exports the app without data and downloads the file from the
// temp-contents Location the export answers with.
func exportQVF(ctx context.Context, t *Tenant, id string) ([]byte, error) {
	res, err := t.API.Send(ctx, qlik.Request{Method: http.MethodPost, Path: appPath(id, "/export"),
		Query: url.Values{"NoData": {"true"}}, Repeatable: true}, nil)
	if err != nil {
		return nil, err
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/api/v1/temp-contents/") && !strings.Contains(loc, "/api/v1/temp-contents/") {
		return nil, fmt.Errorf("the export answered without a temp-contents Location (got %q)", loc)
	}
	// The file is opaque, so only its size tells a download cut in transit
	// from a whole one: the details give it, and a short body is fetched
	// again within the client's retry budget.
	var details struct {
		Size string `json:"Size"`
	}
	if err := t.API.Do(ctx, http.MethodGet, loc+"/details", nil, &details); err != nil {
		return nil, fmt.Errorf("details of %s: %w", loc, err)
	}
	size, err := strconv.Atoi(details.Size)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("details of %s: size %q is not a number of bytes", loc, details.Size)
	}
	whole := func(b []byte) error {
		if len(b) != size {
			return fmt.Errorf("got %d of the %d bytes the details announce", len(b), size)
		}
		return nil
	}
	var b []byte
	if _, err := t.API.Send(ctx, qlik.Request{Method: http.MethodGet, Path: loc, Check: whole}, &b); err != nil {
		return nil, fmt.Errorf("download %s: %w", loc, err)
	}
	return b, nil
}

var (
	libPathRE    = regexp.MustCompile(`(?i)lib://([^/\]'"\r\n]+)`)
	libConnectRE = regexp.MustCompile(`(?i)\bLIB\s+CONNECT\s+TO\s+['"\[]([^'"\]\r\n]+)['"\]]`)
)

// scriptConnections lists the data connections a script names, by
// "Space:Name" or "Name", sorted and without repeats.
func scriptConnections(script string) []appConnRef {
	seen := map[appConnRef]bool{}
	var out []appConnRef
	for _, re := range []*regexp.Regexp{libPathRE, libConnectRE} {
		for _, m := range re.FindAllStringSubmatch(script, -1) {
			ref := appConnRef{Name: strings.TrimSpace(m[1])}
			if sp, name, ok := strings.Cut(ref.Name, ":"); ok {
				ref = appConnRef{Space: strings.TrimSpace(sp), Name: strings.TrimSpace(name)}
			}
			if ref.Name != "" && !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Space != out[j].Space {
			return out[i].Space < out[j].Space
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ArtifactFiles is the app file: with export --artifacts it lives in the
// content-addressed store and app.yaml keeps its sha256.
func (appsKind) ArtifactFiles() []string { return []string{appQVFFile} }
