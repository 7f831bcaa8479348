package snapshot_test

import (
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// hostileNames are names an API or a hand edit may hand us. Every one must
// map to a safe file under its kind's folder, distinct from every other.
var hostileNames = []string{
	"../x", "../../etc/passwd", "a/../../b", "/abs", `..\..\win`, ".", "..", "...",
	"x\x00y", "\x00", "CON", "con", "Con.txt", "nul.txt", "NUL", "COM1", "lpt9.log", "AUX.",
	"Café", "Cafe\u0301", "Finance", "finance", "FINANCE", "Fin ance", "fin-ance",
	"😀", "😁", "   ", "-", "+", "new\nline", "tab\tname", "\u202eevil", "%2e%2e%2f",
	"C:", "a:b", "x?*<>|", strings.Repeat("long", 2500), strings.Repeat("long", 2500) + "!",
}

// spaceSafe keeps the names the space schema allows (no / \ : * ? " < > |,
// not only whitespace).
func spaceSafe(n string) bool {
	return !strings.ContainsAny(n, "\"*?<>/|\\:") && strings.TrimSpace(n) != ""
}

// groupSafe keeps the names the group schema allows (at most 256 characters).
func groupSafe(n string) bool { return len([]rune(n)) <= 256 }

func hostileDocs() []resource.Document {
	var docs []resource.Document
	for i, n := range hostileNames {
		if n == "" {
			continue
		}
		if groupSafe(n) {
			docs = append(docs, resource.New("Group", n, "g", map[string]any{"providerType": "custom"}))
		}
		if spaceSafe(n) && groupSafe(n) {
			docs = append(docs, resource.New("Space", n, "s", map[string]any{"type": "shared"}))
		}
		docs = append(docs, resource.New("User", n, "u", map[string]any{"subject": "auth0|" + n}))
		a := resource.New("Automation", n, "a", map[string]any{"state": "enabled"})
		a.Files = map[string][]byte{"workspace.json": []byte("{}\n")}
		docs = append(docs, a)
		th := resource.New("Theme", n, "t", map[string]any{"type": "theme"})
		th.Files = map[string][]byte{"files/theme.json": []byte("{}"), "files/assets/logo.svg": []byte("<svg/>")}
		docs = append(docs, th)
		// Space-scoped: a hostile space name and a hostile connection name.
		dc := resource.New("DataConnection", n, "d", map[string]any{"type": "folder", "connectStatement": "Path=x"})
		dc.Metadata.Space = hostileNames[(i+1)%len(hostileNames)]
		docs = append(docs, dc)
	}
	return docs
}

func TestEncodeHostileNamesStaySafeDistinctAndRoundTrip(t *testing.T) {
	reg := kinds.Default()
	docs := hostileDocs()
	files, err := snapshot.Encode(reg, docs)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	again, err := snapshot.Encode(reg, docs)
	if err != nil || !cmp.Equal(files, again) {
		t.Fatalf("Encode is not stable: %v", err)
	}
	folders := map[string]bool{snapshot.SchemaDir: true}
	for _, h := range reg.All() {
		folders[h.Folder()] = true
	}
	lower := map[string]string{}
	for p := range files {
		if p != path.Clean(p) || path.IsAbs(p) || strings.HasPrefix(p, "../") || strings.Contains("/"+p+"/", "/../") {
			t.Errorf("unclean path %q", p)
		}
		if strings.ContainsAny(p, "\x00\\:*?\"<>|") {
			t.Errorf("path %q has a character some filesystem refuses", p)
		}
		top, _, _ := strings.Cut(p, "/")
		if !folders[top] {
			t.Errorf("path %q is outside every kind folder", p)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") || len(seg) > 255 {
				t.Errorf("path %q has unsafe segment %q", p, seg)
			}
			base, _, _ := strings.Cut(strings.ToLower(seg), ".")
			switch base {
			case "con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9":
				t.Errorf("path %q has a Windows device name segment %q", p, seg)
			}
		}
		if other, dup := lower[strings.ToLower(p)]; dup {
			t.Errorf("paths %q and %q collide on a case-insensitive filesystem", p, other)
		}
		lower[strings.ToLower(p)] = p
	}
	// Each document sits in its own kind's folder.
	for _, d := range docs {
		p := snapshot.PathOf(reg, d)
		if !strings.HasPrefix(p, reg.Folder(d.Kind)+"/") {
			t.Errorf("%s is written to %s, outside %s/", d.Key(), p, reg.Folder(d.Kind))
		}
		if _, ok := files[p]; !ok {
			t.Errorf("%s: no file at %s", d.Key(), p)
		}
	}

	got, err := snapshot.Decode(reg, kinds.Kinds(reg.All()), files)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := make([]resource.Document, len(docs))
	for i, d := range docs {
		want[i], _ = resource.Canonical(d)
	}
	resource.Sort(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

// Two resources whose names differ only by case, Unicode normal form, or
// characters the slug drops, must be two files, each decoding to itself.
func TestEncodeNearDuplicateNamesGetOneFileEach(t *testing.T) {
	reg := kinds.Default()
	groups := [][]string{
		{"Café", "Cafe\u0301", "cafe", "CAFÉ"},
		{"Sales", "sales", "SALES", "sAles", "Sales ", " Sales", "Sales\x00"},
		{"a/b", "a\\b", "a:b", "a?b", "a b", "a-b", "a_b"},
		{"con", "CON", "con.txt", "_con", "con_"},
		// The slug of one name is itself a name that keeps its spelling.
		{"Finance", "finance-b696d755"},
	}
	for _, names := range groups {
		var docs []resource.Document
		for _, n := range names {
			docs = append(docs, resource.New("Group", n, "", map[string]any{"providerType": "custom"}))
		}
		files, err := snapshot.Encode(reg, docs)
		if err != nil {
			t.Errorf("Encode %q: %v", names, err)
			continue
		}
		got, err := snapshot.Decode(reg, []string{"Group"}, files)
		if err != nil {
			t.Errorf("Decode %q: %v", names, err)
			continue
		}
		if len(got) != len(names) {
			t.Errorf("%q: %d documents came back, want %d", names, len(got), len(names))
		}
	}
}

// A theme's archive may hold any file name, among them the name of the
// document file itself. Unpacked under files/, it must stay a side file:
// the snapshot must decode to the one theme it was encoded from.
func TestThemeArchiveHoldingADocumentFileName(t *testing.T) {
	reg := kinds.Default()
	th := resource.New("Theme", "Corporate", "t1", map[string]any{"type": "theme"})
	th.Files = map[string][]byte{
		"files/theme.json": []byte("{}"),
		// A file from the uploaded zip that happens to share the bundle name.
		"files/theme.yaml": []byte("colors: [red]\n"),
	}
	files, err := snapshot.Encode(reg, []resource.Document{th})
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got, err := snapshot.Decode(reg, []string{"Theme"}, files)
	if err != nil {
		t.Fatalf("BUG: a theme whose archive holds theme.yaml makes the snapshot unreadable: %v", err)
	}
	want, _ := resource.Canonical(th)
	if d := cmp.Diff([]resource.Document{want}, got); d != "" {
		t.Errorf("BUG: round trip (-want +got):\n%s", d)
	}
}

// Strings from the API must come back byte for byte, whatever YAML makes of
// their plain or block form.
func TestEncodeDecodeHostileStrings(t *testing.T) {
	reg := kinds.Default()
	values := []string{
		"y", "Y", "yes", "No", "on", "OFF", "true", "null", "~", "0x1F", "1e3", "2026-01-01",
		"\n", "\nleading newline", "\n\ntwo\n", "trailing\n\n", " \nspace first", "\tx\ny", "x\ty\n",
		"x\r\ny", "\r", "a\u0085b", "a\u2028b", "#not a comment", "key: value", "- item", "&anchor", "*alias",
		"!tag", "%directive", "@at", "`tick", "{flow}", "[seq]", "'single'", "\"double\"", "\x00", "\x1b[31m",
		"\ufeffbom", strings.Repeat("é", 300),
	}
	var docs []resource.Document
	for i, v := range values {
		d := resource.New("Automation", "A"+string(rune('a'+i%26))+strings.Repeat("z", i/26), "", map[string]any{
			"state":       "enabled",
			"description": v,
			"schedules":   []any{map[string]any{"timezone": v}},
		})
		d.Files = map[string][]byte{"workspace.json": []byte("{}\n")}
		docs = append(docs, d)
	}
	// Names and map keys go through the same encoder.
	g := resource.New("Glossary", "on", "", map[string]any{"termTemplate": map[string]any{}})
	for _, v := range values {
		g.Spec["termTemplate"].(map[string]any)[v] = v
	}
	docs = append(docs, g)
	files, err := snapshot.Encode(reg, docs)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	for _, d := range docs {
		p := snapshot.PathOf(reg, d)
		got, err := snapshot.DecodeFile(p, files[p])
		if err != nil {
			t.Errorf("BUG: %s with description %q is written as a file that does not decode: %v\n%s", d.Key(), d.Spec["description"], err, files[p])
			continue
		}
		want, _ := resource.Canonical(d)
		want.Files = nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("BUG: %s changed on the way through the repo (-want +got):\n%s\nfile:\n%s", d.Key(), diff, files[p])
		}
	}
}
