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
}

// Metadata identifies a document. Name is the natural key within its kind.
// ID is the id in the tenant the document was exported from: informational,
// and used only as a fast path when applying back to that same tenant.
type Metadata struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// Key is the identity of a resource across tenants: its kind and natural key.
type Key struct {
	Kind string
	Name string
}

func (k Key) String() string { return k.Kind + "/" + k.Name }

// Key returns the document's identity.
func (d Document) Key() Key { return Key{Kind: d.Kind, Name: d.Metadata.Name} }

// New returns a document of the current APIVersion.
func New(kind, name, id string, spec map[string]any) Document {
	if spec == nil {
		spec = map[string]any{}
	}
	return Document{APIVersion: APIVersion, Kind: kind, Metadata: Metadata{Name: name, ID: id}, Spec: spec}
}

// Ref is a reference from one document to another resource, by natural key.
// Field is the spec path that holds it, for error messages.
type Ref struct {
	Key   Key
	Field string
}

// Sort orders documents by kind, then name, so every listing is deterministic.
func Sort(docs []Document) {
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Kind != docs[j].Kind {
			return docs[i].Kind < docs[j].Kind
		}
		return docs[i].Metadata.Name < docs[j].Metadata.Name
	})
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
