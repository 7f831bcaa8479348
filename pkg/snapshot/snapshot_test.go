package snapshot

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

type layout map[string]string

func (l layout) Folder(kind string) string { return l[kind] }

func (l layout) Files(kind string) resource.FileLayout {
	switch kind {
	case "Theme":
		return resource.FileLayout{Bundle: "theme.yaml"}
	case "Automation":
		return resource.FileLayout{SideFiles: []string{"workspace.json"}}
	}
	return resource.FileLayout{}
}

var testLayout = layout{"Space": "spaces", "Group": "groups", "User": "users"}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	docs := []resource.Document{
		resource.New("Group", "Data Engineers", "g1", map[string]any{"providerType": "custom", "roles": []any{"Developer"}}),
		resource.New("Space", "Finance", "s1", map[string]any{
			"type":        "managed",
			"description": "Line one\nline two: with a colon\n",
			"owner":       "user:jane@example.com",
			"members": []any{
				map[string]any{"group": "Data Engineers", "roles": []any{"consumer"}},
				map[string]any{"user": "bob@example.com", "roles": []any{"contributor", "publisher"}},
			},
		}),
	}
	files, err := Encode(testLayout, docs)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Encode(testLayout, docs)
	if d := cmp.Diff(files, again); d != "" {
		t.Fatalf("encoding is not deterministic:\n%s", d)
	}
	for _, p := range []string{"spaces/finance-b696d755.yaml", "groups/data-engineers-33c073d3.yaml", "schemas/space.schema.json", "schemas/group.schema.json"} {
		if _, ok := files[p]; !ok {
			t.Errorf("missing %s in %v", p, keys(files))
		}
	}
	got, err := Decode(testLayout, []string{"Space", "Group"}, files)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]resource.Document(nil), docs...)
	resource.Sort(want)
	for i := range want {
		want[i], _ = resource.Canonical(want[i])
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	if !strings.Contains(string(files["spaces/finance-b696d755.yaml"]), "  members:\n    - group: Data Engineers\n      roles: [consumer]\n    - user: bob@example.com\n") {
		t.Errorf("unexpected layout:\n%s", files["spaces/finance-b696d755.yaml"])
	}
}

func keys(f Files) []string { return sortedPaths(f) }

func TestDecodeReportsEveryBadFileWithLineAndField(t *testing.T) {
	files := Files{
		"spaces/a.yaml": []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: A\nspec:\n  type: managed\n  colour: red\n"),
		"spaces/b.yaml": []byte("apiVersion: qlikops.dev/v1\nkind: Group\nmetadata:\n  name: B\nspec:\n  providerType: custom\n"),
		"spaces/c.yaml": []byte("kind: Space\n---\nkind: Space\n"),
		"spaces/d.yaml": []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: A\nspec:\n  type: managed\n"),
		"spaces/e.yaml": []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: E\nspec: {type: shared\n"),
		"spaces/f.yaml": []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: F\nspec:\n  type: shared\n"),
		"spaces/x.txt":  []byte("ignored"),
	}
	_, err := Decode(testLayout, []string{"Space", "Group"}, files)
	if err == nil {
		t.Fatal("no error")
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("%T is not a FileError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"spaces/a.yaml:5: field spec: additional properties 'colour' not allowed",
		"spaces/b.yaml: field kind: a Group document cannot live in spaces/",
		"spaces/c.yaml:2: more than one YAML document",
		"spaces/e.yaml:5: invalid YAML: did not find expected ',' or '}'",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "f.yaml") {
		t.Errorf("valid file reported:\n%s", msg)
	}
}

func TestDecodeRejectsDuplicateKeys(t *testing.T) {
	doc := []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: A\nspec:\n  type: managed\n")
	_, err := Decode(testLayout, []string{"Space"}, Files{"spaces/a.yaml": doc, "spaces/a-copy.yaml": doc})
	if err == nil || !strings.Contains(err.Error(), "Space/A is also defined in spaces/a-copy.yaml") {
		t.Errorf("err = %v", err)
	}
}

// Each file breaks at a line known by construction: the line the error must
// name, whether yaml.v3's scanner or its parser finds the problem. Before the
// fix, parser errors named the line before.
func TestYAMLErrorsNameTheLineOfTheProblem(t *testing.T) {
	head := "apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: A\n"
	for _, c := range []struct {
		body string
		line int
		msg  string
	}{
		{"spec: {type: shared\n", 5, "did not find expected ',' or '}'"},
		{"spec:\n  type: shared\n  members: [a, b\n", 7, "did not find expected ',' or ']'"},
		// The parser names the collection it was in: the sequence that starts
		// at line 7 and that line 8 fails to continue.
		{"spec:\n  members:\n    - a\n    b: 1\n", 7, "did not find expected '-' indicator"},
		{"spec:\n  type: shared\n    description: indented wrongly\n", 7, "mapping values are not allowed in this context"},
		{"spec:\n  type: @shared\n", 6, "found character that cannot start any token"},
		{"spec:\n\ttype: shared\n", 6, "invalid YAML"},
	} {
		_, err := DecodeFile("spaces/a.yaml", []byte(head+c.body))
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%q: err = %v, want a FileError", c.body, err)
			continue
		}
		if fe.Line != c.line || !strings.Contains(fe.Msg, c.msg) {
			t.Errorf("%q: got line %d %q, want line %d %q", c.body, fe.Line, fe.Msg, c.line, c.msg)
		}
	}
}

func TestFieldAtFindsTheLineOfAField(t *testing.T) {
	doc := []byte("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: A\nspec:\n  type: shared\n  members:\n    - group: G\n      roles: [consumer]\n    - user: henri@example.com\n      roles: [consumer]\n")
	for field, line := range map[string]int{
		"spec.members[1].user":     10,
		"spec.members[0].group":    8,
		"spec.members[1].roles[0]": 11,
		"spec.owner":               5, // missing: its parent
		"metadata.name":            4,
	} {
		fe := FieldAt("spaces/a.yaml", doc, field, "wrong")
		if fe.Line != line {
			t.Errorf("FieldAt(%s).Line = %d, want %d", field, fe.Line, line)
		}
		if want := fmt.Sprintf("spaces/a.yaml:%d: field %s: wrong", line, field); fe.Error() != want {
			t.Errorf("FieldAt(%s) = %q, want %q", field, fe.Error(), want)
		}
	}
	if got := fieldSegments("spec.a[2][3].b"); !cmp.Equal(got, []string{"spec", "a", "2", "3", "b"}) {
		t.Errorf("fieldSegments = %q", got)
	}
}
