package kinds

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/resource"
)

func TestPriorLookup(t *testing.T) {
	doc := func(kind, name, id string) resource.Document {
		return resource.Document{Kind: kind, Metadata: resource.Metadata{Name: name, ID: id}}
	}
	p := NewPrior([]resource.Document{doc("App", "Sales", "a1"), doc("Space", "Sales", "a1"), doc("TenantSettings", "tenant", "")})
	if d, ok := p.Lookup("App", "a1"); !ok || d.Kind != "App" {
		t.Errorf("Lookup(App, a1) = %v, %v; want the App", d, ok)
	}
	if d, ok := p.Lookup("Space", "a1"); !ok || d.Kind != "Space" {
		t.Errorf("Lookup(Space, a1) = %v, %v; want the Space: ids are per kind", d, ok)
	}
	if _, ok := p.Lookup("App", "a2"); ok {
		t.Error("Lookup of an unknown id found something")
	}
	if _, ok := p.Lookup("TenantSettings", ""); ok {
		t.Error("a document without an id must never be reused")
	}
	if p.Len() != 2 {
		t.Errorf("Len = %d, want 2", p.Len())
	}
	var none *Prior
	if _, ok := none.Lookup("App", "a1"); ok || none.Len() != 0 {
		t.Error("a nil Prior must hold nothing")
	}
}
