package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

var opSymbol = map[Op]string{Added: "+", Removed: "-", Changed: "~"}

// Text writes changes for a terminal: one line per resource, one indented
// line per field. A change inside a multi-line text or side file shows as
// unified hunks, and a JSON side file also as its changed JSON fields.
func Text(w io.Writer, cs []Change) {
	for _, c := range cs {
		WriteLine(w, fmt.Sprintf("%s %s %s", opSymbol[c.Op], c.Kind, c.Key().Display()))
		TextFields(w, "    ", c.Fields)
	}
}

// TextFields writes field changes one per line under indent, as Text does.
func TextFields(w io.Writer, indent string, fields []Field) {
	for _, f := range fields {
		t, ok := textChangeOf(f)
		if !ok {
			WriteLine(w, indent+FieldLine(f, MaxLineWidth-len([]rune(indent))))
			continue
		}
		WriteLine(w, fmt.Sprintf("%s%s %s:", indent, opSymbol[f.Op], f.Path))
		inner := indent + "    "
		for _, s := range t.structural {
			WriteLine(w, inner+FieldLine(s, MaxLineWidth-len([]rune(inner))))
		}
		if t.moreStructural > 0 {
			WriteLine(w, fmt.Sprintf("%s… and %d more JSON field changes", inner, t.moreStructural))
		}
		for _, l := range UnifiedLines(t.hunks) {
			WriteLine(w, inner+l)
		}
	}
}

// FieldLine is one field change as "~ path: old → new" ("+ path: new",
// "- path: old"), its values shortened so that the line fits width.
func FieldLine(f Field, width int) string {
	switch f.Op {
	case Added:
		prefix := "+ " + f.Path + ": "
		return prefix + ValueWithin(f.New, width-runeLen(prefix))
	case Removed:
		prefix := "- " + f.Path + ": "
		return prefix + ValueWithin(f.Old, width-runeLen(prefix))
	}
	prefix := "~ " + f.Path + ": "
	old, new := fitPair(Value(f.Old), Value(f.New), width-runeLen(prefix)-len(" → "))
	return prefix + old + " → " + new
}

// textChange is a change to a multi-line text: its hunks and, for a JSON
// side file, the JSON fields that changed.
type textChange struct {
	hunks          []Hunk
	structural     []Field
	moreStructural int
}

// maxStructural caps the JSON field changes listed for one side file; a
// reformatted or rewritten file is better read from its hunks.
const maxStructural = 20

// textChangeOf reports whether f is a change to text spanning lines (a load
// script, a workspace, a long description) or an added or removed side
// file, and if so computes its hunks.
func textChangeOf(f Field) (textChange, bool) {
	old, oldOK := textValue(f.Old)
	new, newOK := textValue(f.New)
	if !oldOK || !newOK || (!strings.Contains(old, "\n") && !strings.Contains(new, "\n")) {
		return textChange{}, false
	}
	t := textChange{hunks: Hunks(old, new, Context)}
	if f.Op == Changed && isJSONFile(f.Path) {
		if fields, ok := JSONFields(f.Path, old, new); ok {
			if len(fields) > maxStructural {
				t.moreStructural = len(fields) - maxStructural
				fields = fields[:maxStructural]
			}
			t.structural = fields
		}
	}
	return t, true
}

// textValue is a field value as text; nil (the side of an added or removed
// field) is the empty text.
func textValue(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// isJSONFile tells side files worth a structural diff by name: JSON, and
// Qlik's .qext extension descriptors, which are JSON too.
func isJSONFile(path string) bool {
	if !strings.HasPrefix(path, sideFilePrefix) {
		return false
	}
	p := strings.ToLower(path)
	return strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".qext")
}

// Value renders a field value compactly: strings quoted, everything else as
// JSON.
func Value(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
