package kinds

import (
	"sort"
	"strings"

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
	// Spec is the field of the spec, e.g. "password"; API the field of the
	// API body, e.g. "qPassword". Either may be a dotted path into nested
	// objects ("options.clientSecret", an identity provider's): the secret
	// then lives where the path points, and its placeholder is named after
	// every step of the path.
	Spec string
	API  string
	// IfSet: the placeholder is written only where the read document has
	// the field set (FromAPI sets it, to any text, where the API says the
	// resource has the secret, e.g. a webhook's secretKeyAdded), so that a
	// resource without the secret never asks for one.
	IfSet bool
	// Keyed: the field is a map whose keys the API shows and whose values
	// it never does (a webhook's encryptedHeaders). Each value is a
	// placeholder of its own, named <Spec>/<key>. The map is written whole,
	// only when every value is supplied; otherwise the tenant keeps its own.
	Keyed bool
}

// secretName is the placeholder name of one secret field of a document
// (and of one key of a keyed field).
func (d Desc) secretName(doc resource.Document, field ...string) string {
	parts := []string{d.FolderName}
	if doc.Metadata.Space != "" {
		parts = append(parts, doc.Metadata.Space)
	}
	parts = append(parts, doc.Metadata.Name)
	if len(field) > 0 { // the field's path, step by step; a key stays whole
		parts = append(append(parts, strings.Split(field[0], ".")...), field[1:]...)
	}
	return secrets.Name(parts...)
}

// fieldAt reads the value at a dotted path of nested objects.
func fieldAt(m map[string]any, path string) any {
	steps := strings.Split(path, ".")
	for _, s := range steps[:len(steps)-1] {
		m, _ = m[s].(map[string]any)
	}
	if m == nil {
		return nil
	}
	return m[steps[len(steps)-1]]
}

// setFieldAt sets the value at a dotted path; it does nothing when an
// object on the way is missing (there is nothing to hold the secret).
func setFieldAt(m map[string]any, path string, v any) {
	steps := strings.Split(path, ".")
	for _, s := range steps[:len(steps)-1] {
		m, _ = m[s].(map[string]any)
	}
	if m != nil {
		m[steps[len(steps)-1]] = v
	}
}

// placeholders sets every declared secret field of a read document to its
// placeholder.
func (d Desc) placeholders(doc *resource.Document) {
	for _, f := range d.Secrets {
		if doc.Spec == nil {
			doc.Spec = map[string]any{}
		}
		switch {
		case f.Keyed:
			m, _ := doc.Spec[f.Spec].(map[string]any)
			for key := range m {
				m[key] = secrets.Placeholder(d.secretName(*doc, f.Spec, key))
			}
		case f.IfSet:
			if v, _ := fieldAt(doc.Spec, f.Spec).(string); v != "" {
				setFieldAt(doc.Spec, f.Spec, secrets.Placeholder(d.secretName(*doc, f.Spec)))
			}
		default:
			setFieldAt(doc.Spec, f.Spec, secrets.Placeholder(d.secretName(*doc, f.Spec)))
		}
	}
}

// putSecrets adds to body the declared secrets of want that are supplied
// and that write selects, and returns the placeholders that were not
// supplied. A field Git leaves empty is not sent.
func (d Desc) putSecrets(t *Tenant, want resource.Document, body map[string]any, write func(string) bool) []string {
	var missing []string
	for _, f := range d.Secrets {
		if f.Keyed {
			missing = append(missing, putKeyedSecret(t, f, want, body, write)...)
			continue
		}
		v, _ := fieldAt(want.Spec, f.Spec).(string)
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
		setFieldAt(body, f.API, val)
	}
	sort.Strings(missing)
	return missing
}

// putKeyedSecret adds a keyed secret field to body when write selects any
// of its values and every value is supplied, and returns those that are not.
func putKeyedSecret(t *Tenant, f SecretField, want resource.Document, body map[string]any, write func(string) bool) []string {
	m, _ := want.Spec[f.Spec].(map[string]any)
	vals := make(map[string]string, len(m))
	var missing []string
	selected := false
	for key, v := range m {
		s, _ := v.(string)
		if name, ok := secrets.Only(s); !ok || write(name) {
			selected = true
		}
		val, miss := t.Secrets.Expand(s)
		missing = append(missing, miss...)
		vals[key] = val
	}
	if !selected || len(vals) == 0 {
		return nil
	}
	if len(missing) == 0 {
		body[f.API] = vals
	}
	return missing
}

func all(string) bool { return true }
