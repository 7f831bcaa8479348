package kinds_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/schemas"
)

// specTyped kinds say which Go type their spec is (REST and Singleton do).
type specTyped interface{ SpecType() reflect.Type }

// TestSchemasNameTheSpecFields holds each kind's JSON Schema to its Go spec
// type: the schema's spec.properties are exactly the JSON fields the kind
// reads and writes. A field added on one side only would either be refused
// in every snapshot that has it, or accepted and never applied.
func TestSchemasNameTheSpecFields(t *testing.T) {
	checked := 0
	for _, h := range kinds.Default().All() {
		st, ok := h.(specTyped)
		if !ok {
			continue
		}
		checked++
		schemaProps, err := schemaSpecProperties(h.Kind())
		if err != nil {
			t.Errorf("%s: %v", h.Kind(), err)
			continue
		}
		goFields := jsonFields(st.SpecType())
		if !slices.Equal(schemaProps, goFields) {
			t.Errorf("%s: schema %s spec.properties %v, but the kind's spec type %s has the fields %v",
				h.Kind(), schemas.FileName(h.Kind()), schemaProps, st.SpecType(), goFields)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d kinds declare their spec type; the check is meant to cover the REST and singleton kinds", checked)
	}
}

func schemaSpecProperties(kind string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(schemaDir, schemas.FileName(kind)))
	if err != nil {
		return nil, err
	}
	var s struct {
		Properties struct {
			Spec struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"spec"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	var out []string
	for k := range s.Properties.Spec.Properties {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// jsonFields are the top-level JSON names of a struct type, with embedded
// structs flattened as encoding/json does.
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	if t.Kind() != reflect.Struct {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestJSONFieldsFlattensEmbedded(t *testing.T) {
	type inner struct {
		A string `json:"a"`
		B string `json:"b,omitempty"`
	}
	type outer struct {
		inner
		C    string `json:"c"`
		Skip string `json:"-"`
		D    int
	}
	if got, want := jsonFields(reflect.TypeFor[outer]()), []string{"D", "a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("jsonFields = %v, want %v", got, want)
	}
}
