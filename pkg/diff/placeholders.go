package diff

import (
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// Supplied tells whether a secret placeholder has a value at hand (from
// --secrets or the environment). A nil Supplied has none.
type Supplied func(name string) bool

// Live compares documents where one side is a tenant read back: a secret
// placeholder whose value is not supplied is never a change by itself,
// whichever side has it. Secret values cannot be read back, so the tenant
// side says only what the API can tell; without a value at hand there is
// nothing apply could write, and reporting the field would never converge.
func Live(old, new []resource.Document, supplied Supplied) []Change {
	var out []Change
	for _, c := range Documents(old, new) {
		if c.Op == Changed {
			c.Fields = withoutUnsupplied(c.Fields, supplied)
			if len(c.Fields) == 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// withoutUnsupplied drops the fields that differ only by a placeholder
// without a value.
func withoutUnsupplied(fields []Field, supplied Supplied) []Field {
	var out []Field
	for _, f := range fields {
		if !unsuppliedOnly(f, supplied) {
			out = append(out, f)
		}
	}
	return out
}

// unsuppliedOnly reports whether each side of a field is either absent or
// exactly one placeholder whose value is not supplied.
func unsuppliedOnly(f Field, supplied Supplied) bool {
	return unsuppliedOrAbsent(f.Old, supplied) && unsuppliedOrAbsent(f.New, supplied)
}

func unsuppliedOrAbsent(v any, supplied Supplied) bool {
	if v == nil {
		return true
	}
	// A map of placeholders (a webhook's encrypted headers, by name) is
	// one when each of its values is.
	if m, ok := v.(map[string]any); ok {
		for _, e := range m {
			if !unsuppliedOrAbsent(e, supplied) {
				return false
			}
		}
		return true
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	name, ok := secrets.Only(s)
	return ok && (supplied == nil || !supplied(name))
}
