package kinds_test

import (
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

func TestConformanceWebhooks(t *testing.T) { kindtest.Run(t, kinds.Webhooks, webhooksFixture) }

func TestConformanceWebhooksWithoutSecrets(t *testing.T) {
	kindtest.Run(t, kinds.Webhooks, plainWebhooksFixture)
}

const (
	hookSecretName = "webhooks/Conformance Hook/secret"
	hookHeaderName = "webhooks/Conformance Hook/encryptedHeaders/Authorization"
	hookSecret     = "conformance-webhook-signing-secret-0a1b2c3d"
	hookHeader     = "Bearer conformance-header-token-9f8e"
)

var (
	hookSecrets = secrets.NewStore(map[string]string{hookSecretName: hookSecret, hookHeaderName: hookHeader}, nil)
	// The demo seed's write-only values.
	demoWebhookSecrets = []string{"seed-webhook-secret-7f3a-not-a-real-hmac-key", "seed-webhook-header-token-3c9d"}
)

func hookSpec(extra spec) spec {
	s := spec{
		"url":                      "https://hooks.example.com/conformance",
		"eventTypes":               list{"com.qlik.v1.app.created"},
		"headers":                  spec{"X-Team": "conformance"},
		"encryptedHeaders":         spec{"Authorization": secrets.Placeholder(hookHeaderName)},
		"secret":                   secrets.Placeholder(hookSecretName),
		"enabled":                  true,
		"level":                    "tenant",
		"owner":                    "user:jane.doe@example.com",
		"enableCloudEventDelivery": true,
	}
	for k, v := range extra {
		if v == nil {
			delete(s, k)
		} else {
			s[k] = v
		}
	}
	return s
}

var webhooksFixture = kindtest.Fixture{
	Seed: demoSeed,
	New:  resource.New("Webhook", "Conformance Hook", "", hookSpec(spec{"description": "Created by the conformance suite."})),
	// Only what Qlik's PATCH changes, so that an update made without the
	// secrets keeps them.
	Modified: resource.New("Webhook", "Conformance Hook", "", hookSpec(spec{
		"url":        "https://hooks.example.com/changed",
		"eventTypes": list{"com.qlik.v1.app.deleted", "com.qlik.v1.user.created"},
		"headers":    spec{"X-Team": "changed", "X-Env": "test"},
		"enabled":    false,
	})),
	// A PUT-only change: made with the secrets supplied.
	Partial: []resource.Document{resource.New("Webhook", "Conformance Hook", "", hookSpec(spec{
		"filter": `data.status eq "error"`, "level": "user", "owner": "user:bob.smith@example.com",
		"checkCertificateRevocation": true,
	}))},
	FailPaths:   []string{"/api/v1/webhooks", "/api/v1/users"},
	Secrets:     append([]string{hookSecret, hookHeader}, demoWebhookSecrets...),
	SecretStore: hookSecrets,
	Stored:      storedWebhookSecrets,
	WantStored:  map[string]string{"secret": hookSecret, "Authorization": hookHeader},
}

// A webhook without a secret or encrypted headers reads back without
// placeholders: it never asks for a secret it does not have.
var plainWebhooksFixture = kindtest.Fixture{
	Seed:      demoSeed,
	New:       resource.New("Webhook", "Conformance Plain Hook", "", spec{"url": "https://hooks.example.com/plain", "enabled": true, "level": "tenant", "owner": "user:admin@example.com", "enableCloudEventDelivery": true}),
	Modified:  resource.New("Webhook", "Conformance Plain Hook", "", spec{"url": "https://hooks.example.com/plain", "enabled": true, "level": "tenant", "owner": "user:admin@example.com", "enableCloudEventDelivery": true, "description": "Changed."}),
	FailPaths: []string{"/api/v1/webhooks"},
	Secrets:   demoWebhookSecrets,
}

// storedWebhookSecrets reads the write-only values qliksim keeps.
func storedWebhookSecrets(t *testing.T, e *kindtest.Env, d resource.Document) map[string]string {
	var got struct {
		Secret           string            `json:"secret"`
		EncryptedHeaders map[string]string `json:"encryptedHeaders"`
	}
	e.SimGet(t, "/_sim/webhooks/"+d.Metadata.ID+"/secrets", &got)
	out := map[string]string{"secret": got.Secret}
	for k, v := range got.EncryptedHeaders {
		out[k] = v
	}
	return out
}

// TestWebhookPutOnlyChangeWaitsForTheSecrets: a change only a PUT makes,
// asked for without the secrets, is reported as not applied; the patchable
// part is made, and the stored secrets survive.
func TestWebhookPutOnlyChangeWaitsForTheSecrets(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	e.Secrets = hookSecrets
	if _, err := kinds.Webhooks.Create(testCtx(t), e.Tenant(), webhooksFixture.New); err != nil {
		t.Fatal(err)
	}
	have := findDoc(t, e, webhooksFixture.New.Key())
	want := resource.New("Webhook", "Conformance Hook", "", hookSpec(spec{"description": "Patched.", "filter": `data.status eq "error"`}))
	noSecrets := kinds.NewTenant(e.Client)
	res, err := kinds.Webhooks.Update(testCtx(t), noSecrets, want, have)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotApplied) != 1 || !strings.Contains(res.NotApplied[0], "filter") || !strings.Contains(res.NotApplied[0], hookSecretName) {
		t.Errorf("NotApplied = %q, want the filter named with the secrets to supply", res.NotApplied)
	}
	got := findDoc(t, e, want.Key())
	if got.Spec["description"] != "Patched." || got.Spec["filter"] != nil {
		t.Errorf("after the update: description %v, filter %v; want the description patched and no filter", got.Spec["description"], got.Spec["filter"])
	}
	stored := storedWebhookSecrets(t, e, got)
	if stored["secret"] != hookSecret || stored["Authorization"] != hookHeader {
		t.Errorf("the update cleared the stored secrets")
	}
}

// TestDisabledWebhookIsNamedInTheWarnings: Qlik's reason reaches the
// warnings (and so the run record); the document says only disabled.
func TestDisabledWebhookIsNamedInTheWarnings(t *testing.T) {
	e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, nil)
	tn := e.Tenant()
	docs, err := kinds.Webhooks.Read(testCtx(t), tn)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := lookupDoc(docs, resource.Key{Kind: "Webhook", Name: "App changes to Teams"})
	if !ok || d.Spec["enabled"] != false {
		t.Fatalf("the disabled webhook reads as %v", d.Spec)
	}
	w := strings.Join(tn.Warnings(), "\n")
	if !strings.Contains(w, `webhook "App changes to Teams" is exported as disabled`) || !strings.Contains(w, "10 consecutive failed deliveries") {
		t.Errorf("warnings %q do not name the disabled webhook and Qlik's reason", w)
	}
}

func findDoc(t *testing.T, e *kindtest.Env, k resource.Key) resource.Document {
	t.Helper()
	docs, err := kinds.Webhooks.Read(testCtx(t), e.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	d, ok := lookupDoc(docs, k)
	if !ok {
		t.Fatalf("no %s", k)
	}
	return d
}

func lookupDoc(docs []resource.Document, k resource.Key) (resource.Document, bool) {
	for _, d := range docs {
		if d.Key() == k {
			return d, true
		}
	}
	return resource.Document{}, false
}
