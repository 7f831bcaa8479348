package diff

import (
	"encoding/json"
	"fmt"
	"strings"
)

// sideFilePrefix starts the path of every side file field (see Fields).
// Lists below it come from JSON side files, whose arrays are matched by
// sideFileKeys rather than by the document rules of identityFields.
const sideFilePrefix = "files."

// sideFileKeys name an element of a JSON array in a side file, in order of
// preference: name-like keys first because they read well in a path
// (blocks[doReload].displayName), then id. A key qualifies when every
// element on both sides is an object holding it as a non-empty string and
// no two elements of one side share a value. Automation blocks have id,
// name and displayName; name comes first so that renaming a block's label
// (displayName) is a field change, not a removed and an added block.
var sideFileKeys = []string{"name", "label", "key", "title", "displayName", "id"}

// JSONFields compares two JSON texts structurally, for a JSON side file at
// path (e.g. "files.workspace.json" or "workspace.json"): field paths are relative to the file,
// arrays of objects are matched by sideFileKeys or else by position. ok is
// false when either side is not JSON.
func JSONFields(path, old, new string) (fields []Field, ok bool) {
	a, errA := decodeJSON(old)
	b, errB := decodeJSON(new)
	if errA != nil || errB != nil {
		return nil, false
	}
	root := path
	if !strings.HasPrefix(root, sideFilePrefix) {
		root = sideFilePrefix + root // the array rules of side files apply below this prefix
	}
	var out []Field
	walk(root, a, b, &out)
	for i := range out {
		out[i].Path = strings.TrimPrefix(strings.TrimPrefix(out[i].Path, root), ".")
	}
	return out, true
}

// decodeJSON keeps numbers as written, so 1.0 and 1e0 stay visible and
// large integers keep their digits.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

// walkSideFileList compares two arrays inside a JSON side file, element by
// element. It reports false for anything else (a document's own lists, or
// arrays of scalars, which are compared whole), leaving them to walk.
func walkSideFileList(path string, a, b []any, out *[]Field) bool {
	if !strings.HasPrefix(path, sideFilePrefix) || !allObjects(a, b) {
		return false
	}
	if key := sideFileKey(a, b); key != "" {
		am, bm := byKey(a, key), byKey(b, key)
		for _, id := range unionKeys(am, bm) {
			walk(fmt.Sprintf("%s[%s]", path, id), am[id], bm[id], out)
		}
		return true
	}
	for i := range max(len(a), len(b)) {
		var x, y any
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		walk(fmt.Sprintf("%s[%d]", path, i), x, y, out)
	}
	return true
}

func allObjects(lists ...[]any) bool {
	n := 0
	for _, l := range lists {
		for _, e := range l {
			if _, ok := e.(map[string]any); !ok {
				return false
			}
			n++
		}
	}
	return n > 0
}

func sideFileKey(lists ...[]any) string {
	for _, k := range sideFileKeys {
		if uniqueOnEachSide(k, lists...) {
			return k
		}
	}
	return ""
}

func uniqueOnEachSide(key string, lists ...[]any) bool {
	for _, l := range lists {
		seen := map[string]bool{}
		for _, e := range l {
			v, ok := e.(map[string]any)[key].(string)
			if !ok || v == "" || seen[v] {
				return false
			}
			seen[v] = true
		}
	}
	return true
}

func byKey(l []any, key string) map[string]any {
	m := make(map[string]any, len(l))
	for _, e := range l {
		m[e.(map[string]any)[key].(string)] = e
	}
	return m
}
