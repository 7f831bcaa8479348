package diff

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Op says how a resource or a field changed from the old side to the new.
type Op string

const (
	Added   Op = "added"
	Removed Op = "removed"
	Changed Op = "changed"
)

// Field is one changed leaf. Old is nil when added, New is nil when removed.
type Field struct {
	Path string `json:"path"`
	Op   Op     `json:"op"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

// Change is one resource that differs between the two sides.
type Change struct {
	Op     Op                 `json:"op"`
	Kind   string             `json:"kind"`
	Space  string             `json:"space,omitempty"`
	Name   string             `json:"name"`
	Fields []Field            `json:"fields,omitempty"`
	Old    *resource.Document `json:"-"`
	New    *resource.Document `json:"-"`
}

// Key of the changed resource.
func (c Change) Key() resource.Key { return resource.Key{Kind: c.Kind, Space: c.Space, Name: c.Name} }

// Documents compares two sets of documents. The result is sorted by kind,
// then name.
func Documents(old, new []resource.Document) []Change {
	oldBy := index(old)
	newBy := index(new)
	var out []Change
	for k, o := range oldBy {
		n, ok := newBy[k]
		if !ok {
			out = append(out, Change{Op: Removed, Kind: k.Kind, Space: k.Space, Name: k.Name, Old: o})
			continue
		}
		if fields := Fields(*o, *n); len(fields) > 0 {
			out = append(out, Change{Op: Changed, Kind: k.Kind, Space: k.Space, Name: k.Name, Fields: fields, Old: o, New: n})
		}
	}
	for k, n := range newBy {
		if _, ok := oldBy[k]; !ok {
			out = append(out, Change{Op: Added, Kind: k.Kind, Space: k.Space, Name: k.Name, New: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key().Less(out[j].Key()) })
	return out
}

func index(docs []resource.Document) map[resource.Key]*resource.Document {
	m := make(map[resource.Key]*resource.Document, len(docs))
	for i := range docs {
		m[docs[i].Key()] = &docs[i]
	}
	return m
}

// Fields compares the specs and side files of two documents of the same
// key. Metadata ids are ignored: they differ between tenants by design.
func Fields(old, new resource.Document) []Field {
	var out []Field
	walk("spec", toAny(old.Spec), toAny(new.Spec), &out)
	walk("files", filesAsValues(old.Files), filesAsValues(new.Files), &out)
	if old.APIVersion != new.APIVersion {
		out = append([]Field{{Path: "apiVersion", Op: Changed, Old: old.APIVersion, New: new.APIVersion}}, out...)
	}
	return out
}

// isText tells text side files from binary ones.
func isText(b []byte) bool { return utf8.Valid(b) && !bytes.ContainsRune(b, 0) }

// filesAsValues turns side files into comparable values: text as a string
// (so a change renders as a line diff), anything else as its digest.
func filesAsValues(files map[string][]byte) any {
	m := map[string]any{}
	for name, b := range files {
		if isText(b) {
			m[name] = string(b)
		} else {
			sum := sha256.Sum256(b)
			m[name] = fmt.Sprintf("binary, %d bytes, sha256 %x", len(b), sum)
		}
	}
	return m
}

func toAny(m map[string]any) any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func walk(path string, a, b any, out *[]Field) {
	if cmp.Equal(a, b) {
		return
	}
	switch {
	case a == nil:
		*out = append(*out, Field{Path: path, Op: Added, New: b})
		return
	case b == nil:
		*out = append(*out, Field{Path: path, Op: Removed, Old: a})
		return
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for _, k := range unionKeys(am, bm) {
			walk(path+"."+k, am[k], bm[k], out)
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok {
		if walkSideFileList(path, al, bl, out) {
			return
		}
		if key := identityKey(al, bl); key != nil {
			walkKeyed(path, key, al, bl, out)
			return
		}
	}
	*out = append(*out, Field{Path: path, Op: Changed, Old: a, New: b})
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// identityFields name the element of a list of objects, in order of
// preference. Each entry is a set of alternatives: an element is identified
// by whichever one of them it has, rendered as "field=value" (a member by
// group or by user). A list whose every element has one (members, terms by
// name) is compared element by element. Name and id are generic; kinds add
// their own with IdentifyElementsBy, so this package names no kind's fields.
var (
	identityMu     sync.RWMutex
	identityFields = [][]string{{"name"}, {"id"}}
)

// IdentifyElementsBy declares a set of alternative fields that identify the
// elements of a kind's lists, ahead of name and id. Declaring the same set
// twice has no effect.
func IdentifyElementsBy(fields ...string) {
	identityMu.Lock()
	defer identityMu.Unlock()
	for _, set := range identityFields {
		if slices.Equal(set, fields) {
			return
		}
	}
	identityFields = append([][]string{append([]string(nil), fields...)}, identityFields...)
}

func identityKey(lists ...[]any) []string {
	identityMu.RLock()
	defer identityMu.RUnlock()
	for _, set := range identityFields {
		if allHaveOneOf(set, lists...) {
			return set
		}
	}
	return nil
}

func allHaveOneOf(fields []string, lists ...[]any) bool {
	n := 0
	for _, l := range lists {
		for _, e := range l {
			m, ok := e.(map[string]any)
			if !ok {
				return false
			}
			if _, ok := elementID(m, fields); !ok {
				return false
			}
			n++
		}
	}
	return n > 0
}

// elementID is the identity of a list element: the first of fields it has,
// rendered as "user=bob@example.com".
func elementID(m map[string]any, fields []string) (string, bool) {
	for _, f := range fields {
		if v, ok := m[f].(string); ok && v != "" {
			return f + "=" + v, true
		}
	}
	return "", false
}

func walkKeyed(path string, key []string, a, b []any, out *[]Field) {
	am := map[string]any{}
	bm := map[string]any{}
	for _, e := range a {
		id, _ := elementID(e.(map[string]any), key)
		am[id] = e
	}
	for _, e := range b {
		id, _ := elementID(e.(map[string]any), key)
		bm[id] = e
	}
	for _, id := range unionKeys(am, bm) {
		walk(fmt.Sprintf("%s[%s]", path, id), am[id], bm[id], out)
	}
}

// Summary counts changes by op, e.g. "1 added, 2 changed".
func Summary(cs []Change) string {
	n := map[Op]int{}
	for _, c := range cs {
		n[c.Op]++
	}
	var parts []string
	for _, op := range []Op{Added, Changed, Removed} {
		if n[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[op], op))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}
