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
// spaces are their owners' private work and are left out.
//
// The QVF and the script are read on every export: incremental export
// (skipping apps whose modified time has not moved since the last
// snapshot) is not built yet, and the modified time is not recorded, as a
// time in the document would change it on every restore.
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
		Exported: "name, space, description, owner, usage, tags, the data connections its script names (`lib://Space:Conn/...`, `LIB CONNECT TO`; informational), the load script byte for byte (`script.qvs`) and the app exported without data (`app.qvf`, opaque); listed through `/api/v1/items?resourceType=app`",
		Restored: "a changed script (new script version whose message names the commit), description or owner in place; a deleted app from Qlik's recycle bin with its id, else imported from `app.qvf` into its space with its owner set; pruned to the recycle bin. Every restored app is reported as needing a reload",
		Reentry:  "a reload, to bring back the data (nothing with data is exported); sheets and master items changed in place (reported as not applied: REST cannot write them, the engine API can)",
		LeftOut:  "apps in personal spaces (their owners' private work; `--include-personal` is not built yet); published copies, report filters and space shares (not yet); a space move restores as a new app, not in place; every export reads each app's script and QVF (no incremental export by modified time yet)",
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
	} `json:"resourceAttributes"`
	Meta struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
	} `json:"meta"`
}

func (appsKind) FileLayout() resource.FileLayout { return resource.FileLayout{Bundle: appDocFile} }

func (appsKind) Refs(d resource.Document) []resource.Ref {
	refs := []resource.Ref{{Key: resource.Key{Kind: "Space", Name: d.Metadata.Space}, Field: "metadata.space"}}
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
	err = forEach(ctx, len(items), func(ctx context.Context, i int) error {
		d, ok, err := readApp(ctx, t, items[i])
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
func readApp(ctx context.Context, t *Tenant, it apiAppItem) (resource.Document, bool, error) {
	if it.SpaceID == "" {
		return resource.Document{}, false, nil // personal: its owner's private work
	}
	space, ok, err := t.Names.KeyOf(ctx, "Space", it.SpaceID)
	if err != nil || !ok {
		return resource.Document{}, false, err
	}
	script, err := readScript(ctx, t, it.ResourceID)
	if err != nil {
		return resource.Document{}, false, fmt.Errorf("read app %s/%s: script: %w", space, it.Name, err)
	}
	qvf, err := exportQVF(ctx, t, it.ResourceID)
	if err != nil {
		return resource.Document{}, false, fmt.Errorf("read app %s/%s: export: %w", space, it.Name, err)
	}
	spec := appSpec{Description: it.Description, Usage: it.Attributes.Usage, DataConnections: scriptConnections(script)}
	if owner, ok, err := t.Names.KeyOf(ctx, "User", it.OwnerID); err != nil {
		return resource.Document{}, false, err
	} else if ok {
		spec.Owner = resource.UserRef(owner)
	}
	for _, tag := range it.Meta.Tags {
		spec.Tags = append(spec.Tags, tag.Name)
	}
	sort.Strings(spec.Tags)
	d, err := toDoc("App", it.Name, it.ResourceID, spec)
	d.Metadata.Space = space
	d.Files = map[string][]byte{appScriptFile: []byte(script), appQVFFile: qvf}
	return d, true, err
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
