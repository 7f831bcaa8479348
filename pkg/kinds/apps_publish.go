package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Published copies. A copy is an app of its own in a managed space whose
// originAppId names its source; the document names the source by space
// and name instead. A copy that is gone for good is published again from
// its source (so it stays linked); a source that had to be imported under
// a new id is republished over its live copies, which re-points them.

// sourceOf names the source app of a published copy; nil for an app that
// is not one. A source the list does not show (deleted, another user's
// personal app) is a warning and the link is left out.
func sourceOf(ctx context.Context, t *Tenant, it apiAppItem, byID map[string]apiAppItem) (*appSource, error) {
	origin := it.Attributes.OriginAppID
	if origin == "" {
		return nil, nil
	}
	src, ok := byID[origin]
	if !ok {
		t.Warnf("app %q is a published copy of app %s, which the tenant does not list: exported without its source", it.Name, origin)
		return nil, nil
	}
	if src.SpaceID == "" {
		return &appSource{Name: src.Name}, nil
	}
	space, ok, err := t.Names.KeyOf(ctx, "Space", src.SpaceID)
	if err != nil || !ok {
		return nil, err
	}
	return &appSource{Space: space, Name: src.Name}, nil
}

// liveApps are the apps the tenant listed when apply first asked.
func liveApps(ctx context.Context, t *Tenant) ([]apiAppItem, error) {
	raws, err := t.Names.items(ctx, "App")
	if err != nil {
		return nil, err
	}
	out := make([]apiAppItem, 0, len(raws))
	for _, raw := range raws {
		var it apiAppItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// findSource returns the live id of a copy's source app, or "".
func findSource(ctx context.Context, t *Tenant, src appSource) (string, error) {
	spaceID := ""
	if src.Space != "" {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: src.Space})
		if err != nil || !ok {
			return "", err
		}
		spaceID = id
	}
	apps, err := liveApps(ctx, t)
	if err != nil {
		return "", err
	}
	for _, it := range apps {
		if it.Name == src.Name && it.SpaceID == spaceID && it.Attributes.OriginAppID == "" {
			return it.ResourceID, nil
		}
	}
	return "", nil
}

// publishFrom publishes the source app into the copy's managed space under
// the copy's name: the copy is back, linked to its source.
func publishFrom(ctx context.Context, t *Tenant, srcID string, want resource.Document, s appSpec, spaceID string) (*apiApp, error) {
	body := map[string]any{"spaceId": spaceID,
		"attributes": map[string]any{"name": want.Metadata.Name, "description": s.Description}}
	var app apiApp
	if err := t.API.Do(ctx, http.MethodPost, appPath(srcID, "/publish"), body, &app); err != nil {
		return nil, fmt.Errorf("publish %s again from %s: %w", want.Key().Display(), s.Source.display(), err)
	}
	if app.Attributes.ID == "" {
		return nil, fmt.Errorf("publish %s again: the answer names no app id", want.Key().Display())
	}
	return &app, nil
}

// republishCopies republishes an app that came back under a new id over
// the live copies published from its old id. Each one is a note; a
// failure is not applied, never a failed step (the app itself is back).
func republishCopies(ctx context.Context, t *Tenant, oldID, newID string, res *Result) error {
	if oldID == "" || oldID == newID {
		return nil
	}
	apps, err := liveApps(ctx, t)
	if err != nil {
		return err
	}
	for _, it := range apps {
		if it.Attributes.OriginAppID != oldID {
			continue
		}
		where := it.Name
		if space, ok, _ := t.Names.KeyOf(ctx, "Space", it.SpaceID); ok {
			where = space + "/" + it.Name
		}
		body := map[string]any{"targetId": it.ResourceID, "checkOriginAppId": false}
		if err := t.API.Do(ctx, http.MethodPut, appPath(newID, "/publish"), body, nil); err != nil {
			res.NotApplied = append(res.NotApplied, fmt.Sprintf("republish to its published copy %s (%s): %v", where, it.ResourceID, err))
			continue
		}
		res.Notes = append(res.Notes, fmt.Sprintf("republished to its published copy %s (id %s), which now points at the new id; it %s", where, it.ResourceID, needsReload))
	}
	return nil
}

func (s *appSource) display() string {
	if s.Space == "" {
		return s.Name + " (personal)"
	}
	return s.Space + "/" + s.Name
}

// listedAt reports whether the tenant listed (before this apply wrote
// anything) a live app of that name in that space ("" personal), and its id.
func listedAt(apps []apiAppItem, spaceID, name string) (string, bool) {
	for _, it := range apps {
		if it.Name == name && it.SpaceID == spaceID {
			return it.ResourceID, true
		}
	}
	return "", false
}

// sourceComesBack reports that a copy's source is not in the tenant but is
// re-created by this same apply: that step brings the copy back (from the
// recycle bin, else by publishing), so that the copy never races its source
// and is never made twice. The listing is the one taken before any write.
func sourceComesBack(ctx context.Context, t *Tenant, src appSource) (bool, error) {
	id, err := findSource(ctx, t, src)
	if err != nil || id != "" {
		return false, err
	}
	for _, d := range t.Applying {
		if d.Kind == "App" && d.Metadata.Space == src.Space && d.Metadata.Name == src.Name {
			return true, nil
		}
	}
	return false, nil
}

// bringBackCopies is the other half: the source, back under id, brings back
// its copies that this apply creates: each from the recycle bin (then, if
// the source has a new id, republished over to re-point it), else
// published again.
func (a appsKind) bringBackCopies(ctx context.Context, t *Tenant, src resource.Document, id string, newID bool, res *Result) error {
	apps, err := liveApps(ctx, t)
	if err != nil {
		return err
	}
	for _, c := range t.Applying {
		cs, err := specOf[appSpec](c)
		if c.Kind != "App" || err != nil || cs.Source == nil || cs.Source.Space != src.Metadata.Space || cs.Source.Name != src.Metadata.Name {
			continue
		}
		spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: c.Metadata.Space})
		if err != nil {
			return err
		}
		if _, listed := listedAt(apps, spaceID, c.Metadata.Name); listed || !ok {
			continue
		}
		copyApp, how, err := a.restoreFromBin(ctx, t, c.Metadata.ID)
		if err != nil {
			return err
		}
		if copyApp != nil && newID {
			body := map[string]any{"targetId": copyApp.Attributes.ID, "checkOriginAppId": false}
			if err := t.API.Do(ctx, http.MethodPut, appPath(id, "/publish"), body, nil); err != nil {
				return fmt.Errorf("republish %s to its copy %s: %w", src.Key().Display(), c.Key().Display(), err)
			}
			how += ", republished from the new id"
		}
		if copyApp == nil {
			if copyApp, err = publishFrom(ctx, t, id, c, cs, spaceID); err != nil {
				return err
			}
			how = "published again as a new app (id " + copyApp.Attributes.ID + ")"
		}
		if err := syncApp(ctx, t, copyApp, c, cs, spaceID, res); err != nil {
			return err
		}
		t.Names.Learn(c.Key(), copyApp.Attributes.ID, false)
		res.Notes = append(res.Notes, fmt.Sprintf("its published copy %s: %s; it %s", c.Key().Display(), how, needsReload))
	}
	return nil
}
