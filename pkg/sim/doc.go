// Package sim implements qliksim, a local, in-memory simulator of the Qlik Cloud
// REST API. A Server holds one tenant (spaces, space assignments, users, groups
// and the default roles) and serves it over HTTP with the same paths, methods,
// status codes, cursor pagination and per-service error bodies as Qlik Cloud,
// including bearer API-key auth, an optional OAuth2 client-credentials token
// endpoint, per-tier rate limits and injectable latency.
//
// A tenant can be seeded from a directory of YAML files (see LoadSeed and
// examples/demo-tenant) and saved to or loaded from a JSON state file. The
// /_sim/ endpoints (no auth) expose request statistics for tests and
// benchmarks. Main implements the qliksim command line.
package sim
