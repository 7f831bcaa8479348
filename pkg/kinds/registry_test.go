package kinds_test

import (
	"errors"
	"strings"
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
	var every []string // every folder, as the registry holds them
	for _, h := range reg.All() {
		every = append(every, h.Folder())
	}
	for _, c := range []struct{ include, exclude []string }{
		{[]string{"spaces"}, []string{"Spaces"}},
		{[]string{"space", "groups"}, []string{"spaces", "group"}},
		{nil, every},
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

func stubKind(kind string, deps ...string) kinds.Handler {
	return kinds.REST[struct{}, struct{}]{Desc: kinds.Desc{KindName: kind, FolderName: kind + "s", DependsOn: deps}}
}

// Waves follow from declared dependencies: one above the highest kind a
// kind depends on, whatever order the kinds are registered in.
func TestWavesAreComputedFromDependencies(t *testing.T) {
	reg, err := kinds.Build(stubKind("C", "B", "A"), stubKind("B", "A"), stubKind("A"), stubKind("D", "A"), stubKind("E", "Unregistered"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"A": 0, "B": 1, "C": 2, "D": 1, "E": 0}
	for kind, w := range want {
		if got := reg.Wave(kind); got != w {
			t.Errorf("wave of %s = %d, want %d", kind, got, w)
		}
	}
	if got := kinds.Kinds(reg.All()); strings.Join(got, ",") != "A,E,B,D,C" {
		t.Errorf("order = %v, want waves then names: A,E,B,D,C", got)
	}
}

// A cycle has no order of waves: building the registry fails and names it.
func TestDependencyCycleIsAnErrorAtStartUp(t *testing.T) {
	for name, hs := range map[string][]kinds.Handler{
		"two":   {stubKind("A", "B"), stubKind("B", "A")},
		"three": {stubKind("A", "C"), stubKind("B", "A"), stubKind("C", "B")},
		"self":  {stubKind("A", "A")},
	} {
		_, err := kinds.Build(hs...)
		if err == nil || !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "A -> ") {
			t.Errorf("%s: Build = %v, want a cycle error naming the path", name, err)
		}
	}
	if _, err := kinds.Build(stubKind("A"), stubKind("A")); err == nil {
		t.Error("a kind registered twice was accepted")
	}
	defer func() {
		if recover() == nil {
			t.Error("NewRegistry accepted a cycle")
		}
	}()
	kinds.NewRegistry(stubKind("A", "B"), stubKind("B", "A"))
}
