package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
)

// REST is the generic handler of a kind that is a plain REST collection:
// listed (with one GET per item when the list lacks fields), created with a
// POST, updated with a PUT of the whole body or a PATCH of RFC 6902
// operations, deleted with a DELETE. A simple kind is a REST value and
// nothing else; a kind with real behaviour embeds it and overrides the
// methods that differ. A is the API's item, S the document's spec.
type REST[A, S any] struct {
	Desc
	// FromAPI maps an item (as listed, or as fetched with GetEach) to its
	// document; ok false leaves the item out (the mapper says why with
	// t.Warnf). Secret fields are set to placeholders afterwards.
	FromAPI func(ctx context.Context, t *Tenant, item A) (d resource.Document, ok bool, err error)
	// ToAPI maps a document to the body of a create, and of a PUT update.
	// Secret fields are filled afterwards.
	ToAPI func(ctx context.Context, t *Tenant, want resource.Document, s S) (map[string]any, error)
	// UpdateMethod is http.MethodPut (the whole ToAPI body) or
	// http.MethodPatch (a replace for each changed spec field in Patch).
	UpdateMethod string
	// Patch maps top-level spec fields to the RFC 6902 paths that change
	// them, for UpdateMethod PATCH.
	Patch map[string]string
	// RefsOf lists what a document references; nil means nothing.
	RefsOf func(d resource.Document, s S) []resource.Ref
}

func (k REST[A, S]) itemPath(id string) string { return k.ListPath + "/" + url.PathEscape(id) }

// Refs implements Handler.
func (k REST[A, S]) Refs(d resource.Document) []resource.Ref {
	if k.RefsOf == nil {
		return nil
	}
	s, err := specOf[S](d)
	if err != nil {
		return nil
	}
	return k.RefsOf(d, s)
}

// Read implements Handler.
func (k REST[A, S]) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	raw, err := t.Names.items(ctx, k.KindName)
	if err != nil {
		return nil, err
	}
	docs := make([]resource.Document, len(raw))
	keep := make([]bool, len(raw))
	err = forEach(ctx, len(raw), func(ctx context.Context, i int) error {
		item := raw[i]
		if k.GetEach {
			e, err := indexItem(k, item)
			if err != nil {
				return err
			}
			if err := t.API.Do(ctx, http.MethodGet, k.itemPath(e.ID), nil, &item); err != nil {
				return fmt.Errorf("read %s %q: %w", lower(k.KindName), e.Name, err)
			}
		}
		var a A
		if err := json.Unmarshal(item, &a); err != nil {
			return fmt.Errorf("unexpected item in list: %w", err)
		}
		d, ok, err := k.FromAPI(ctx, t, a)
		if err != nil || !ok {
			return err
		}
		k.placeholders(&d)
		docs[i], keep[i] = d, true
		return nil
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

// Create implements Handler.
func (k REST[A, S]) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[S](want)
	if err != nil {
		return Result{}, err
	}
	body, err := k.ToAPI(ctx, t, want, s)
	if err != nil {
		return Result{}, err
	}
	res := Result{NeedsReentry: k.putSecrets(t, want, body, all)}
	var created map[string]any
	if err := t.API.Do(ctx, http.MethodPost, k.ListPath, body, &created); err != nil {
		return Result{}, err
	}
	res.ID, _ = created[k.idField()].(string)
	return res, nil
}

// Update implements Handler.
func (k REST[A, S]) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	return k.write(ctx, t, want, have, nil)
}

// WriteSecrets implements SecretWriter: exactly the named secrets are sent,
// everything else stays as the tenant has it.
func (k REST[A, S]) WriteSecrets(ctx context.Context, t *Tenant, want, have resource.Document, names []string) (Result, error) {
	only := map[string]bool{}
	for _, n := range names {
		only[n] = true
	}
	return k.write(ctx, t, want, have, func(n string) bool { return only[n] })
}

// write sends an update. secretsOnly nil is a full update; otherwise only
// the secrets it selects are written (a PATCH carries nothing else).
func (k REST[A, S]) write(ctx context.Context, t *Tenant, want, have resource.Document, secretsOnly func(string) bool) (Result, error) {
	s, err := specOf[S](want)
	if err != nil {
		return Result{}, err
	}
	path := k.itemPath(have.Metadata.ID)
	pick := secretsOnly
	if pick == nil {
		pick = all
	}
	if k.UpdateMethod == http.MethodPatch {
		var ops []patchOp
		if secretsOnly == nil {
			for field, p := range k.Patch {
				if !equalJSON(want.Spec[field], have.Spec[field]) {
					ops = append(ops, patchOp{Op: "replace", Path: p, Value: want.Spec[field]})
				}
			}
		}
		body := map[string]any{}
		_ = k.putSecrets(t, want, body, pick)
		for f, v := range body {
			ops = append(ops, patchOp{Op: "replace", Path: "/" + f, Value: v})
		}
		if len(ops) == 0 {
			return Result{}, nil
		}
		sort.Slice(ops, func(i, j int) bool { return ops[i].Path < ops[j].Path })
		return Result{}, t.API.Do(ctx, http.MethodPatch, path, ops, nil)
	}
	body, err := k.ToAPI(ctx, t, want, s)
	if err != nil {
		return Result{}, err
	}
	_ = k.putSecrets(t, want, body, pick)
	return Result{}, t.API.Do(ctx, http.MethodPut, path, body, nil)
}

// Delete implements Handler.
func (k REST[A, S]) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, k.itemPath(have.Metadata.ID), nil, nil)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// SpecType is the Go type of the kind's spec, so that a test can hold its
// JSON Schema to the fields the kind really reads and writes.
func (k REST[A, S]) SpecType() reflect.Type { return reflect.TypeFor[S]() }
