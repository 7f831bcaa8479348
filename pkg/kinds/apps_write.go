package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Restoring apps, cheapest faithful path first: a changed script or
// description, or a new owner, is written in place; a deleted app comes
// back from Qlik's recycle bin with its id, and only when that fails is it
// imported from the snapshot's app.qvf. Content beyond the script (sheets,
// master items) cannot be written in place over REST. Every restored app
// needs a reload before it shows current data, and says so.

// needsReload is the note every restored app carries.
const needsReload = "needs a reload before it shows current data"

// apiApp is the NxApp the apps API answers with.
type apiApp struct {
	Attributes struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		OwnerID     string `json:"ownerId"`
		SpaceID     string `json:"spaceId"`
	} `json:"attributes"`
}

func (a appsKind) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[appSpec](want)
	if err != nil {
		return Result{}, err
	}
	spaceID, err := appSpaceID(ctx, t, want)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if s.Source != nil {
		if deferred, err := sourceComesBack(ctx, t, *s.Source); err != nil || deferred {
			if deferred {
				res.Notes = []string{fmt.Sprintf("brought back by the step of its source %s, which this run re-creates", s.Source.display())}
			}
			return res, err
		}
	}
	live, how, err := a.restoreFromBin(ctx, t, want.Metadata.ID)
	if err != nil {
		return Result{}, err
	}
	if live == nil && s.Source != nil {
		if live, how, err = republished(ctx, t, want, s, spaceID); err != nil {
			return Result{}, err
		}
	}
	imported := false
	if live == nil {
		if live, err = importApp(ctx, t, want, spaceID); err != nil {
			return Result{}, err
		}
		imported = true
		how = fmt.Sprintf("imported from %s as a new app (id %s)", appQVFFile, live.Attributes.ID)
		if want.Metadata.ID != "" {
			how += fmt.Sprintf(", was %s", want.Metadata.ID)
		}
		if s.Source != nil {
			res.NotApplied = append(res.NotApplied, fmt.Sprintf("published from %s: the source app is not in the tenant, so the copy was imported unlinked", s.Source.display()))
		}
	}
	res.ID = live.Attributes.ID
	if err := syncApp(ctx, t, live, want, s, spaceID, &res); err != nil {
		return res, err
	}
	if err := syncReportFilters(ctx, t, res.ID, s.ReportFilters); err != nil {
		return res, err
	}
	if imported {
		if err := republishCopies(ctx, t, want.Metadata.ID, live.Attributes.ID, &res); err != nil {
			return res, err
		}
	}
	if err := a.bringBackCopies(ctx, t, want, live.Attributes.ID, imported, &res); err != nil {
		return res, err
	}
	res.Notes = append([]string{how}, append(res.Notes, needsReload)...)
	return res, nil
}

// republished publishes a gone copy again from its live source; nil when
// the tenant lacks the source (the caller imports instead).
func republished(ctx context.Context, t *Tenant, want resource.Document, s appSpec, spaceID string) (*apiApp, string, error) {
	srcID, err := findSource(ctx, t, *s.Source)
	if err != nil || srcID == "" {
		return nil, "", err
	}
	live, err := publishFrom(ctx, t, srcID, want, s, spaceID)
	if err != nil {
		return nil, "", err
	}
	return live, fmt.Sprintf("published again from %s as a new app (id %s)", s.Source.display(), live.Attributes.ID), nil
}

// appSpaceID is the id of the document's space; "" for a personal space
// (the app is then its owner's, set after the import).
func appSpaceID(ctx context.Context, t *Tenant, want resource.Document) (string, error) {
	if IsPersonalApp(want) {
		return "", nil
	}
	spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: want.Metadata.Space})
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("space %q does not exist in the tenant", want.Metadata.Space)
	}
	return spaceID, nil
}

// restoreFromBin asks the recycle bin for the app of that id. A refusal
// (not there, its space gone, another tenant's id) is not an error: the
// caller imports instead.
func (appsKind) restoreFromBin(ctx context.Context, t *Tenant, id string) (*apiApp, string, error) {
	if id == "" {
		return nil, "", nil
	}
	var app apiApp
	err := t.API.Do(ctx, http.MethodPost, "/api/analytics/apps/"+url.PathEscape(id)+"/actions/restore", nil, &app)
	switch st := qlik.StatusOf(err); {
	case err == nil:
		app.Attributes.ID = id
		return &app, "restored from the recycle bin with its id " + id, nil
	case st == http.StatusNotFound || st == http.StatusForbidden || st == http.StatusBadRequest:
		return nil, "", nil
	default:
		return nil, "", fmt.Errorf("restore app %s from the recycle bin: %w", id, err)
	}
}

// importApp uploads the snapshot's app file to temp contents and imports
// it into the space under the document's name.
func importApp(ctx context.Context, t *Tenant, want resource.Document, spaceID string) (*apiApp, error) {
	qvf, ok := want.Files[appQVFFile]
	if !ok || len(qvf) == 0 {
		return nil, fmt.Errorf("%s: %s is missing, so the app cannot be imported", want.Key(), appQVFFile)
	}
	fileID, err := uploadTempContent(ctx, t, resource.Slug(want.Metadata.Name)+".qvf", qvf)
	if err != nil {
		return nil, err
	}
	var app apiApp
	q := url.Values{"fileId": {fileID}, "spaceId": {spaceID}, "name": {want.Metadata.Name}}
	if _, err := t.API.Send(ctx, qlik.Request{Method: http.MethodPost, Path: "/api/v1/apps/import", Query: q}, &app); err != nil {
		return nil, fmt.Errorf("import %s: %w", appQVFFile, err)
	}
	if app.Attributes.ID == "" {
		return nil, fmt.Errorf("import %s: the answer names no app id", appQVFFile)
	}
	return &app, nil
}

// syncApp writes what differs between the live app and the document:
// name, description, owner, space and script. Notes and NotApplied go
// into res.
func syncApp(ctx context.Context, t *Tenant, live *apiApp, want resource.Document, s appSpec, spaceID string, res *Result) error {
	id := live.Attributes.ID
	if live.Attributes.Name != want.Metadata.Name || live.Attributes.Description != s.Description {
		body := map[string]any{"attributes": map[string]any{"name": want.Metadata.Name, "description": s.Description}}
		if err := t.API.Do(ctx, http.MethodPut, appPath(id), body, nil); err != nil {
			return fmt.Errorf("update app %s: %w", want.Key().Display(), err)
		}
	}
	if live.Attributes.SpaceID != spaceID {
		if err := t.API.Do(ctx, http.MethodPut, appPath(id, "/space"), map[string]any{"spaceId": spaceID}, nil); err != nil {
			return fmt.Errorf("move app %s: %w", want.Key().Display(), err)
		}
	}
	if err := syncOwner(ctx, t, id, live.Attributes.OwnerID, s.Owner, res); err != nil {
		return err
	}
	script, ok := want.Files[appScriptFile]
	if !ok {
		return nil
	}
	current, err := readScript(ctx, t, id)
	if err != nil {
		return fmt.Errorf("read the script of app %s: %w", want.Key().Display(), err)
	}
	if current != string(script) {
		return writeScript(ctx, t, id, string(script))
	}
	return nil
}

func syncOwner(ctx context.Context, t *Tenant, id, liveOwner, wantOwner string, res *Result) error {
	u, ok := resource.ParseUserRef(wantOwner)
	if !ok {
		return nil
	}
	uid, found, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: u})
	if err != nil {
		return err
	}
	if !found {
		res.Unresolved = append(res.Unresolved, "spec.owner "+wantOwner)
		return nil
	}
	if uid == liveOwner {
		return nil
	}
	if err := t.API.Do(ctx, http.MethodPut, appPath(id, "/owner"), map[string]any{"ownerId": uid}, nil); err != nil {
		return fmt.Errorf("change the owner of app %s: %w", id, err)
	}
	return nil
}

// writeScript saves the script as a new version whose message names the
// snapshot commit it came from.
func writeScript(ctx context.Context, t *Tenant, id, script string) error {
	msg := "qlikops: restored from the snapshot"
	if t.Commit != "" {
		msg = "qlikops: restored from commit " + t.Commit
	}
	body := map[string]any{"script": script, "versionMessage": msg}
	if err := t.API.Do(ctx, http.MethodPost, appPath(id, "/scripts"), body, nil); err != nil {
		return fmt.Errorf("write the script of app %s: %w", id, err)
	}
	return nil
}

// Update restores an app in place: description, owner and script. The
// app file (app.qvf) is opaque; when it still differs once those are
// written, the difference is content beyond the script (appContent).
func (appsKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[appSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[appSpec](have)
	if err != nil {
		return Result{}, err
	}
	id := have.Metadata.ID
	var res Result
	if ws.Description != hs.Description {
		body := map[string]any{"attributes": map[string]any{"description": ws.Description}}
		if err := t.API.Do(ctx, http.MethodPut, appPath(id), body, nil); err != nil {
			return res, fmt.Errorf("update app %s: %w", want.Key().Display(), err)
		}
	}
	if ws.Owner != hs.Owner {
		if err := syncOwner(ctx, t, id, "", ws.Owner, &res); err != nil {
			return res, err
		}
	}
	scriptChanged := string(want.Files[appScriptFile]) != string(have.Files[appScriptFile])
	if scriptChanged {
		if err := writeScript(ctx, t, id, string(want.Files[appScriptFile])); err != nil {
			return res, err
		}
		res.Notes = append(res.Notes, "script restored in place; "+needsReload)
	}
	if !sameReportFilters(ws.ReportFilters, hs.ReportFilters) {
		if err := syncReportFilters(ctx, t, id, ws.ReportFilters); err != nil {
			return res, err
		}
	}
	if err := appContent(ctx, t, want, have, scriptChanged || ws.Description != hs.Description, &res); err != nil {
		return res, err
	}
	if (ws.Source == nil) != (hs.Source == nil) || (ws.Source != nil && *ws.Source != *hs.Source) {
		res.NotApplied = append(res.NotApplied, "source: which app a copy was published from is set by publishing, not in place")
	}
	if ws.Usage != hs.Usage {
		res.NotApplied = append(res.NotApplied, fmt.Sprintf("usage %s: Qlik sets it when an app is created", ws.Usage))
	}
	if !sameStrings(ws.Tags, hs.Tags) {
		res.NotApplied = append(res.NotApplied, "tags: not restored yet")
	}
	return res, nil
}

// Delete moves the app to Qlik's recycle bin (a soft delete).
func (appsKind) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, appPath(have.Metadata.ID), nil, nil)
}
