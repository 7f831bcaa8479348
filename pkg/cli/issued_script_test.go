package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// cmdOAuthSecret reads the secret the tenant at $QLIK_TENANT_URL stores for
// an OAuth client, through qliksim's test-only view, and puts it in a
// variable, so that a script can check where it shows and where it does
// not: oauth-secret CLIENT_NAME VAR. It fails unless the client has exactly
// one secret.
func cmdOAuthSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: oauth-secret CLIENT_NAME VAR")
	}
	id := simItemID(ts, "/api/v1/oauth-clients", "clientId", "clientName", args[0])
	var got struct {
		Secrets []struct{ Secret string } `json:"secrets"`
	}
	simView(ts, "/_sim/oauth-clients/"+url.PathEscape(id)+"/secrets", &got)
	if len(got.Secrets) != 1 || got.Secrets[0].Secret == "" {
		ts.Fatalf("OAuth client %q holds %d secrets, want 1", args[0], len(got.Secrets))
	}
	ts.Setenv(args[1], got.Secrets[0].Secret)
}

// simItemID finds the id of the item of a list whose nameField is name.
func simItemID(ts *testscript.TestScript, list, idField, nameField, name string) string {
	c, err := qlik.New(qlik.Config{TenantURL: ts.Getenv("QLIK_TENANT_URL"), APIKey: ts.Getenv("QLIK_API_KEY"), Tier1PerMin: -1, Tier2PerMin: -1})
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var id string
	ts.Check(c.ListAll(ctx, list, url.Values{"limit": {"100"}}, func(raw json.RawMessage) error {
		var item map[string]any
		if err := json.Unmarshal(raw, &item); err != nil {
			return err
		}
		if item[nameField] == name {
			id = fmt.Sprint(item[idField])
		}
		return nil
	}))
	if id == "" {
		ts.Fatalf("%s has no item with %s %q", list, nameField, name)
	}
	return id
}

// simView decodes one of qliksim's test-only /_sim/ views.
func simView(ts *testscript.TestScript, path string, v any) {
	resp, err := http.Get(ts.Getenv("QLIK_TENANT_URL") + path)
	ts.Check(err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("GET %s: %s", path, resp.Status)
	}
	ts.Check(json.NewDecoder(resp.Body).Decode(v))
}

// cmdWebhookSecret checks a write-only value the tenant stores for a
// webhook, through qliksim's test-only view: webhook-secret NAME FIELD
// WANT, FIELD being "secret" or the name of an encrypted header.
func cmdWebhookSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: webhook-secret NAME FIELD WANT")
	}
	id := simItemID(ts, "/api/v1/webhooks", "id", "name", args[0])
	var got struct {
		Secret           string            `json:"secret"`
		EncryptedHeaders map[string]string `json:"encryptedHeaders"`
	}
	simView(ts, "/_sim/webhooks/"+url.PathEscape(id)+"/secrets", &got)
	have := got.EncryptedHeaders[args[1]]
	if args[1] == "secret" {
		have = got.Secret
	}
	if have != args[2] {
		// Values here are test sentinels, so they may be shown.
		ts.Fatalf("webhook %q holds %s = %q, want %q", args[0], args[1], have, args[2])
	}
}
