package snapshot

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const fuzzDocName = "spaces/fuzz-0123abcd.yaml"

func FuzzDecodeFile(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: Finance\n  id: s1\nspec:\n  type: managed\n  description: |\n    Line one\n    line two: with a colon\n  owner: user:jane@example.com\n  members:\n    - group: Finance Analysts\n      roles: [consumer]\n",
		"# yaml-language-server: $schema=../schemas/group.schema.json\napiVersion: qlikops.dev/v1\nkind: Group\nmetadata:\n  name: \"CON\\0../x\"\nspec:\n  providerType: custom\n  roles: [Developer]\n",
		"apiVersion: qlikops.dev/v1\nkind: Automation\nmetadata:\n  name: N\nspec:\n  state: enabled\n  maxConcurrentRuns: 1e3\n  schedules:\n    - interval: 86400\n      startAt: \"2026-01-01 02:00:00\"\n",
		"apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: E\nspec: {type: shared\n",
		"kind: Space\n---\nkind: Space\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
		"- just\n- a list\n",
		"apiVersion: qlikops.dev/v1\nkind: Nope\n",
		"apiVersion: qlikops.dev/v1\nkind: User\nmetadata: {name: \"  \"}\nspec: {subject: \"\\t\", name: \"trailing \\n\\n \"}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeFile(fuzzDocName, data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("DecodeFile(%q) error is %T, not *FileError: %v", data, err, err)
			}
			if fe.File != fuzzDocName || fe.Line < 0 {
				t.Fatalf("DecodeFile(%q) error names file %q line %d: %v", data, fe.File, fe.Line, err)
			}
			if fe.Error() == "" {
				t.Fatalf("DecodeFile(%q): empty error message", data)
			}
			return
		}
		if d.Kind == "" || d.Spec == nil {
			t.Fatalf("DecodeFile(%q) accepted a document without kind or spec: %+v", data, d)
		}
		out, err := Marshal(d, fuzzDocName)
		if err != nil {
			t.Fatalf("DecodeFile(%q) accepted %+v, which does not encode: %v", data, d, err)
		}
		back, err := DecodeFile(fuzzDocName, out)
		if err != nil {
			t.Fatalf("re-encoded document does not decode: %v\ninput:\n%s\nencoded:\n%s", err, data, out)
		}
		if diff := cmp.Diff(d, back); diff != "" {
			t.Fatalf("round trip changed the document (-first +second):\n%s\ninput:\n%q\nencoded:\n%s", diff, data, out)
		}
		// Encoding is deterministic: the second decode encodes to the same bytes.
		if again, err := Marshal(back, fuzzDocName); err != nil || string(again) != string(out) {
			t.Fatalf("encoding is not stable:\n%s\nthen:\n%s", out, again)
		}
	})
}
