// Package webhooks serves Qlik's webhooks API (/api/v1/webhooks and its
// event-types catalogue) on the core's generic handler, seeded from
// webhooks.yaml. secret and the values of encryptedHeaders are write-only;
// /_sim/ can disable a webhook with a reason, as Qlik does after failed
// deliveries.
//
// It registers itself with pkg/sim through its Service value.
package webhooks
