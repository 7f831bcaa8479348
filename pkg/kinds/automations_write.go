package kinds

import (
	"context"
	"net/http"
	"net/url"
	"reflect"

	"github.com/qlikops/qlikops/pkg/resource"
)

func (automations) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[automationSpec](want)
	if err != nil {
		return Result{}, err
	}
	if !visibleDefinition(s) {
		return Result{Skipped: errNoDefinition}, nil
	}
	ws, err := workspaceOf(want)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{"name": want.Metadata.Name, "description": s.Description, "workspace": ws,
		"schedules": orEmpty(s.Schedules)}
	if s.MaxConcurrentRuns > 0 {
		body["maxConcurrentRuns"] = s.MaxConcurrentRuns
	}
	if s.Space != "" {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: s.Space})
		if err != nil {
			return Result{}, err
		}
		if ok {
			body["spaceId"] = id
		}
	}
	var created apiAutomation
	if err := t.API.Do(ctx, http.MethodPost, "/api/v1/automations", body, &created); err != nil {
		return Result{}, err
	}
	have := automationSpec{Space: s.Space, State: automationState(created.State)}
	if ref, ok, _ := t.Names.KeyOf(ctx, "User", created.OwnerID); ok {
		have.Owner = resource.UserRef(ref)
	}
	return automationActions(ctx, t, created.ID, s, have)
}

// errNoDefinition is why an automation exported without its workspace
// cannot be created from the snapshot.
const errNoDefinition = "its definition is visible only to its owner and was exported without it, so it cannot be recreated"

// CannotRecreate tells plan about automations exported without their
// definition, so that they are reported once instead of planned forever.
func (automations) CannotRecreate(d resource.Document) string {
	s, err := specOf[automationSpec](d)
	if err != nil || visibleDefinition(s) {
		return ""
	}
	return errNoDefinition
}

func (automations) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[automationSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[automationSpec](have)
	if err != nil {
		return Result{}, err
	}
	id := have.Metadata.ID
	var res Result
	definition := ws.Description != hs.Description || ws.MaxConcurrentRuns != hs.MaxConcurrentRuns ||
		!reflect.DeepEqual(ws.Schedules, hs.Schedules) || string(want.Files[workspaceFile]) != string(have.Files[workspaceFile])
	switch {
	case definition && (!visibleDefinition(ws) || !visibleDefinition(hs)):
		res.NotApplied = append(res.NotApplied, "definition: only the automation's owner may read or change it")
	case definition:
		wsp, err := workspaceOf(want)
		if err != nil {
			return Result{}, err
		}
		body := map[string]any{"name": want.Metadata.Name, "description": ws.Description, "workspace": wsp,
			"schedules": orEmpty(ws.Schedules), "maxConcurrentRuns": ws.MaxConcurrentRuns}
		if err := t.API.Do(ctx, http.MethodPut, "/api/v1/automations/"+url.PathEscape(id), body, nil); err != nil {
			return Result{}, err
		}
	}
	more, err := automationActions(ctx, t, id, ws, hs)
	res.Unresolved = append(res.Unresolved, more.Unresolved...)
	return res, err
}

// automationActions changes what only actions can: space, state and, last
// because it may take away the caller's access, the owner.
func automationActions(ctx context.Context, t *Tenant, id string, want, have automationSpec) (Result, error) {
	var res Result
	base := "/api/v1/automations/" + url.PathEscape(id) + "/actions/"
	if want.Space != have.Space && want.Space != "" {
		spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: want.Space})
		if err != nil {
			return res, err
		}
		if !ok {
			res.Unresolved = append(res.Unresolved, "space:"+want.Space)
		} else if err := t.API.Do(ctx, http.MethodPost, base+"change-space", map[string]any{"spaceId": spaceID}, nil); err != nil {
			return res, err
		}
	}
	if want.State != have.State {
		action := "enable"
		if want.State == "disabled" {
			action = "disable"
		}
		if err := t.API.Do(ctx, http.MethodPost, base+action, nil, nil); err != nil {
			return res, err
		}
	}
	if want.Owner != "" && want.Owner != have.Owner {
		ref, _ := resource.ParseUserRef(want.Owner)
		userID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: ref})
		if err != nil {
			return res, err
		}
		if !ok {
			res.Unresolved = append(res.Unresolved, want.Owner+" (owner)")
		} else if err := t.API.Do(ctx, http.MethodPost, base+"change-owner", map[string]any{"userId": userID}, nil); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (automations) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, "/api/v1/automations/"+url.PathEscape(have.Metadata.ID), nil, nil)
}

// orEmpty sends [] rather than null, which some services reject.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
