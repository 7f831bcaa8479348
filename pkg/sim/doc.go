// Package sim implements qliksim, a local, in-memory simulator of the Qlik
// Cloud REST API. A Server holds one tenant and serves it over HTTP with the
// same paths, methods, status codes, cursor pagination and per-service error
// bodies as Qlik Cloud, including bearer API-key auth, an optional OAuth2
// client-credentials token endpoint, per-tier rate limits, fault injection
// and injectable latency.
//
// The simulator is a core (package core: server, auth, paging, filters, ids,
// rate limits, faults, error styles, state, typed tables, the tenant
// directory, and a generic typed CRUD handler, Resource, for the
// list/create/get/update/delete shape most services repeat) plus one
// package per Qlik service under services/:
//
//   - identity: users, groups and roles
//   - spaces: spaces and space assignments
//   - dataconnections: data connections
//   - automations: automations and automation connections
//   - glossaries: glossaries with their categories, terms and links
//   - qext: themes and extensions
//   - brands: brands and their files (logo, favicon, styles)
//   - oauthclients: OAuth clients and their client secrets
//   - webhooks: webhooks and their event types
//   - webintegrations: web integrations
//   - csporigins: CSP origins and the compiled header
//   - tenantconfig: the tenant and its settings singletons (tenant, tenant
//     settings, auth settings, API-key configuration, group, items, sharing
//     and licence settings)
//   - apps: apps, their script versions, export/import through temp
//     contents, the recycle bin, and the items list of apps
//
// Adding a service is a package plus one registry line: the package exports
// a core.Service (path prefixes with their error style, routes, seed file,
// /_sim/ views, OpenAPI spec files, space-content and principal-deleted
// hooks) and registry.go lists it. Its tests live with it and call
// simtest.CoverageMain so that every route it serves is spec-validated.
//
// A tenant can be seeded from a directory of YAML files (see LoadSeed and
// examples/demo-tenant) and saved to or loaded from a JSON state file. The
// /_sim/ endpoints (no auth) expose request statistics and faults for tests
// and benchmarks. Main implements the qliksim command line.
package sim
