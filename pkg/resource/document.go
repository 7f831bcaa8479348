package resource

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// APIVersion is the version of the document format written by this build.
const APIVersion = "qlikops.dev/v1"

// Document is one resource as stored in Git.
type Document struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   Metadata       `json:"metadata"`
	Spec       map[string]any `json:"spec"`
	// Files are side files stored next to the document: large text bodies
	// (an automation's workspace, a load script) or the unpacked files of
	// a theme, by path relative to the document. They are part of the
	// resource: diff and plan compare them like spec fields.
	Files map[string][]byte `json:"files,omitempty"`
}

// Metadata identifies a document. Name is the natural key within its kind,
// or within its space for kinds that live in spaces. ID is the id in the
// tenant the document was exported from: informational, and used only as a
// fast path when applying back to that same tenant.
//
// Modified is, for a kind whose list says when each resource last changed
// (apps, data connections, automations), that time as the tenant lists it: observed, like ID, never
// written back and never compared by diff or plan. Export keys incremental
// reads on it (what has not moved since the previous snapshot is reused).
type Metadata struct {
	Name     string `json:"name"`
	Space    string `json:"space,omitempty"`
	ID       string `json:"id,omitempty"`
	Modified string `json:"modified,omitempty"`
}

// Key is the identity of a resource across tenants: its kind and natural
// key, which includes the space for kinds scoped to a space.
type Key struct {
	Kind  string
	Space string
	Name  string
}

// Display is the key without its kind: "Name", or "Space/Name".
func (k Key) Display() string {
	if k.Space != "" {
		return k.Space + "/" + k.Name
	}
	return k.Name
}

func (k Key) String() string { return k.Kind + "/" + k.Display() }

// Key returns the document's identity.
func (d Document) Key() Key {
	return Key{Kind: d.Kind, Space: d.Metadata.Space, Name: d.Metadata.Name}
}

// New returns a document of the current APIVersion.
func New(kind, name, id string, spec map[string]any) Document {
	if spec == nil {
		spec = map[string]any{}
	}
	return Document{APIVersion: APIVersion, Kind: kind, Metadata: Metadata{Name: name, ID: id}, Spec: spec}
}

// Ref is a reference from one document to another resource, by natural key.
// Field is the path of the field that holds it, as errors name it
// (spec.members[3].user), so that its line in the file can be found.
type Ref struct {
	Key   Key
	Field string
}

// Sort orders documents by kind, space, then name, so every listing is
// deterministic.
func Sort(docs []Document) {
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Key().Less(docs[j].Key()) })
}

// Less orders keys by kind, space, then name.
func (k Key) Less(o Key) bool {
	if k.Kind != o.Kind {
		return k.Kind < o.Kind
	}
	if k.Space != o.Space {
		return k.Space < o.Space
	}
	return k.Name < o.Name
}

// UserRef is how documents name a user: "user:<email>", or "user:<subject>"
// when the user has no email.
func UserRef(emailOrSubject string) string { return "user:" + emailOrSubject }

// ParseUserRef splits "user:x" into x. It reports false for anything else.
func ParseUserRef(s string) (string, bool) {
	v, ok := strings.CutPrefix(s, "user:")
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// Canonical returns the document with its spec passed through JSON, so that
// a document built from typed Go values and one read from YAML compare equal
// (numbers become float64, empty slices and nil maps are told apart the same
// way on both sides).
func Canonical(d Document) (Document, error) {
	b, err := json.Marshal(d.Spec)
	if err != nil {
		return d, fmt.Errorf("%s: %w", d.Key(), err)
	}
	spec := map[string]any{}
	if err := json.Unmarshal(b, &spec); err != nil {
		return d, fmt.Errorf("%s: %w", d.Key(), err)
	}
	d.Spec = spec
	return d, nil
}

// FileLayout says how a kind's documents and their side files are laid out
// in its folder. The zero value is one <slug>.yaml per document.
type FileLayout struct {
	// Bundle, when set, makes each document a folder: <slug>/<Bundle> is
	// the document and every other file under <slug>/ is a side file.
	Bundle string
	// SideFiles are suffixes of side files next to a flat document:
	// <slug>.<suffix> beside <slug>.yaml, e.g. "workspace.json".
	SideFiles []string
}

// OfKinds keeps the documents of the given kinds, in order.
func OfKinds(docs []Document, kinds ...string) []Document {
	keep := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		keep[k] = true
	}
	var out []Document
	for _, d := range docs {
		if keep[d.Kind] {
			out = append(out, d)
		}
	}
	return out
}
