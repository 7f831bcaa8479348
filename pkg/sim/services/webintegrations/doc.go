// Package webintegrations serves Qlik's web integrations API
// (/api/v1/web-integrations): the origins allowed to embed the tenant, on
// the core's generic handler with id cursors (startingAfter/endingBefore),
// seeded from web-integrations.yaml. Ids are issued by the tenant, so a
// restored web integration gets a new one.
//
// It registers itself with pkg/sim through its Service value.
package webintegrations
