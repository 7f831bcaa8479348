package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/qlikops/qlikops/pkg/resource"
)

func (spaces) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[spaceSpec](want)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{"name": want.Metadata.Name, "type": s.Type}
	if s.Description != "" {
		body["description"] = s.Description
	}
	var created apiSpace
	if err := t.API.Do(ctx, http.MethodPost, "/api/v1/spaces", body, &created); err != nil {
		return Result{}, err
	}
	have := spaceSpec{Type: s.Type, Description: s.Description, Owner: ownerAfterCreate(ctx, t, created)}
	res, err := reconcileSpace(ctx, t, created.ID, want.Metadata.Name, s, have, nil)
	res.ID = created.ID
	return res, err
}

// ownerAfterCreate names the owner Qlik gave the new space (the caller), so
// that reconcile only patches the owner when Git wants someone else.
func ownerAfterCreate(ctx context.Context, t *Tenant, sp apiSpace) string {
	ref, ok, err := t.Names.KeyOf(ctx, "User", sp.OwnerID)
	if err != nil || !ok {
		return ""
	}
	return resource.UserRef(ref)
}

func (spaces) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	ws, err := specOf[spaceSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[spaceSpec](have)
	if err != nil {
		return Result{}, err
	}
	if ws.Type != hs.Type {
		return Result{}, fmt.Errorf("%s: type is immutable in Qlik (%s in the tenant, %s in Git); delete the space or change Git", want.Key(), hs.Type, ws.Type)
	}
	rows, err := listAll[apiAssignment](ctx, t.API, "/api/v1/spaces/"+url.PathEscape(have.Metadata.ID)+"/assignments", 100)
	if err != nil {
		return Result{}, fmt.Errorf("read members of space %q: %w", have.Metadata.Name, err)
	}
	return reconcileSpace(ctx, t, have.Metadata.ID, want.Metadata.Name, ws, hs, rows)
}

// reconcileSpace makes one space's description, owner and members match the
// wanted spec, writing only what differs. Members whose user or group the
// tenant does not have are reported as unresolved and left out; the rest
// still goes through.
func reconcileSpace(ctx context.Context, t *Tenant, id, name string, want, have spaceSpec, rows []apiAssignment) (Result, error) {
	var res Result
	var ops []patchOp
	if want.Description != have.Description {
		ops = append(ops, patchOp{Op: "replace", Path: "/description", Value: want.Description})
	}
	if want.Owner != "" && want.Owner != have.Owner {
		ref, _ := resource.ParseUserRef(want.Owner)
		ownerID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: ref})
		if err != nil {
			return res, err
		}
		if ok {
			ops = append(ops, patchOp{Op: "replace", Path: "/ownerId", Value: ownerID})
		} else {
			res.Unresolved = append(res.Unresolved, want.Owner+" (owner)")
		}
	}
	if len(ops) > 0 {
		if err := t.API.Do(ctx, http.MethodPatch, "/api/v1/spaces/"+url.PathEscape(id), ops, nil); err != nil {
			return res, err
		}
	}
	unresolved, err := reconcileMembers(ctx, t, id, want.Members, rows)
	res.Unresolved = append(res.Unresolved, unresolved...)
	if err != nil {
		return res, fmt.Errorf("space %q members: %w", name, err)
	}
	return res, nil
}

type assignee struct{ typ, id string }

func reconcileMembers(ctx context.Context, t *Tenant, spaceID string, want []member, rows []apiAssignment) ([]string, error) {
	current := map[assignee]apiAssignment{}
	for _, a := range rows {
		current[assignee{a.Type, a.AssigneeID}] = a
	}
	var unresolved []string
	seen := map[assignee]bool{}
	base := "/api/v1/spaces/" + url.PathEscape(spaceID) + "/assignments"
	for _, m := range want {
		who, ok, err := resolveMember(ctx, t, m)
		if err != nil {
			return unresolved, err
		}
		if !ok {
			unresolved = append(unresolved, m.ref())
			continue
		}
		seen[who] = true
		cur, exists := current[who]
		switch {
		case !exists:
			body := map[string]any{"type": who.typ, "assigneeId": who.id, "roles": m.Roles}
			err = t.API.Do(ctx, http.MethodPost, base, body, nil)
		case !sameStrings(cur.Roles, m.Roles):
			err = t.API.Do(ctx, http.MethodPut, base+"/"+url.PathEscape(cur.ID), map[string]any{"roles": m.Roles}, nil)
		}
		if err != nil {
			return unresolved, fmt.Errorf("%s: %w", m.ref(), err)
		}
	}
	for who, a := range current {
		if seen[who] || who.typ == "bot" {
			continue
		}
		if err := t.API.Do(ctx, http.MethodDelete, base+"/"+url.PathEscape(a.ID), nil, nil); err != nil {
			return unresolved, fmt.Errorf("remove %s %s: %w", who.typ, who.id, err)
		}
	}
	return unresolved, nil
}

func resolveMember(ctx context.Context, t *Tenant, m member) (assignee, bool, error) {
	if m.Group != "" {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Group", Name: m.Group})
		return assignee{"group", id}, ok, err
	}
	id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: m.User})
	return assignee{"user", id}, ok, err
}

func (spaces) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	if err := t.API.Do(ctx, http.MethodDelete, "/api/v1/spaces/"+url.PathEscape(have.Metadata.ID), nil, nil); err != nil {
		return Result{}, err
	}
	return Result{}, nil
}
