package kinds_test

import (
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
