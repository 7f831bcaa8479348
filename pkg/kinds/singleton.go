package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Singleton is the generic handler of a kind the tenant has exactly one
// of, always: the tenant itself and its settings. Read is one GET and one
// document, named after the kind's folder (tenant/<folder>.yaml). There is
// no create or delete: plan never plans one (Policy.Singleton) and Create
// and Delete write nothing. Update sends a replace for each changed field
// only, in one PATCH; when Qlik refuses that PATCH, each field is sent on
// its own, and the fields Qlik refuses are reported in Result.NotApplied
// while the others are applied. A is the API's object, S the spec.
type Singleton[A, S any] struct {
	Desc
	// ListPath (in Desc) is the GET path; WritePath, if set, is the path
	// of writes. Either may hold {tenantId} (the tenant's id, from
	// /api/v1/users/me) or, for WritePath, {id} (the document's id).
	WritePath string
	// Requires are fields of the API's object a real answer always has:
	// an answer without them (an error page, a list) fails the read
	// instead of passing for a tenant with every setting off.
	Requires []string
	// FromAPI maps the object to its spec; id is the document's id ("" to
	// use the tenant's id).
	FromAPI func(ctx context.Context, t *Tenant, a A) (spec S, id string, err error)
	// Patch maps top-level spec fields to the RFC 6902 paths that change
	// them. A changed spec field missing here is not writable: it is
	// reported as not applied.
	Patch map[string]string
	// PatchField, if set, builds the operations of a field whose path is
	// not one replace of the whole value (the tenant's hostname alias);
	// it returns the operations and what it cannot change.
	PatchField func(field string, want, have any) (ops []patchOp, notApplied []string, handled bool)
	// Put, if set, makes writes a PUT of the whole spec as this body
	// instead of a PATCH (Qlik's licence settings).
	Put func(s S) any
}

// docName is the one document's name: the kind's folder.
func (k Singleton[A, S]) docName() string { return k.FolderName }

// Declared implements Handler: a singleton's policy always says so.
func (k Singleton[A, S]) Declared() Desc {
	d := k.Desc
	d.Policy.Singleton = true
	d.Unpaged = true
	return d
}

// Refs implements Handler: settings reference nothing by name.
func (k Singleton[A, S]) Refs(resource.Document) []resource.Ref { return nil }

// Check implements Checker: the document must carry the singleton's name,
// since there is no other resource it could be.
func (k Singleton[A, S]) Check(d resource.Document) []Problem {
	if d.Metadata.Name != k.docName() {
		return []Problem{{Field: "metadata.name", Msg: fmt.Sprintf("a %s is a singleton named %q, not %q", k.KindName, k.docName(), d.Metadata.Name)}}
	}
	return nil
}

func (k Singleton[A, S]) path(ctx context.Context, t *Tenant, p, id string) (string, error) {
	if strings.Contains(p, "{tenantId}") {
		tid, err := t.TenantID(ctx)
		if err != nil {
			return "", err
		}
		p = strings.ReplaceAll(p, "{tenantId}", url.PathEscape(tid))
	}
	return strings.ReplaceAll(p, "{id}", url.PathEscape(id)), nil
}

// Read implements Handler. Errors name the endpoint as declared.
func (k Singleton[A, S]) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	fail := func(err error) error { return fmt.Errorf("read %s (GET %s): %w", k.FolderName, k.ListPath, err) }
	p, err := k.path(ctx, t, k.ListPath, "")
	if err != nil {
		return nil, fail(err)
	}
	var raw json.RawMessage
	if err := t.API.Do(ctx, http.MethodGet, p, nil, &raw); err != nil {
		return nil, fail(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fail(fmt.Errorf("unexpected answer: %w", err))
	}
	for _, f := range k.Requires {
		if v, ok := fields[f]; !ok || string(v) == "null" {
			return nil, fail(fmt.Errorf("unexpected answer: it has no %s", f))
		}
	}
	var a A
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fail(fmt.Errorf("unexpected answer: %w", err))
	}
	spec, id, err := k.FromAPI(ctx, t, a)
	if err != nil {
		return nil, fail(err)
	}
	if id == "" {
		if id, err = t.TenantID(ctx); err != nil {
			return nil, fail(err)
		}
	}
	d, err := toDoc(k.KindName, k.docName(), id, spec)
	if err != nil {
		return nil, fail(err)
	}
	docs, err := sorted([]resource.Document{d})
	if err != nil {
		return nil, fail(err)
	}
	return docs, nil
}

// Create implements Handler: a singleton always exists.
func (k Singleton[A, S]) Create(context.Context, *Tenant, resource.Document) (Result, error) {
	return Result{Skipped: fmt.Sprintf("a %s always exists; it is updated, never created", k.KindName)}, nil
}

// Delete implements Handler: a singleton cannot be deleted.
func (k Singleton[A, S]) Delete(context.Context, *Tenant, resource.Document) (Result, error) {
	return Result{Skipped: fmt.Sprintf("a %s cannot be deleted", k.KindName)}, nil
}

// Update implements Handler.
func (k Singleton[A, S]) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	// have is this tenant's singleton: its id is the tenant's (or, for the
	// tenant itself, the path's). Any other id was read elsewhere.
	if err := k.sameTenant(ctx, t, have); err != nil {
		return Result{}, err
	}
	wp := k.WritePath
	if wp == "" {
		wp = k.ListPath
	}
	p, err := k.path(ctx, t, wp, have.Metadata.ID)
	if err != nil {
		return Result{}, err
	}
	if k.Put != nil {
		s, err := specOf[S](want)
		if err != nil {
			return Result{}, err
		}
		return Result{}, t.API.Do(ctx, http.MethodPut, p, k.Put(s), nil)
	}
	ops, res := k.changes(want, have)
	if len(ops) == 0 {
		return res, nil
	}
	err = t.API.Do(ctx, http.MethodPatch, p, patchOps(ops), nil)
	if !refused(err) {
		return res, err
	}
	// Qlik applies a PATCH all or nothing: find what it refuses, field by
	// field, and apply the rest.
	for _, op := range ops {
		err := t.API.Do(ctx, http.MethodPatch, p, patchOps([]fieldOp{op}), nil)
		switch {
		case refused(err):
			res.NotApplied = append(res.NotApplied, fmt.Sprintf("spec.%s: %s", op.field, qlikMessage(err)))
		case err != nil:
			return res, err
		}
	}
	sort.Strings(res.NotApplied)
	return res, nil
}

// sameTenant refuses to write a document read from another tenant as if
// it were this tenant's, with the not-found a missing id gets elsewhere.
func (k Singleton[A, S]) sameTenant(ctx context.Context, t *Tenant, have resource.Document) error {
	if strings.Contains(k.WritePath, "{id}") || have.Metadata.ID == "" {
		return nil // the tenant answers for its own id
	}
	tid, err := t.TenantID(ctx)
	if err != nil {
		return err
	}
	if have.Metadata.ID != tid {
		return &qlik.Error{StatusCode: http.StatusNotFound, Method: http.MethodPatch, Path: k.ListPath,
			Errors: []qlik.ErrorItem{{Title: fmt.Sprintf("%s %s is not this tenant's (%s)", k.KindName, have.Metadata.ID, tid)}}}
	}
	return nil
}

// fieldOp is a patch operation and the spec field it changes.
type fieldOp struct {
	field string
	op    patchOp
}

func patchOps(ops []fieldOp) []patchOp {
	out := make([]patchOp, len(ops))
	for i, o := range ops {
		out[i] = o.op
	}
	return out
}

// changes are the operations for the spec fields that differ, in field
// order, whether the document changes or leaves out a field the tenant
// has (an empty value); a changed field Qlik has no path for is not
// applied, and neither is a value Qlik refuses (see Update).
func (k Singleton[A, S]) changes(want, have resource.Document) ([]fieldOp, Result) {
	var res Result
	fields := make([]string, 0, len(want.Spec))
	for f := range want.Spec {
		fields = append(fields, f)
	}
	for f := range have.Spec {
		if _, ok := want.Spec[f]; !ok {
			fields = append(fields, f)
		}
	}
	sort.Strings(fields)
	var ops []fieldOp
	for _, f := range fields {
		w, h := want.Spec[f], have.Spec[f]
		if equalJSON(w, h) {
			continue
		}
		if k.PatchField != nil {
			if more, na, ok := k.PatchField(f, w, h); ok {
				for _, op := range more {
					ops = append(ops, fieldOp{f, op})
				}
				res.NotApplied = append(res.NotApplied, na...)
				continue
			}
		}
		path, ok := k.Patch[f]
		if !ok {
			res.NotApplied = append(res.NotApplied, fmt.Sprintf("spec.%s: Qlik does not allow changing it", f))
			continue
		}
		ops = append(ops, fieldOp{f, patchOp{Op: "replace", Path: path, Value: w}})
	}
	return ops, res
}

// refused is Qlik saying no to the request itself (a read-only path, a
// value out of range), as opposed to failing.
func refused(err error) bool {
	s := qlik.StatusOf(err)
	return s == http.StatusBadRequest || s == http.StatusForbidden || s == http.StatusUnprocessableEntity
}

// qlikMessage is the refusal's own words, on one line.
func qlikMessage(err error) string {
	return "Qlik refused it: " + strings.ReplaceAll(err.Error(), "\n", "; ")
}

// SpecType is the Go type of the singleton's spec (see REST.SpecType).
func (k Singleton[A, S]) SpecType() reflect.Type { return reflect.TypeFor[S]() }
