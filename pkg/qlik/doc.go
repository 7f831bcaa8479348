// Package qlik is the Qlik Cloud REST client that every other part of qlikops
// talks to the tenant through.
//
// It owns the cross-cutting concerns so that kind handlers only describe paths
// and payloads: authentication (API key or OAuth2 client credentials with a
// cached, single-flight refreshed token), a two-tier rate scheduler that keeps
// both of Qlik's per-user budgets busy without tripping a 429, retries that
// are safe for non-idempotent writes, Qlik's several pagination styles, and
// typed errors parsed from each service's error body.
//
// Secrets never leave the package: tokens, API keys and client secrets are
// kept out of errors and log lines, and are scrubbed from anything the server
// echoes back.
package qlik
