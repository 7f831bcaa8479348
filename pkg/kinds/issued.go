package kinds

import (
	"encoding/json"
	"fmt"
	"io"
)

// IssuedSecret is a secret the tenant generated for a resource that apply
// wrote, and returns this once (an OAuth client's secret): qlikops cannot
// export it and the tenant never shows it again. apply shows it to the
// person applying, once, and stores it nowhere. Its value is unexported and
// every way of turning it into text (fmt verbs, JSON, text marshalling)
// gives its field name only, so that a report, a run record, a log line or
// an error that carries it cannot carry the value; only Reveal does.
type IssuedSecret struct {
	// Field names the secret, e.g. "clientSecret".
	Field string
	value string
}

// NewIssuedSecret wraps a value the tenant issued.
func NewIssuedSecret(field, value string) IssuedSecret {
	return IssuedSecret{Field: field, value: value}
}

// Reveal returns the value, for the one place that shows it.
func (s IssuedSecret) Reveal() string { return s.value }

// String is the field name: never the value.
func (s IssuedSecret) String() string { return s.Field }

// GoString is the field name: never the value.
func (s IssuedSecret) GoString() string { return fmt.Sprintf("IssuedSecret(%s)", s.Field) }

// Format writes the field name for every verb, %+v and %#v included.
func (s IssuedSecret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// MarshalJSON writes the field name: records say that a secret was issued,
// never what it was.
func (s IssuedSecret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Field) }

// UnmarshalJSON reads a recorded field name (the value was never written).
func (s *IssuedSecret) UnmarshalJSON(b []byte) error {
	*s = IssuedSecret{}
	return json.Unmarshal(b, &s.Field)
}

// MarshalText writes the field name.
func (s IssuedSecret) MarshalText() ([]byte, error) { return []byte(s.Field), nil }
