package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Collections handles tags (type public) and governed collections
// (publicgoverned): a name, a description and the items, apps named by
// space and name. Private collections are their creators' own and are
// left out, and so are items the document cannot name portably (apps in
// personal spaces, and other item types: qliksim's catalogue holds apps
// only). Apply creates the collection, patches its description and type
// (private and publicgoverned only: a tag stays a tag), and adds and
// removes items one by one; an app the target lacks is reported as
// unresolved.
var Collections = collectionsKind{REST[apiCollection, collectionSpec]{
	Desc: Desc{
		KindName: "Collection", FolderName: "collections",
		ListPath: "/api/v1/collections", Query: limit100("types", "public,publicgoverned"),
		PerItem:   []string{"items"},
		DependsOn: []string{"Space", "App"},
		Coverage: Coverage{
			Exported: "tags (`type: public`) and governed collections (`publicgoverned`): name, type, description, the items as apps by space and name (sorted: the order they were added in is not kept)",
			Restored: "created, description and type patched (a tag stays a tag), each item added or removed, pruned",
			Reentry:  "apps the target lacks (reported as unresolved)",
			LeftOut:  "private collections (their creator's own) and favourites; items that are not apps in a shared or managed space (personal-space apps, and other item types, which qliksim does not hold): warned",
		},
	},
	FromAPI: collectionFromAPI,
	ToAPI: func(_ context.Context, _ *Tenant, want resource.Document, s collectionSpec) (map[string]any, error) {
		return map[string]any{"name": want.Metadata.Name, "type": s.Type, "description": s.Description}, nil
	},
	UpdateMethod: http.MethodPatch,
	Patch:        map[string]string{"description": "/description", "type": "/type"},
	RefsOf: func(d resource.Document, s collectionSpec) []resource.Ref {
		var refs []resource.Ref
		for i, it := range s.Items {
			refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Space", Name: it.Space}, Field: fmt.Sprintf("spec.items[%d].space", i)})
		}
		return refs
	},
}}

type collectionsKind struct {
	REST[apiCollection, collectionSpec]
}

type apiCollection struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

type collectionSpec struct {
	Type        string           `json:"type"`
	Description string           `json:"description,omitempty"`
	Items       []collectionItem `json:"items,omitempty"`
}

// collectionItem is an app by its space and name.
type collectionItem struct {
	Space string `json:"space"`
	App   string `json:"app"`
}

type apiCollectionItem struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ResourceType string `json:"resourceType"`
	SpaceID      string `json:"spaceId"`
}

func collectionFromAPI(ctx context.Context, t *Tenant, c apiCollection) (resource.Document, bool, error) {
	if c.Type == "private" || c.Type == "favorite" {
		return resource.Document{}, false, nil // its creator's own
	}
	items, err := collectionItems(ctx, t, c.ID)
	if err != nil {
		return resource.Document{}, false, fmt.Errorf("read collection %q: items: %w", c.Name, err)
	}
	s := collectionSpec{Type: c.Type, Description: c.Description}
	for _, it := range items {
		ref, ok, err := itemRef(ctx, t, it)
		if err != nil {
			return resource.Document{}, false, err
		}
		if !ok {
			t.Warnf("collection %q: item %q (%s) is not an app in a shared or managed space; left out", c.Name, it.Name, it.ResourceType)
			continue
		}
		s.Items = append(s.Items, ref)
	}
	sort.Slice(s.Items, func(i, j int) bool {
		a, b := s.Items[i], s.Items[j]
		return a.Space < b.Space || a.Space == b.Space && a.App < b.App
	})
	d, err := toDoc("Collection", c.Name, c.ID, s)
	return d, true, err
}

func itemRef(ctx context.Context, t *Tenant, it apiCollectionItem) (collectionItem, bool, error) {
	if it.ResourceType != "app" || it.SpaceID == "" {
		return collectionItem{}, false, nil
	}
	space, ok, err := t.Names.KeyOf(ctx, "Space", it.SpaceID)
	return collectionItem{Space: space, App: it.Name}, ok, err
}

// collectionItems lists a collection's items, in the order they were added.
func collectionItems(ctx context.Context, t *Tenant, id string) ([]apiCollectionItem, error) {
	return listAll[apiCollectionItem](ctx, t.API, "/api/v1/collections/"+url.PathEscape(id)+"/items", 100)
}

// Create implements Handler: the collection, then its items.
func (k collectionsKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	res, err := k.REST.Create(ctx, t, want)
	if err != nil {
		return res, err
	}
	s, err := specOf[collectionSpec](want)
	if err != nil {
		return res, err
	}
	return res, k.syncItems(ctx, t, res.ID, s.Items, nil, &res)
}

// Update implements Handler: description and type by PATCH (a tag cannot
// become a collection or back: not applied), then the items.
func (k collectionsKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[collectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[collectionSpec](have)
	if err != nil {
		return Result{}, err
	}
	var res Result
	patch := have
	patch.Spec = map[string]any{"description": ws.Description, "type": ws.Type}
	if (ws.Type == "public") != (hs.Type == "public") {
		res.NotApplied = append(res.NotApplied, fmt.Sprintf("spec.type: a %s cannot become %s in Qlik", hs.Type, ws.Type))
		patch.Spec["type"] = hs.Type
	}
	// publicgoverned needs an item first: items go in before the type.
	live, err := collectionItems(ctx, t, have.Metadata.ID)
	if err != nil {
		return res, err
	}
	if err := k.syncItems(ctx, t, have.Metadata.ID, ws.Items, live, &res); err != nil {
		return res, err
	}
	old := have
	old.Spec = map[string]any{"description": hs.Description, "type": hs.Type}
	if _, err := k.REST.Update(ctx, t, patch, old); err != nil {
		return res, err
	}
	return res, nil
}

// syncItems adds the wanted apps the collection lacks and removes the
// items the document does not name. An app the tenant lacks is unresolved.
func (k collectionsKind) syncItems(ctx context.Context, t *Tenant, id string, want []collectionItem, live []apiCollectionItem, res *Result) error {
	path := "/api/v1/collections/" + url.PathEscape(id) + "/items"
	wanted := map[collectionItem]bool{}
	for _, it := range want {
		wanted[it] = true
	}
	have := map[collectionItem]bool{}
	for _, it := range live {
		ref, ok, err := itemRef(ctx, t, it)
		if err != nil {
			return err
		}
		if ok {
			have[ref] = true
		}
		if !ok || !wanted[ref] {
			if !ok {
				continue // not the document's to manage
			}
			if err := t.API.Do(ctx, http.MethodDelete, path+"/"+url.PathEscape(it.ID), nil, nil); err != nil {
				return fmt.Errorf("remove %s/%s: %w", ref.Space, ref.App, err)
			}
		}
	}
	for _, it := range want {
		if have[it] {
			continue
		}
		itemID, ok, err := appItemID(ctx, t, it)
		if err != nil {
			return err
		}
		if !ok {
			res.Unresolved = append(res.Unresolved, "app:"+it.Space+"/"+it.App)
			continue
		}
		if err := t.API.Do(ctx, http.MethodPost, path, map[string]string{"id": itemID}, nil); err != nil {
			return fmt.Errorf("add %s/%s: %w", it.Space, it.App, err)
		}
	}
	sort.Strings(res.Unresolved)
	return nil
}

// appItemID finds the catalogue item of the app a document names, as the
// tenant is now (the app may have been created by this apply).
func appItemID(ctx context.Context, t *Tenant, it collectionItem) (string, bool, error) {
	spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: it.Space})
	if err != nil || !ok {
		return "", false, err
	}
	q := url.Values{"resourceType": {"app"}, "spaceId": {spaceID}, "name": {it.App}, "noActions": {"true"}, "limit": {"100"}}
	var found []apiAppItem
	if err := t.API.ListAll(ctx, "/api/v1/items", q, decodeInto(&found)); err != nil {
		return "", false, fmt.Errorf("find app %s/%s: %w", it.Space, it.App, err)
	}
	for _, a := range found {
		if a.Name == it.App && a.SpaceID == spaceID {
			return a.ID, true, nil
		}
	}
	return "", false, nil
}
