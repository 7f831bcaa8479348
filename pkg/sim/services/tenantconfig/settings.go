package tenantconfig

import (
	"fmt"
	"regexp"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// setting is one singleton: where it is served, the fields a client may
// write (with the check of each), the values a new tenant starts with,
// and what a GET adds around the stored fields.
type setting struct {
	key    string // the row key and the seed block's name
	path   string // GET and write path; tenant ids are filled in by the routes
	fields map[string]check
	// defaults are a new tenant's values of every writable field.
	defaults func(st *core.State) map[string]any
	// render adds the read-only fields to a copy of the stored ones.
	render func(st *core.State, stored map[string]any, r *row) map[string]any
	// patchStatus is 200 (the resource is returned) or 204.
	patchStatus int
	// put: the setting is written with a PUT of the whole body, not PATCH.
	put bool
}

// row is a setting's stored state.
type row struct {
	Fields    map[string]any `json:"fields"`
	UpdatedAt time.Time      `json:"updatedAt"`
	UpdatedBy string         `json:"updatedBy,omitempty"`
}

// Rows are the settings, by key.
var Rows = core.NewTable[row]("tenantConfig")

// check validates a value for a writable field; "" means valid.
type check func(v any) string

func isBool(v any) string {
	if _, ok := v.(bool); !ok {
		return "must be a boolean"
	}
	return ""
}

func intIn(lo, hi float64) check {
	return func(v any) string {
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) || n < lo || n > hi {
			return fmt.Sprintf("must be an integer from %v to %v", lo, hi)
		}
		return ""
	}
}

func oneOf(vals ...string) check {
	return func(v any) string {
		s, _ := v.(string)
		for _, x := range vals {
			if s == x {
				return ""
			}
		}
		return fmt.Sprintf("must be one of %v", vals)
	}
}

func nonEmptyString(v any) string {
	if s, ok := v.(string); !ok || s == "" {
		return "must be a non-empty string"
	}
	return ""
}

var isoDuration = regexp.MustCompile(`^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`)

func duration(v any) string {
	if s, ok := v.(string); !ok || len(s) < 3 || !isoDuration.MatchString(s) {
		return "must be an ISO-8601 duration such as PT24H or P365D"
	}
	return ""
}

func stringsOf(vals ...string) check {
	return func(v any) string {
		l, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("must be a list of %v", vals)
		}
		for _, e := range l {
			if oneOf(vals...)(e) != "" {
				return fmt.Sprintf("must be a list of %v", vals)
			}
		}
		return ""
	}
}

func object(required ...string) check {
	return func(v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return "must be an object"
		}
		for _, k := range required {
			if _, ok := m[k]; !ok {
				return "must have " + k
			}
		}
		return ""
	}
}

// current is the setting's stored fields, a new tenant's defaults if it
// was never written.
func (s *setting) current(st *core.State) (map[string]any, *row) {
	r := Rows.Get(st, s.key)
	if r == nil {
		r = &row{Fields: s.defaults(st)}
		Rows.Put(st, s.key, r)
	}
	return r.Fields, r
}

func copyOf(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
