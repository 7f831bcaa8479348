package kinds

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// toDoc builds a canonical document from a typed spec. omitempty tags on the
// spec types keep unset fields out of the YAML.
func toDoc(kind, name, id string, spec any) (resource.Document, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return resource.Document{}, fmt.Errorf("%s %q: %w", kind, name, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return resource.Document{}, fmt.Errorf("%s %q: %w", kind, name, err)
	}
	return resource.New(kind, name, id, m), nil
}

// sorted validates the documents built from API responses against their
// schema and sorts them. A resource the tenant describes in a way qlikops
// cannot store (no name, an unknown space type) fails the read of its kind
// instead of reaching the repo as a file that plan and apply would refuse.
func sorted(docs []resource.Document) ([]resource.Document, error) {
	for _, d := range docs {
		if err := snapshot.Validate(d); err != nil {
			return nil, fmt.Errorf("unexpected resource from the API: %w", err)
		}
	}
	resource.Sort(docs)
	return docs, nil
}

// specOf decodes a document's spec into the kind's typed spec. Documents are
// schema-validated before they reach a handler, so an error here means a bug
// or a hand-built document, and it names the resource.
func specOf[T any](d resource.Document) (T, error) {
	var v T
	b, err := json.Marshal(d.Spec)
	if err != nil {
		return v, fmt.Errorf("%s: %w", d.Key(), err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("%s: spec: %w", d.Key(), err)
	}
	return v, nil
}

func roleNames(rs []apiRoleRef) []string {
	var out []string
	for _, r := range rs {
		if r.Name != "" {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

func roleRefs(names []string) []apiRoleRef {
	out := make([]apiRoleRef, 0, len(names))
	for _, n := range names {
		out = append(out, apiRoleRef{Name: n})
	}
	return out
}

// patchOp is one RFC 6902 operation as Qlik's PATCH endpoints take them.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

func lower(s string) string { return strings.ToLower(s) }

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// decodeInto appends each listed item to *out, failing on a malformed one.
func decodeInto[T any](out *[]T) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("unexpected item in list: %w", err)
		}
		*out = append(*out, v)
		return nil
	}
}

// unchanged reports whether two documents of one resource are the same,
// ids aside, so an Update called without a difference writes nothing.
func unchanged(want, have resource.Document) bool {
	return len(diff.Fields(have, want)) == 0
}
