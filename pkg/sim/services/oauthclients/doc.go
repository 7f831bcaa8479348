// Package oauthclients serves Qlik's OAuth clients API
// (/api/v1/oauth-clients): clients of each appType with their redirect URIs,
// origins, scopes, grants and connection config, client secrets that the
// server generates and returns once (on create, on a PATCH that enables
// client_secret, and from POST /client-secrets) and that no read returns,
// and the oauth-clients.yaml file of a seed directory.
//
// It registers itself with pkg/sim through its Service value.
package oauthclients
