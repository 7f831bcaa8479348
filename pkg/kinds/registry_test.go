package kinds_test

import (
	"errors"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
)

func TestGetAcceptsKindAndFolderInAnyCaseAndNumber(t *testing.T) {
	reg := kinds.Default()
	for name, want := range map[string]string{
		"Space": "Space", "space": "Space", "spaces": "Space", "Spaces": "Space", "SPACES": "Space",
		"glossary": "Glossary", "Glossaries": "Glossary",
		"data-connection": "DataConnection", "DataConnections": "DataConnection", "data-connections": "DataConnection",
		"automation-connections": "AutomationConnection", "Automation": "Automation",
	} {
		h, ok := reg.Get(name)
		if !ok || h.Kind() != want {
			t.Errorf("Get(%q) = %v, %v; want %s", name, h, ok, want)
		}
	}
	for _, name := range []string{"spacess", "dashboards", "", "data connections"} {
		if h, ok := reg.Get(name); ok {
			t.Errorf("Get(%q) = %s, want no kind", name, h.Kind())
		}
	}
}

// Every spelling must name one kind only: if two kinds folded to the same
// name, --kinds would pick one of them silently.
func TestKindNamesAreUnambiguous(t *testing.T) {
	reg := kinds.Default()
	for _, h := range reg.All() {
		for _, name := range []string{h.Kind(), h.Folder()} {
			got, ok := reg.Get(name)
			if !ok || got.Kind() != h.Kind() {
				t.Errorf("Get(%q) = %v, want %s", name, got, h.Kind())
			}
		}
	}
}

func TestSelectingNothingIsAnError(t *testing.T) {
	reg := kinds.Default()
	for _, c := range []struct{ include, exclude []string }{
		{[]string{"spaces"}, []string{"Spaces"}},
		{[]string{"space", "groups"}, []string{"spaces", "group"}},
		{nil, []string{"extensions", "groups", "themes", "users", "spaces", "data-connections", "glossaries", "automation-connections", "automations"}},
	} {
		hs, err := reg.Select(c.include, c.exclude)
		if !errors.Is(err, kinds.ErrNoKindSelected) || hs != nil {
			t.Errorf("Select(%v, %v) = %v, %v; want ErrNoKindSelected", c.include, c.exclude, kinds.Kinds(hs), err)
		}
	}
	hs, err := reg.Select([]string{"spaces", "groups"}, []string{"groups"})
	if err != nil || len(hs) != 1 || hs[0].Kind() != "Space" {
		t.Errorf("Select(spaces,groups minus groups) = %v, %v; want [Space]", kinds.Kinds(hs), err)
	}
}
