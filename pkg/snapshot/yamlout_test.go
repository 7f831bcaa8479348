package snapshot

import (
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Strings that read as other types in plain YAML must come back as the same
// strings.
func TestAmbiguousStringsSurviveARoundTrip(t *testing.T) {
	values := []any{"true", "no", "y", "1.0", "0x10", "null", "~", " lead", "trail ", "a: b", "- x", "#c", "@x", "'q'", "\"d\"", "multi\nline\n", "tab\tx", "2026-11-26"}
	d := resource.New("Group", "G", "", map[string]any{"providerType": "custom", "description": "", "roles": values})
	b, err := Marshal(d, "groups/g.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFile("groups/g.yaml", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	roles := got.Spec["roles"].([]any)
	for i, v := range values {
		if roles[i] != v {
			t.Errorf("%q came back as %#v\n%s", v, roles[i], b)
		}
	}
	if strings.Contains(string(b), "!!str") {
		t.Errorf("explicit tags in output:\n%s", b)
	}
}
