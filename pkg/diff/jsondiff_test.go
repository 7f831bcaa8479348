package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/resource"
)

const workspaceBefore = `{
  "blocks": [
    {"id": "b1", "name": "Start", "displayName": "Start", "x": 0},
    {"id": "b2", "name": "doReload", "displayName": "Qlik Cloud Services - Do Reload",
     "inputs": [{"name": "appId", "value": "Profit and Loss"}]},
    {"id": "b3", "name": "sendMail", "displayName": "Mail - Send Mail"}
  ],
  "variables": []
}`

func TestJSONSideFileBlocksAreMatchedByName(t *testing.T) {
	// The blocks move, one is renamed in its label, one input changes and
	// one block goes: each reads as one field change of the block it is in.
	after := `{
  "blocks": [
    {"id": "b2", "name": "doReload", "displayName": "Reload finance apps",
     "inputs": [{"name": "appId", "value": "Budget"}]},
    {"id": "b1", "name": "Start", "displayName": "Start", "x": 0}
  ],
  "variables": []
}`
	got, ok := JSONFields("files.workspace.json", workspaceBefore, after)
	if !ok {
		t.Fatal("not read as JSON")
	}
	want := []Field{
		{Path: "blocks[doReload].displayName", Op: Changed, Old: "Qlik Cloud Services - Do Reload", New: "Reload finance apps"},
		{Path: "blocks[doReload].inputs[appId].value", Op: Changed, Old: "Profit and Loss", New: "Budget"},
		{Path: "blocks[sendMail]", Op: Removed, Old: map[string]any{"id": "b3", "name": "sendMail", "displayName": "Mail - Send Mail"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
}

func TestJSONArraysWithoutAUniqueKeyAreMatchedByPosition(t *testing.T) {
	// Two elements share a name, so name cannot identify them; neither has
	// another key, so position does.
	before := `{"rules": [{"name": "r", "v": 1}, {"name": "r", "v": 2}], "tags": ["a", "b"]}`
	after := `{"rules": [{"name": "r", "v": 1}, {"name": "r", "v": 3}, {"name": "s"}], "tags": ["a"]}`
	got, ok := JSONFields("files/theme.json", before, after)
	if !ok {
		t.Fatal("not read as JSON")
	}
	var paths []string
	for _, f := range got {
		paths = append(paths, string(f.Op)+" "+f.Path+" "+Value(f.Old)+" "+Value(f.New))
	}
	want := []string{
		`changed rules[1].v 2 3`,
		`added rules[2] null {"name":"s"}`,
		`changed tags ["a","b"] ["a"]`,
	}
	if d := cmp.Diff(want, paths); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestIdIdentifiesWhenNoNameLikeKeyDoes(t *testing.T) {
	before := `[{"id": "x1", "v": 1}, {"id": "x2", "v": 2}]`
	after := `[{"id": "x2", "v": 2}, {"id": "x1", "v": 5}]`
	got, _ := JSONFields("files.a.json", before, after)
	if len(got) != 1 || got[0].Path != "[x1].v" {
		t.Errorf("fields = %+v, want one change at [x1].v", got)
	}
}

func TestNotJSONIsNoStructuralDiff(t *testing.T) {
	if _, ok := JSONFields("files.a.json", "{", "{}"); ok {
		t.Error("broken JSON was read")
	}
}

func TestSideFileChangeRendersAsFieldAndHunkNotTheWholeFile(t *testing.T) {
	before := strings.ReplaceAll(workspaceBefore, ", ", ",\n    ")
	after := strings.Replace(before, `"Qlik Cloud Services - Do Reload"`, `"Reload finance apps"`, 1)
	doc := func(ws string) resource.Document {
		d := resource.New("Automation", "Nightly", "", map[string]any{"state": "enabled"})
		d.Files = map[string][]byte{"workspace.json": []byte(ws)}
		return d
	}
	cs := Documents([]resource.Document{doc(before)}, []resource.Document{doc(after)})
	var text, md bytes.Buffer
	Text(&text, cs)
	Markdown(&md, "t", cs)
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(out, `blocks[doReload].displayName`) || !strings.Contains(out, `"Qlik Cloud Services - Do Reload"`) {
			t.Errorf("%s: no structural field change:\n%s", name, out)
		}
		if !strings.Contains(out, "@@ -") || strings.Contains(out, `"sendMail"`) {
			t.Errorf("%s: not a hunk with 3 lines of context (the last block is further away):\n%s", name, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if runeLen(l) > MaxLineWidth {
				t.Errorf("%s: line of %d characters", name, runeLen(l))
			}
		}
	}
	if !strings.Contains(md.String(), "```diff\n@@ ") {
		t.Errorf("markdown hunk is not in a diff block:\n%s", md.String())
	}
}

func TestMarkdownDiffBlockLinesStartWithASign(t *testing.T) {
	var b bytes.Buffer
	d := space("New", "", map[string]any{"type": "managed", "description": "a ``` fence"})
	d.Files = map[string][]byte{"logo.png": {0x89, 0, 1}}
	Markdown(&b, "t", Documents(nil, []resource.Document{d}))
	in := false
	for _, l := range strings.Split(b.String(), "\n") {
		switch {
		case strings.HasPrefix(l, "````diff"):
			in = true
		case l == "````":
			in = false
		case in && !strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "-") && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "@@"):
			t.Errorf("line in a diff block starts with neither +, - nor a space: %q", l)
		case in:
		case strings.HasPrefix(l, "```"):
			t.Errorf("a ``` inside the content needs a longer fence: %q\n%s", l, b.String())
		}
	}
	for _, want := range []string{"+ type: managed", "+ file logo.png (binary, 3 bytes)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("created document lacks %q:\n%s", want, b.String())
		}
	}
}
