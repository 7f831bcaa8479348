package kinds

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Webhooks handles webhooks: URL, event types, filter, headers, level,
// owner (by email) and whether they are enabled. The signing secret and the
// values of encrypted headers are write-only in Qlik's API: they become
// placeholders (the header names stay), filled from --secrets on apply. A
// webhook Qlik disabled after failed deliveries is exported as disabled and
// named, with Qlik's reason, in the run's warnings. Webhooks that an
// automation created for itself (origin automations) are left out: the
// automation owns them.
var Webhooks = webhooks{REST[apiWebhook, webhookSpec]{
	Desc: Desc{
		KindName: "Webhook", FolderName: "webhooks",
		ListPath: "/api/v1/webhooks", Query: limit100(),
		DependsOn: []string{"User"},
		Secrets: []SecretField{
			{Spec: "secret", API: "secret", IfSet: true},
			{Spec: "encryptedHeaders", API: "encryptedHeaders", Keyed: true},
		},
		Coverage: Coverage{
			Exported: "name, description, URL, event types, filter, headers, header names of the encrypted headers, enabled, level, owner (by email), certificate revocation check, cloud event delivery",
			Restored: "created, updated (PATCH; a change of filter, level, owner or certificate check needs Qlik's PUT, which clears the secrets it omits, so it is made only when the webhook's secrets are supplied and otherwise reported as not applied), pruned",
			Reentry:  "the signing secret and the values of encrypted headers (placeholders)",
			LeftOut:  "Qlik's *disabled* verdict: a webhook Qlik disabled after failed deliveries is exported as disabled and named, with Qlik's reason, in the run's warnings; webhooks an automation created for itself (origin `automations`); delivery history",
		},
	},
	FromAPI:      webhookFromAPI,
	ToAPI:        webhookToAPI,
	UpdateMethod: http.MethodPatch,
	// The fields Qlik's PATCH takes; the rest needs a PUT (see Update).
	Patch: map[string]string{
		"description": "/description", "url": "/url", "eventTypes": "/eventTypes", "headers": "/headers",
		"enabled": "/enabled", "enableCloudEventDelivery": "/enableCloudEventDelivery",
	},
	RefsOf: func(_ resource.Document, s webhookSpec) []resource.Ref { return ownerAndSpaceRefs(s.Owner, "") },
}}

// webhooks overrides Create and Update: an owner the target lacks is
// reported, and a change that only a PUT can make (which clears the secret
// and encrypted headers it omits) waits for the secrets to be supplied.
type webhooks struct {
	REST[apiWebhook, webhookSpec]
}

type apiWebhook struct {
	ID                         string            `json:"id"`
	Name                       string            `json:"name"`
	Description                string            `json:"description"`
	URL                        string            `json:"url"`
	EventTypes                 []string          `json:"eventTypes"`
	Filter                     string            `json:"filter"`
	Headers                    map[string]string `json:"headers"`
	EncryptedHeaders           []string          `json:"encryptedHeaders"` // names only
	SecretKeyAdded             bool              `json:"secretKeyAdded"`
	Enabled                    bool              `json:"enabled"`
	Level                      string            `json:"level"`
	OwnerID                    string            `json:"ownerId"`
	Origin                     string            `json:"origin"`
	CheckCertificateRevocation bool              `json:"checkCertificateRevocation"`
	EnableCloudEventDelivery   *bool             `json:"enableCloudEventDelivery"`
	DisabledReason             string            `json:"disabledReason"`
	DisabledReasonCode         string            `json:"disabledReasonCode"`
}

type webhookSpec struct {
	Description string            `json:"description,omitempty"`
	URL         string            `json:"url"`
	EventTypes  []string          `json:"eventTypes,omitempty"`
	Filter      string            `json:"filter,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	// EncryptedHeaders maps header names to placeholders; Secret is the
	// signing secret's placeholder, present when the webhook has one.
	EncryptedHeaders           map[string]string `json:"encryptedHeaders,omitempty"`
	Secret                     string            `json:"secret,omitempty"`
	Enabled                    bool              `json:"enabled"`
	Level                      string            `json:"level,omitempty"`
	Owner                      string            `json:"owner,omitempty"`
	CheckCertificateRevocation bool              `json:"checkCertificateRevocation,omitempty"`
	EnableCloudEventDelivery   *bool             `json:"enableCloudEventDelivery,omitempty"`
}

// secretIsSet marks, for the IfSet secret field, that the webhook has a
// secret; Read turns it into the placeholder.
const secretIsSet = "set"

func webhookFromAPI(ctx context.Context, t *Tenant, w apiWebhook) (resource.Document, bool, error) {
	if w.Origin == "automations" {
		return resource.Document{}, false, nil
	}
	s := webhookSpec{
		Description: w.Description, URL: w.URL, EventTypes: sortedCopy(w.EventTypes), Filter: w.Filter,
		Headers: w.Headers, Enabled: w.Enabled, Level: w.Level,
		CheckCertificateRevocation: w.CheckCertificateRevocation, EnableCloudEventDelivery: w.EnableCloudEventDelivery,
	}
	if len(s.Headers) == 0 {
		s.Headers = nil
	}
	if len(w.EncryptedHeaders) > 0 {
		s.EncryptedHeaders = map[string]string{}
		for _, name := range w.EncryptedHeaders {
			s.EncryptedHeaders[name] = secretIsSet
		}
	}
	if w.SecretKeyAdded {
		s.Secret = secretIsSet
	}
	owner, ok, err := t.Names.KeyOf(ctx, "User", w.OwnerID)
	if err != nil {
		return resource.Document{}, false, err
	}
	if ok {
		s.Owner = resource.UserRef(owner)
	} else if w.OwnerID != "" {
		t.Warnf("webhook %q: its owner (user id %s) is not in the tenant; exported without an owner", w.Name, w.OwnerID)
	}
	if !w.Enabled && (w.DisabledReason != "" || w.DisabledReasonCode != "") {
		t.Warnf("webhook %q is exported as disabled: Qlik disabled it (%s): %s", w.Name,
			orDefault(w.DisabledReasonCode, "no code"), orDefault(w.DisabledReason, "no reason given"))
	}
	d, err := toDoc("Webhook", w.Name, w.ID, s)
	return d, true, err
}

// webhookToAPI is the body of a create and of a PUT; the secrets are added
// by the generic handler. An owner the tenant lacks is left out (the
// caller owns the webhook) and reported by Create and Update.
func webhookToAPI(ctx context.Context, t *Tenant, want resource.Document, s webhookSpec) (map[string]any, error) {
	body := map[string]any{
		"name": want.Metadata.Name, "description": s.Description, "url": s.URL,
		"eventTypes": orEmpty(s.EventTypes), "headers": s.Headers, "enabled": s.Enabled,
		"level": orDefault(s.Level, "tenant"), "checkCertificateRevocation": s.CheckCertificateRevocation,
	}
	if s.Headers == nil {
		body["headers"] = map[string]string{}
	}
	if s.Filter != "" {
		body["filter"] = s.Filter
	}
	if s.EnableCloudEventDelivery != nil {
		body["enableCloudEventDelivery"] = *s.EnableCloudEventDelivery
	}
	if id, ok, err := resolveOwner(ctx, t, s.Owner); err != nil {
		return nil, err
	} else if ok {
		body["ownerId"] = id
	}
	return body, nil
}

// resolveOwner is the id of a user:<email> owner in the tenant.
func resolveOwner(ctx context.Context, t *Tenant, owner string) (string, bool, error) {
	email, ok := resource.ParseUserRef(owner)
	if !ok {
		return "", false, nil
	}
	return t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: email})
}

// unresolvedOwner names the owner when the tenant lacks it.
func unresolvedOwner(ctx context.Context, t *Tenant, d resource.Document) ([]string, error) {
	s, err := specOf[webhookSpec](d)
	if err != nil || s.Owner == "" {
		return nil, err
	}
	if _, ok, err := resolveOwner(ctx, t, s.Owner); err != nil || ok {
		return nil, err
	}
	return []string{"owner " + s.Owner}, nil
}

func (k webhooks) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	res, err := k.REST.Create(ctx, t, want)
	if err != nil {
		return res, err
	}
	res.Unresolved, err = unresolvedOwner(ctx, t, want)
	return res, err
}

// putOnlyFields are the spec fields Qlik's PATCH cannot change.
var putOnlyFields = []string{"filter", "level", "owner", "checkCertificateRevocation"}

// Update patches what PATCH can change. A change of a field only a PUT
// takes is made with a PUT, which clears whatever it omits: it is made
// only when every secret of the webhook is supplied, and otherwise named
// in NotApplied (the rest is patched).
func (k webhooks) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	var putOnly []string
	for _, f := range putOnlyFields {
		if !equalJSON(want.Spec[f], have.Spec[f]) {
			putOnly = append(putOnly, f)
		}
	}
	unresolved, err := unresolvedOwner(ctx, t, want)
	if err != nil {
		return Result{}, err
	}
	if len(putOnly) == 0 {
		return k.REST.Update(ctx, t, want, have)
	}
	if missing := k.putSecrets(t, want, map[string]any{}, all); len(missing) > 0 {
		res, err := k.REST.Update(ctx, t, want, have)
		res.NotApplied = append(res.NotApplied, fmt.Sprintf("%s: Qlik changes them only with a full update, which clears the webhook's secrets; supply %s to change them",
			strings.Join(putOnly, ", "), strings.Join(missing, ", ")))
		return res, err
	}
	put := k.REST
	put.UpdateMethod = http.MethodPut
	res, err := put.write(ctx, t, want, have, nil)
	res.Unresolved = unresolved
	return res, err
}
