package kinds_test

import (
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

func TestConformanceIdentityProviders(t *testing.T) {
	kindtest.Run(t, kinds.IdentityProviders, identityProvidersFixture)
}

const (
	idpSecretName = "identity-providers/Conformance Keycloak/options/clientSecret"
	idpSecret     = "conformance-idp-client-secret-5e6f"
)

// The demo seed's client secrets (options and pendingOptions of Okta).
var demoIdPSecrets = []string{"seed-idp-client-secret-4b7e", "seed-idp-pending-secret-9d21"}

func keycloakSpec(realm string, sub list) spec {
	return spec{
		"protocol": "OIDC", "provider": "keycloak", "description": "Conformance Keycloak",
		"active": false, "interactive": true, "clockToleranceSec": 5, "createNewUsersOnLogin": true,
		"options": spec{
			"discoveryUrl": "https://sso.example.org/realms/qlik/.well-known/openid-configuration",
			"clientId":     "qlik-cloud", "clientSecret": secrets.Placeholder(idpSecretName), "realm": realm,
			"claimsMapping": spec{"sub": sub, "email": list{"/email"}},
		},
	}
}

// An inactive interactive OIDC provider (the demo tenant's Okta is the
// active one, and only one may be). Modified changes what Qlik patches
// path by path, so the stored client secret survives an update without it;
// a change of provider is named as not applied.
var identityProvidersFixture = kindtest.Fixture{
	Seed:     demoSeed,
	New:      resource.New("IdentityProvider", "Conformance Keycloak", "", keycloakSpec("qlik", list{"/sub"})),
	Modified: resource.New("IdentityProvider", "Conformance Keycloak", "", keycloakSpec("qlik-eu", list{"/preferred_username", "/sub"})),
	Partial: []resource.Document{resource.New("IdentityProvider", "Conformance Keycloak", "", func() spec {
		s := keycloakSpec("qlik", list{"/sub"})
		s["provider"] = "generic"
		return s
	}())},
	FailPaths:   []string{"/api/v1/identity-providers"},
	Secrets:     append([]string{idpSecret}, demoIdPSecrets...),
	SecretStore: secrets.NewStore(map[string]string{idpSecretName: idpSecret}, nil),
	Stored: func(t *testing.T, e *kindtest.Env, d resource.Document) map[string]string {
		var got map[string]string
		e.SimGet(t, "/_sim/identity-providers/"+d.Metadata.ID+"/secrets", &got)
		return map[string]string{"options": got["options"]}
	},
	WantStored: map[string]string{"options": idpSecret},
}

// What Qlik's PATCH cannot do is named, never silently dropped: a SAML
// provider's live options, a jwtAuth provider's key, and an OIDC options
// change that needs the whole object when the client secret is not
// supplied. The rest of each change is made.
func TestIdentityProviderChangesQlikCannotPatch(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	noSecrets := kinds.NewTenant(e.Client)
	for _, c := range []struct {
		name, field, value, want string
	}{
		{"Entra ID (SAML)", "entityId", "https://sts.example.org/", "spec.options (entityId): Qlik does not allow changing it on a SAML provider"},
		{"Sales Portal JWT", "issuer", "https://other.example.com", "spec.options (issuer): Qlik does not allow changing it on a jwtAuth provider"},
		{"Okta", "scope", "openid email", "Qlik replaces options whole, which would clear the client secret; supply identity-providers/Okta/options/clientSecret"},
	} {
		have := findIdP(t, e, resource.Key{Kind: "IdentityProvider", Name: c.name})
		want := findIdP(t, e, have.Key()) // a copy of its own
		want.Spec["options"].(map[string]any)[c.field] = c.value
		want.Spec["clockToleranceSec"] = float64(42)
		res, err := kinds.IdentityProviders.Update(testCtx(t), noSecrets, want, have)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(res.NotApplied) == 0 || !strings.Contains(strings.Join(res.NotApplied, "; "), c.want) {
			t.Errorf("%s: NotApplied = %q, want %q", c.name, res.NotApplied, c.want)
		}
		got := findIdP(t, e, want.Key())
		if got.Spec["options"].(map[string]any)[c.field] == c.value {
			t.Errorf("%s: %s changed anyway", c.name, c.field)
		}
		if c.name != "Sales Portal JWT" && got.Spec["clockToleranceSec"] != float64(42) {
			t.Errorf("%s: the patchable part was not made: %v", c.name, got.Spec["clockToleranceSec"])
		}
	}
}

func findIdP(t *testing.T, e *kindtest.Env, k resource.Key) resource.Document {
	t.Helper()
	docs, err := kinds.IdentityProviders.Read(testCtx(t), e.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	d, ok := lookupDoc(docs, k)
	if !ok {
		t.Fatalf("no %s", k)
	}
	return d
}
