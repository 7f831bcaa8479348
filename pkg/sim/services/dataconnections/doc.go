// Package dataconnections serves Qlik's data connections API
// (/api/v1/data-connections) with its own error body, qID/qName fields and
// credential redaction, seeded from data-connections.yaml; /_sim/ shows the
// stored secrets for tests.
//
// It registers itself with pkg/sim through its Service value.
package dataconnections
