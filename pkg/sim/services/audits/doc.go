// Package audits serves Qlik's audits API (/api/v1/audits): an event for
// every successful write to the tenant, in Qlik's shapes (eventType,
// eventTime, userId, tenantId, source, data with the resource's id and
// type, extensions with the top-level resource of a sub-resource), listed
// newest first with eventTime, eventType, source, userId and id filters,
// sort and link cursors. The events come from the core's Written hook, so
// every service's writes are recorded without code of its own: the event
// type and resource are derived from the route (see describe).
//
// Events older than the retention (90 days, as Qlik keeps them in the live
// API) are gone. POST /_sim/audits/age?by=DURATION moves every event back
// in time, so that tests can let them expire; GET /_sim/audits lists them
// all, unpaged.
//
// It registers itself with pkg/sim through its Service value.
package audits
