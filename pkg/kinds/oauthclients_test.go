package kinds_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func TestConformanceOAuthClients(t *testing.T) {
	kindtest.Run(t, kinds.OAuthClients, oauthClientsFixture)
}

func TestConformancePublicOAuthClients(t *testing.T) {
	kindtest.Run(t, kinds.OAuthClients, publicOAuthClientsFixture)
}

// demoOAuthSecret is the demo tenant's seeded client secret.
const demoOAuthSecret = "seed-oauth-secret-91c2"

var oauthClientsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("OAuthClient", "Conformance Bot", "", spec{
		"appType":            "web",
		"description":        "Created by the conformance suite.",
		"allowedAuthMethods": list{"client_secret"},
		"allowedGrantTypes":  list{"client_credentials"},
		"allowedScopes":      list{"user_default"},
		"connectionConfig":   spec{"consentMethod": "required"},
	}),
	// Scopes, grants, a redirect URI and the consent method change; the
	// description goes.
	Modified: resource.New("OAuthClient", "Conformance Bot", "", spec{
		"appType":            "web",
		"allowedAuthMethods": list{"client_secret"},
		"allowedGrantTypes":  list{"client_credentials", "urn:qlik:oauth:user-impersonation"},
		"allowedScopes":      list{"admin_classic", "user_default"},
		"redirectUris":       list{"https://bot.example.com/callback"},
		"clientUri":          "https://bot.example.com",
		"connectionConfig":   spec{"consentMethod": "trusted"},
	}),
	FailPaths: []string{"/api/v1/oauth-clients"},
	Secrets:   []string{demoOAuthSecret},
}

// A public client (spa) has no secret; one without a connection config
// is created and then has the default config removed.
var publicOAuthClientsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("OAuthClient", "Conformance Portal", "", spec{
		"appType":        "spa",
		"redirectUris":   list{"https://b.example.com/cb", "https://a.example.com/cb"},
		"allowedOrigins": list{"https://a.example.com", "https://b.example.com"},
		"allowedScopes":  list{"user_default"},
	}),
	Modified: resource.New("OAuthClient", "Conformance Portal", "", spec{
		"appType":          "spa",
		"description":      "Changed by the conformance suite.",
		"redirectUris":     list{"https://a.example.com/cb"},
		"allowedOrigins":   list{"https://a.example.com"},
		"allowedScopes":    list{"offline_access", "user_default"},
		"connectionConfig": spec{"consentMethod": "trusted"},
	}),
	FailPaths: []string{"/api/v1/oauth-clients"},
}

// TestOAuthClientSecretIsIssuedOnceAndNeverPrinted: Create hands up the
// secret Qlik generated, exactly the one the tenant stores, and no way of
// printing or encoding the result shows it; a public client gets none.
func TestOAuthClientSecretIsIssuedOnceAndNeverPrinted(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	res, err := kinds.OAuthClients.Create(testCtx(t), e.Tenant(), oauthClientsFixture.New)
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		Secrets []struct{ Secret string } `json:"secrets"`
	}
	e.SimGet(t, "/_sim/oauth-clients/"+res.ID+"/secrets", &stored)
	if len(stored.Secrets) != 1 || len(res.Issued) != 1 {
		t.Fatalf("the tenant stores %d secrets and Create issued %d, want 1 and 1", len(stored.Secrets), len(res.Issued))
	}
	secret := stored.Secrets[0].Secret
	if got := res.Issued[0]; got.Field != "clientSecret" || got.Reveal() != secret {
		t.Errorf("issued %s with another value than the tenant stores", got.Field)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{string(b), fmt.Sprint(res), fmt.Sprintf("%+v", res), fmt.Sprintf("%#v", res),
		fmt.Sprintf("%s %q %x", res.Issued[0], res.Issued[0], res.Issued[0])} {
		if strings.Contains(text, secret) {
			t.Errorf("the issued secret shows in %s", text)
		}
	}
	var back kinds.Result
	if err := json.Unmarshal(b, &back); err != nil || len(back.Issued) != 1 || back.Issued[0].Field != "clientSecret" || back.Issued[0].Reveal() != "" {
		t.Errorf("a recorded result reads back as %+v (%v), want the field name and no value", back, err)
	}

	pub, err := kinds.OAuthClients.Create(testCtx(t), e.Tenant(), publicOAuthClientsFixture.New)
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.Issued) != 0 {
		t.Errorf("a public client was issued %v", pub.Issued)
	}
}
