// Package notify posts a run's summary to a webhook: a plain JSON event, a
// Slack incoming-webhook message, or a Microsoft Teams card. Delivery is
// best effort by design: it is retried a few times within a short overall
// deadline, and its failure is the caller's warning, never its exit code.
//
// The webhook URL is itself a secret (Slack and Teams put the credential in
// the path), so this package only ever names it by host (Host), and its
// errors never contain it.
package notify
