package core

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The generic handler: the list/create/get/update/delete shape most Qlik
// services repeat, over a Table. A service declares a Resource (its item
// type, how to render and check an item, which verbs, filters and sorts it
// serves) and calls Route; what differs between services stays in its hooks,
// in the manner of the Kubernetes apiserver's generic store with a strategy
// per resource. Existing services predate it and keep their own handlers.

// Verb is a set of operations a Resource serves.
type Verb uint8

const (
	VerbList   Verb = 1 << iota // GET    {Path}
	VerbCreate                  // POST   {Path}           → 201
	VerbGet                     // GET    {Path}/{id}
	VerbPut                     // PUT    {Path}/{id}      → 200, full replace
	VerbPatch                   // PATCH  {Path}/{id}      → PatchStatus, RFC 6902
	VerbDelete                  // DELETE {Path}/{id}      → 204
)

// Row is the part of a stored item the generic handler manages: item types
// embed it, and their Render names its fields as the service does (created,
// createdAt, createdDate, ...). Clients cannot write it: the keys below are
// dropped from every request body.
type Row struct {
	ID        string    `json:"id"`
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	CreatedBy string    `json:"createdBy,omitempty"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
}

var rowKeys = []string{"id", "seq", "createdAt", "updatedAt", "createdBy", "updatedBy"}

// Paging is a list's pagination style (reference notes 0.5).
type Paging int

const (
	// LinkCursors: limit, next, prev; opaque cursors in links.next/prev.href.
	LinkCursors Paging = iota
	// IDCursors: limit, startingAfter, endingBefore (item ids); the links
	// carry the ids.
	IDCursors
)

// Invalid is why a request body is refused: Status (400 when 0) with a
// JSON pointer to the field. Missing marks a required field that is absent,
// which some services answer with a code of its own.
type Invalid struct {
	Status  int
	Pointer string
	Detail  string
	Missing bool
}

// ErrorCodes are a Resource's own codes for the errors the handler writes;
// an empty code falls back to the service's ErrorStyle (PREFIX-<status>).
type ErrorCodes struct {
	BadBody, MissingField, InvalidField, InvalidPatch, Conflict string
}

// Filter parses one list query parameter's value into a predicate; an
// error is answered with 400 naming the parameter.
type Filter[T any] func(value string) (func(*T) bool, error)

// Resource is one kind served by the generic handler.
type Resource[T any] struct {
	Table Table[T]
	Path  string // the collection, e.g. "/api/v1/webhooks"
	Label string // the item in messages, e.g. "webhook"
	Verbs Verb
	Row   func(*T) *Row

	// NewID issues an id for a created item; nil means Server.NewUUID.
	NewID func(s *Server, st *State) string

	Paging       Paging
	DefaultLimit int                        // page size without ?limit (max MaxLimit)
	DefaultSort  string                     // "-createdAt"; "" is creation order
	Sorts        map[string]func(*T) string // ?sort field → sort key
	Filters      map[string]Filter[T]       // query parameter → filter

	// ReadOnly are body fields the service ignores (Row's always are).
	ReadOnly []string
	// Patchable are the paths PATCH may change ("/name"); PatchOps the ops
	// it takes (nil: add, remove, replace); PatchStatus its success status
	// (0: 204 No Content, else that status with the rendered item).
	Patchable   []string
	PatchOps    []string
	PatchStatus int

	// Key is the natural key, unique case-insensitively (409 on a clash),
	// at KeyField; nil when the service has none.
	Key      func(*T) string
	KeyField string

	// Prepare readies v, decoded from a create or PUT body or patched from
	// old, before it is stored: old is nil on create. It copies what the
	// client may not change from old, sets defaults and checks the fields.
	Prepare func(s *Server, st *State, v, old *T) *Invalid
	// Render is the item as the API returns it.
	Render func(r *http.Request, st *State, v *T) any
	Codes  ErrorCodes
	// Hidden, if set, makes the rows it is true for absent from lists and
	// lookups (an audit event past its retention) until they are purged.
	Hidden func(v *T) bool
}

// Route registers the resource's verbs on mux.
func (res *Resource[T]) Route(s *Server, mux *RouteMux) {
	h := crud[T]{res: res, s: s}
	item := res.Path + "/{id}"
	for _, r := range []struct {
		verb    Verb
		pattern string
		fn      http.HandlerFunc
	}{
		{VerbList, "GET " + res.Path, h.list},
		{VerbCreate, "POST " + res.Path, h.create},
		{VerbGet, "GET " + item, h.get},
		{VerbPut, "PUT " + item, h.put},
		{VerbPatch, "PATCH " + item, h.patch},
		{VerbDelete, "DELETE " + item, h.delete},
	} {
		if res.Verbs&r.verb != 0 {
			mux.HandleFunc(r.pattern, r.fn)
		}
	}
}

// Lookup returns the item {id} names, or writes the 404 and returns nil.
// The state must be locked.
func (res *Resource[T]) Lookup(w http.ResponseWriter, r *http.Request, st *State) *T {
	v := res.Table.Get(st, r.PathValue("id"))
	if v != nil && res.Hidden != nil && res.Hidden(v) {
		v = nil
	}
	if v == nil {
		NotFound(w, r, fmt.Sprintf("%s %q not found", res.Label, r.PathValue("id")))
	}
	return v
}

type crud[T any] struct {
	res *Resource[T]
	s   *Server
}

func (h crud[T]) get(w http.ResponseWriter, r *http.Request) {
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	if v := h.res.Lookup(w, r, h.s.St); v != nil {
		WriteJSON(w, http.StatusOK, h.res.Render(r, h.s.St, v))
	}
}

func (h crud[T]) delete(w http.ResponseWriter, r *http.Request) {
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	if v := h.res.Lookup(w, r, h.s.St); v != nil {
		h.res.Table.Delete(h.s.St, h.res.Row(v).ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h crud[T]) create(w http.ResponseWriter, r *http.Request) {
	v, ok := h.decode(w, r)
	if !ok {
		return
	}
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	st := h.s.St
	if !h.store(w, r, st, v, nil) {
		return
	}
	WriteJSON(w, http.StatusCreated, h.res.Render(r, st, v))
}

func (h crud[T]) put(w http.ResponseWriter, r *http.Request) {
	v, ok := h.decode(w, r)
	if !ok {
		return
	}
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	st := h.s.St
	old := h.res.Lookup(w, r, st)
	if old == nil || !h.store(w, r, st, v, old) {
		return
	}
	WriteJSON(w, http.StatusOK, h.res.Render(r, st, v))
}

func (h crud[T]) patch(w http.ResponseWriter, r *http.Request) {
	var ops []map[string]json.RawMessage
	if err := DecodeBody(r, &ops); err != nil || ops == nil {
		h.fail(w, r, h.res.Codes.InvalidPatch, &Invalid{Detail: "the body must be a JSON Patch array of operations"})
		return
	}
	h.s.Mu.Lock()
	defer h.s.Mu.Unlock()
	st := h.s.St
	old := h.res.Lookup(w, r, st)
	if old == nil {
		return
	}
	v, bad := h.applyPatch(old, ops)
	if bad != nil {
		h.fail(w, r, h.res.Codes.InvalidPatch, bad)
		return
	}
	if !h.store(w, r, st, v, old) {
		return
	}
	if h.res.PatchStatus == 0 || h.res.PatchStatus == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	WriteJSON(w, h.res.PatchStatus, h.res.Render(r, st, v))
}

// store saves v (a new item when old is nil, else old's replacement) as
// the caller. On error it has written the answer.
func (h crud[T]) store(w http.ResponseWriter, r *http.Request, st *State, v, old *T) bool {
	se := h.res.save(h.s, st, v, old, CallerOf(st).ID)
	if se != nil {
		h.fail(w, r, se.code, &se.Invalid)
	}
	return se == nil
}

// Insert adds v as a new item made by the user byID, as a create would: it
// is how a seed adds its items. The error names the field.
func (res *Resource[T]) Insert(s *Server, st *State, v *T, byID string) error {
	if se := res.save(s, st, v, nil, byID); se != nil {
		return fmt.Errorf("%s: %s", strings.TrimPrefix(se.Pointer, "/"), se.Detail)
	}
	return nil
}

type saveError struct {
	Invalid
	code string
}

// save fills v's Row (new, or old's), prepares v, checks its natural key
// and puts it in the table.
func (res *Resource[T]) save(s *Server, st *State, v, old *T, byID string) *saveError {
	row, now := res.Row(v), s.Now()
	if old == nil {
		*row = Row{CreatedAt: now, CreatedBy: byID}
	} else {
		*row = *res.Row(old)
	}
	row.UpdatedAt, row.UpdatedBy = now, byID
	if res.Prepare != nil {
		if bad := res.Prepare(s, st, v, old); bad != nil {
			code := res.Codes.InvalidField
			if bad.Missing {
				code = res.Codes.MissingField
			}
			return &saveError{Invalid: *bad, code: code}
		}
	}
	if res.Key != nil {
		key := res.Key(v)
		clash := res.Table.Find(st, func(o *T) bool {
			return res.Row(o).ID != row.ID && strings.EqualFold(res.Key(o), key)
		})
		if clash != nil {
			return &saveError{code: res.Codes.Conflict, Invalid: Invalid{Status: http.StatusConflict, Pointer: "/" + res.KeyField,
				Detail: fmt.Sprintf("a %s with %s %q already exists", res.Label, res.KeyField, key)}}
		}
	}
	if old == nil { // only now, so that a refused create uses up no id
		if res.NewID != nil {
			row.ID = res.NewID(s, st)
		} else {
			row.ID = s.NewUUID(st)
		}
		row.Seq = st.NextSeq()
	}
	res.Table.Put(st, row.ID, v)
	return nil
}

// decode reads a create or PUT body into a new item, without the fields
// the client may not write.
func (h crud[T]) decode(w http.ResponseWriter, r *http.Request) (*T, bool) {
	var m map[string]json.RawMessage
	if err := DecodeBody(r, &m); err != nil || m == nil {
		h.fail(w, r, h.res.Codes.BadBody, &Invalid{Detail: "the body must be a JSON object"})
		return nil, false
	}
	for _, k := range slices.Concat(rowKeys, h.res.ReadOnly) {
		delete(m, k)
	}
	v, bad := unmarshalItem[T](m)
	if bad != nil {
		h.fail(w, r, h.res.Codes.InvalidField, bad)
		return nil, false
	}
	return v, true
}

// unmarshalItem builds an item from its JSON fields; a field of the wrong
// type is named in the answer.
func unmarshalItem[T any](m map[string]json.RawMessage) (*T, *Invalid) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, &Invalid{Detail: err.Error()}
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		bad := &Invalid{Detail: "invalid body: " + err.Error()}
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			bad.Pointer = "/" + strings.ReplaceAll(te.Field, ".", "/")
			bad.Detail = fmt.Sprintf("%s must be %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return nil, bad
	}
	return v, nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a number"
}

// applyPatch applies RFC 6902 operations on the top-level fields that
// Patchable allows to a copy of old. Qlik's services patch whole fields only
// (their path enums name no nested member), so nested paths are refused.
func (h crud[T]) applyPatch(old *T, ops []map[string]json.RawMessage) (*T, *Invalid) {
	allowedOps := h.res.PatchOps
	if allowedOps == nil {
		allowedOps = []string{"add", "remove", "replace"}
	}
	b, err := json.Marshal(old)
	if err != nil {
		return nil, &Invalid{Status: http.StatusInternalServerError, Detail: err.Error()}
	}
	var cur map[string]json.RawMessage
	if err := json.Unmarshal(b, &cur); err != nil {
		return nil, &Invalid{Status: http.StatusInternalServerError, Detail: err.Error()}
	}
	for i, o := range ops {
		var op, path string
		_ = json.Unmarshal(o["op"], &op)
		_ = json.Unmarshal(o["path"], &path)
		at := fmt.Sprintf("/%d", i)
		switch {
		case !slices.Contains(allowedOps, op):
			return nil, &Invalid{Pointer: at + "/op", Detail: fmt.Sprintf("op %q is not one of %s", op, strings.Join(allowedOps, ", "))}
		case !slices.Contains(h.res.Patchable, path):
			return nil, &Invalid{Pointer: at + "/path", Detail: fmt.Sprintf("path %q is not one of %s", path, strings.Join(h.res.Patchable, ", "))}
		}
		field := path[1:]
		if op == "remove" {
			delete(cur, field)
			continue
		}
		val, ok := o["value"]
		if !ok {
			return nil, &Invalid{Pointer: at + "/value", Detail: fmt.Sprintf("op %q on %s needs a value", op, path)}
		}
		cur[field] = val
	}
	return unmarshalItem[T](cur)
}

// fail writes a 4xx for bad input in the service's style.
func (h crud[T]) fail(w http.ResponseWriter, r *http.Request, code string, bad *Invalid) {
	status := bad.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	WriteError(w, r, status, code, bad.Pointer, http.StatusText(status), bad.Detail)
}
