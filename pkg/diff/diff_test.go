package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

func space(name, id string, spec map[string]any) resource.Document {
	return resource.New("Space", name, id, spec)
}

// Members are identified by group or user, as the Space kind declares.
func init() { IdentifyElementsBy("group", "user") }

func members(ms ...map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func TestMembersAreMatchedByIdentityNotPosition(t *testing.T) {
	old := space("Finance", "a", map[string]any{"members": members(
		map[string]any{"group": "Analysts", "roles": []any{"consumer"}},
		map[string]any{"user": "bob@example.com", "roles": []any{"contributor"}},
		map[string]any{"user": "zoe@example.com", "roles": []any{"consumer"}},
	)})
	new := space("Finance", "b", map[string]any{"members": members(
		map[string]any{"group": "Analysts", "roles": []any{"consumer"}},
		map[string]any{"user": "zoe@example.com", "roles": []any{"consumer", "publisher"}},
	)})
	got := Fields(old, new)
	want := []Field{
		{Path: "spec.members[user=bob@example.com]", Op: Removed, Old: map[string]any{"user": "bob@example.com", "roles": []any{"contributor"}}},
		{Path: "spec.members[user=zoe@example.com].roles", Op: Changed, Old: []any{"consumer"}, New: []any{"consumer", "publisher"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
}

func TestDocumentsIgnoresIdsAndSortsChanges(t *testing.T) {
	old := []resource.Document{space("B", "1", nil), space("A", "2", map[string]any{"d": "x"}), space("Gone", "3", nil)}
	new := []resource.Document{space("A", "9", map[string]any{"d": "y"}), space("B", "8", nil), space("New", "7", nil)}
	var got []string
	for _, c := range Documents(old, new) {
		got = append(got, string(c.Op)+" "+c.Name)
	}
	if d := cmp.Diff([]string{"changed A", "removed Gone", "added New"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if s := Summary(Documents(old, new)); s != "1 added, 1 changed, 1 removed" {
		t.Errorf("summary = %q", s)
	}
}

func TestMultiLineTextIsALineDiff(t *testing.T) {
	old := space("S", "", map[string]any{"description": "line one\nline two\nline three\n"})
	new := space("S", "", map[string]any{"description": "line one\nline 2\nline three\n"})
	var b bytes.Buffer
	Text(&b, Documents([]resource.Document{old}, []resource.Document{new}))
	want := "~ Space S\n    ~ spec.description:\n        @@ -1,3 +1,3 @@\n         line one\n        -line two\n        +line 2\n         line three\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestMarkdownEscapesTableCells(t *testing.T) {
	var b bytes.Buffer
	Markdown(&b, "t", Documents(nil, []resource.Document{space("a|b<script>", "", nil)}))
	if !strings.Contains(b.String(), `| + | Space | a\|b&lt;script&gt; | new |`) {
		t.Errorf("markdown:\n%s", b.String())
	}
}
