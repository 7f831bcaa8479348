package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/schemas"
)

var (
	compileMu sync.Mutex
	compiled  = map[string]*jsonschema.Schema{}
)

// schemaFor compiles a kind's schema once per process.
func schemaFor(kind string) (*jsonschema.Schema, error) {
	compileMu.Lock()
	defer compileMu.Unlock()
	if s, ok := compiled[kind]; ok {
		return s, nil
	}
	raw, err := schemas.Read(kind)
	if err != nil {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", kind, err)
	}
	c := jsonschema.NewCompiler()
	url := "mem:///" + schemas.FileName(kind)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", kind, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", kind, err)
	}
	compiled[kind] = s
	return s, nil
}

// validate checks a document against the schema of the kind it names. The
// kind is read first so that an unknown or missing kind is its own clear error.
func validate(name string, root *yaml.Node, jsonBytes []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonBytes))
	if err != nil {
		return &FileError{File: name, Msg: err.Error()}
	}
	obj, ok := inst.(map[string]any)
	if !ok {
		return &FileError{File: name, Line: lineOf(root, nil), Msg: "a document must be a mapping with apiVersion, kind, metadata and spec"}
	}
	kind, _ := obj["kind"].(string)
	if kind == "" {
		return &FileError{File: name, Line: lineOf(root, nil), Field: "kind", Msg: "missing"}
	}
	sch, err := schemaFor(kind)
	if err != nil {
		return &FileError{File: name, Line: lineOf(root, []string{"kind"}), Field: "kind", Msg: err.Error()}
	}
	verr := sch.Validate(inst)
	if verr == nil {
		return nil
	}
	ve, ok := verr.(*jsonschema.ValidationError)
	if !ok {
		return &FileError{File: name, Msg: verr.Error()}
	}
	leaf := deepestCause(ve)
	return &FileError{
		File:  name,
		Line:  lineOf(root, leaf.InstanceLocation),
		Field: fieldPath(leaf.InstanceLocation),
		Msg:   leafMessage(leaf),
	}
}

// deepestCause follows the first chain of causes to the most specific error,
// which names the field a user has to fix.
func deepestCause(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(ve.Causes) > 0 {
		next := ve.Causes[0]
		for _, c := range ve.Causes[1:] {
			if len(c.InstanceLocation) > len(next.InstanceLocation) {
				next = c
			}
		}
		ve = next
	}
	return ve
}

func leafMessage(ve *jsonschema.ValidationError) string {
	out := ve.BasicOutput()
	if out != nil && out.Error != nil {
		return out.Error.String()
	}
	for _, u := range out.Errors {
		if u.Error != nil {
			return u.Error.String()
		}
	}
	return ve.Error()
}

// fieldPath renders ["spec","members","2","roles"] as spec.members[2].roles.
func fieldPath(loc []string) string {
	var b strings.Builder
	for _, seg := range loc {
		if _, err := strconv.Atoi(seg); err == nil {
			fmt.Fprintf(&b, "[%s]", seg)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// lineOf finds the line of the deepest node on the path that exists, so an
// error about a missing field points at its parent.
func lineOf(root *yaml.Node, loc []string) int {
	n := root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil {
		return 0
	}
	line := n.Line
	for _, seg := range loc {
		next, keyLine := child(n, seg)
		if next == nil {
			break
		}
		n, line = next, keyLine
	}
	return line
}

func child(n *yaml.Node, seg string) (*yaml.Node, int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// Validate checks a document built in memory (one just read from a tenant)
// against its kind's schema, so that export never writes a file that plan
// and apply would then refuse. The error names the resource and the field.
func Validate(d resource.Document) error {
	d.Files = nil
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("%s: %w", d.Key(), err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", d.Key(), err)
	}
	sch, err := schemaFor(d.Kind)
	if err != nil {
		return fmt.Errorf("%s: %w", d.Key(), err)
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			leaf := deepestCause(ve)
			return fmt.Errorf("%s (id %q): field %s: %s", d.Key(), d.Metadata.ID, fieldPath(leaf.InstanceLocation), leafMessage(leaf))
		}
		return fmt.Errorf("%s: %w", d.Key(), err)
	}
	return nil
}

// FieldAt is the error for a field of a document file that is wrong for a
// reason the schema cannot see (a reference, a rule across fields). It
// finds the field's line the same way schema errors do. field is a path as
// fieldPath renders it, e.g. spec.members[3].user.
func FieldAt(name string, data []byte, field, msg string) *FileError {
	fe := &FileError{File: name, Field: field, Msg: msg}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) == nil {
		fe.Line = lineOf(&root, fieldSegments(field))
	}
	return fe
}

// fieldSegments is the inverse of fieldPath: spec.members[3].user becomes
// ["spec", "members", "3", "user"].
func fieldSegments(field string) []string {
	var out []string
	for _, part := range strings.Split(field, ".") {
		name, idx, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for idx != "" {
			var i string
			i, idx, _ = strings.Cut(idx, "]")
			out = append(out, i)
			idx = strings.TrimPrefix(idx, "[")
		}
	}
	return out
}
