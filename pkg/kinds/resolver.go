package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Resolver is the one directory of a tenant: Resolve turns a natural key
// (a group name, a user's email, a space name) into the id the tenant gives
// it, KeyOf turns an id back into the name documents use. Each kind is
// listed lazily, the first time something asks about it, through its
// declared collection; apply then keeps it current with what each step
// created or deleted, so later waves resolve against the tenant as it is
// now.
type Resolver struct {
	t   *Tenant
	reg *Registry

	mu    sync.Mutex
	kinds map[string]*directory
}

// Entry is one listed resource as the resolver knows it.
type Entry struct {
	ID   string
	Name string // the natural name documents use
	// Also are further exact spellings that resolve to it (a user's
	// subject); Fold are spellings compared case-insensitively (emails).
	// Exact matches over all entries win over folded ones.
	Also, Fold []string
}

// Indexer is implemented by kinds whose natural name is not simply the
// NameField of an item (users: email, else subject).
type Indexer interface {
	Index(item json.RawMessage) (Entry, error)
}

type directory struct {
	once    sync.Once
	err     error
	items   []json.RawMessage
	entries []Entry
}

func newResolver(t *Tenant, reg *Registry) *Resolver {
	return &Resolver{t: t, reg: reg, kinds: map[string]*directory{}}
}

func (r *Resolver) dir(kind string) *directory {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.kinds[kind]
	if !ok {
		d = &directory{}
		r.kinds[kind] = d
	}
	return d
}

// load lists a kind once and indexes it. The index is keyed by id: an item
// without one, or with one another item has, would silently merge with it.
func (r *Resolver) load(ctx context.Context, kind string) (*directory, error) {
	d := r.dir(kind)
	d.once.Do(func() {
		h, ok := r.reg.Get(kind)
		if !ok {
			d.err = fmt.Errorf("no kind %s to resolve against", kind)
			return
		}
		desc := h.Declared()
		items, entries, err := r.list(ctx, h)
		if err != nil {
			d.err = fmt.Errorf("read %s: %w", strings.ReplaceAll(desc.FolderName, "-", " "), err)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		d.items, d.entries = items, entries
	})
	return d, d.err
}

// list reads a kind's whole collection as it declares it, and indexes
// each item as it arrives, so that a malformed one is named by endpoint,
// page and position.
func (r *Resolver) list(ctx context.Context, h Handler) ([]json.RawMessage, []Entry, error) {
	desc := h.Declared()
	var items []json.RawMessage
	var entries []Entry
	seen := map[string]bool{}
	add := func(raw json.RawMessage) error {
		e, err := indexItem(h, raw)
		if err != nil {
			return err
		}
		if e.ID == "" || seen[e.ID] {
			return fmt.Errorf("%s %q has a missing or repeated id %q", strings.ToLower(desc.KindName), e.Name, e.ID)
		}
		if err := decodeAs(h, raw); err != nil {
			return err
		}
		seen[e.ID] = true
		items, entries = append(items, raw), append(entries, e)
		return nil
	}
	if !desc.Unpaged {
		err := r.t.API.ListPages(ctx, desc.ListPath, desc.ListOptions(), add)
		return items, entries, err
	}
	var body struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := r.t.API.Do(ctx, http.MethodGet, desc.ListPath, nil, &body); err != nil {
		return nil, nil, err
	}
	if body.Data == nil {
		return nil, nil, fmt.Errorf("GET %s: the response has no data list", desc.ListPath)
	}
	for i, raw := range body.Data {
		if err := add(raw); err != nil {
			return nil, nil, fmt.Errorf("GET %s: item %d: %w", desc.ListPath, i+1, err)
		}
	}
	return items, entries, nil
}

// Decoder is implemented by kinds that can tell whether a listed item
// decodes into their API type, so that a malformed item fails the list
// read, where the error names the endpoint.
type Decoder interface {
	Decode(item json.RawMessage) error
}

func decodeAs(h Handler, raw json.RawMessage) error {
	if d, ok := h.(Decoder); ok {
		return d.Decode(raw)
	}
	return nil
}

// indexItem reads id and name through the kind's Indexer or its declared
// fields.
func indexItem(h Handler, raw json.RawMessage) (Entry, error) {
	if ix, ok := h.(Indexer); ok {
		return ix.Index(raw)
	}
	desc := h.Declared()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return Entry{}, fmt.Errorf("unexpected item in list: %w", err)
	}
	id, _ := m[desc.idField()].(string)
	name, _ := m[desc.nameField()].(string)
	return Entry{ID: id, Name: name}, nil
}

// items are the kind's listed items, as first listed.
func (r *Resolver) items(ctx context.Context, kind string) ([]json.RawMessage, error) {
	d, err := r.load(ctx, kind)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]json.RawMessage(nil), d.items...), nil
}

// Resolve finds the id of a natural key in this tenant: built-in names
// first, then exact names and spellings, then folded ones. ok is false
// when the tenant has no such resource.
func (r *Resolver) Resolve(ctx context.Context, k resource.Key) (string, bool, error) {
	if id, ok := r.reg.Policy(k.Kind).Builtin[k.Name]; ok {
		return id, true, nil
	}
	d, err := r.load(ctx, k.Kind)
	if err != nil {
		return "", false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range d.entries {
		if e.Name == k.Name {
			return e.ID, true, nil
		}
		for _, a := range e.Also {
			if a == k.Name {
				return e.ID, true, nil
			}
		}
	}
	for _, e := range d.entries {
		for _, f := range e.Fold {
			if f != "" && strings.EqualFold(f, k.Name) {
				return e.ID, true, nil
			}
		}
	}
	return "", false, nil
}

// KeyOf names an id of a kind as documents do. ok is false for "" and for
// an id the tenant does not list (a deleted user, a personal space).
func (r *Resolver) KeyOf(ctx context.Context, kind, id string) (string, bool, error) {
	if id == "" {
		return "", false, nil
	}
	for name, bid := range r.reg.Policy(kind).Builtin {
		if bid == id {
			return name, true, nil
		}
	}
	d, err := r.load(ctx, kind)
	if err != nil {
		return "", false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range d.entries {
		if e.ID == id {
			return e.Name, true, nil
		}
	}
	return "", false, nil
}

// Learn records what a write did: a created resource under its id, or a
// deleted one gone. Apply calls it with each step's result. A kind nobody
// has resolved against yet is left to be listed when first asked.
func (r *Resolver) Learn(k resource.Key, id string, deleted bool) {
	if id == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.kinds[k.Kind]
	if !ok {
		return
	}
	out := d.entries[:0:0]
	for _, e := range d.entries {
		if e.ID != id {
			out = append(out, e)
		}
	}
	if !deleted {
		out = append(out, Entry{ID: id, Name: k.Name})
	}
	d.entries = out
}

// decodeOne checks that an item decodes into T.
func decodeOne[T any](raw json.RawMessage) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("unexpected item in list: %w", err)
	}
	return nil
}

// Decode implements Decoder.
func (k REST[A, S]) Decode(raw json.RawMessage) error { return decodeOne[A](raw) }

// Decode implements Decoder.
func (archiveKind) Decode(raw json.RawMessage) error { return decodeOne[apiArchive](raw) }

// Decode implements Decoder.
func (spaces) Decode(raw json.RawMessage) error { return decodeOne[apiSpace](raw) }

// Decode implements Decoder.
func (appsKind) Decode(raw json.RawMessage) error { return decodeOne[apiAppItem](raw) }
