package ops

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/resource"
)

// The caller's provider is the one the tenant names; when it names none,
// the active interactive one (Qlik allows one at a time); a provider
// qlikops does not manage (a built-in one) is none of the documents.
func TestCallerProvider(t *testing.T) {
	live := []resource.Document{
		resource.New("IdentityProvider", "SAML", "id-saml", map[string]any{"active": false, "interactive": true}),
		resource.New("IdentityProvider", "JWT", "id-jwt", map[string]any{"active": true, "interactive": false}),
		resource.New("IdentityProvider", "Okta", "id-okta", map[string]any{"active": true, "interactive": true}),
	}
	for _, c := range []struct{ id, want string }{{"id-jwt", "JWT"}, {"", "Okta"}, {"id-qlik-account", ""}} {
		got := callerProvider(live, c.id)
		name := ""
		if got != nil {
			name = got.Metadata.Name
		}
		if name != c.want {
			t.Errorf("callerProvider(%q) = %q, want %q", c.id, name, c.want)
		}
	}
	if got := callerProvider(live[:2], ""); got != nil {
		t.Errorf("no active interactive provider: got %s", got.Metadata.Name)
	}
}
