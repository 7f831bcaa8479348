package kinds

import (
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// SecretField is a spec field that holds a secret. Read writes the
// placeholder secrets.Name(folder, [space,] name, Spec); writes fill it from
// the secrets source, and leave it out (keeping the tenant's value) when
// none was supplied. A create without it reports it as needs-re-entry.
// This is the one place secret fields are handled; the plan's convergence
// rules (pkg/plan/secrets.go, pkg/diff/placeholders.go) see only the
// placeholders.
type SecretField struct {
	Spec string // field of the spec, e.g. "password"
	API  string // field of the API body, e.g. "qPassword"
}

// secretName is the placeholder name of one secret field of a document.
func (d Desc) secretName(doc resource.Document, field string) string {
	parts := []string{d.FolderName}
	if doc.Metadata.Space != "" {
		parts = append(parts, doc.Metadata.Space)
	}
	return secrets.Name(append(parts, doc.Metadata.Name, field)...)
}

// placeholders sets every declared secret field of a read document to its
// placeholder.
func (d Desc) placeholders(doc *resource.Document) {
	for _, f := range d.Secrets {
		if doc.Spec == nil {
			doc.Spec = map[string]any{}
		}
		doc.Spec[f.Spec] = secrets.Placeholder(d.secretName(*doc, f.Spec))
	}
}

// putSecrets adds to body the declared secrets of want that are supplied
// and that write selects, and returns the placeholders that were not
// supplied. A field Git leaves empty is not sent.
func (d Desc) putSecrets(t *Tenant, want resource.Document, body map[string]any, write func(string) bool) []string {
	var missing []string
	for _, f := range d.Secrets {
		v, _ := want.Spec[f.Spec].(string)
		if v == "" {
			continue
		}
		if name, ok := secrets.Only(v); ok && !write(name) {
			continue
		}
		val, miss := t.Secrets.Expand(v)
		if len(miss) > 0 {
			missing = append(missing, miss...)
			continue
		}
		body[f.API] = val
	}
	sort.Strings(missing)
	return missing
}

func all(string) bool { return true }
