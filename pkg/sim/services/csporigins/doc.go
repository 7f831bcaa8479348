// Package csporigins serves Qlik's CSP origins API (/api/v1/csp-origins):
// the origins a tenant's Content-Security-Policy allows, one flag per
// directive, on the core's generic handler, plus the compiled header
// (actions/generate-header). Seeded from csp-origins.yaml.
//
// It registers itself with pkg/sim through its Service value.
package csporigins
