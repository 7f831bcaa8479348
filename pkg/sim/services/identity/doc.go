// Package identity serves Qlik's users, groups and roles APIs
// (/api/v1/users, /api/v1/groups, /api/v1/roles): the default roles and the
// Everyone group of a new tenant, users.yaml and groups.yaml seeds, and user
// PATCH operations. The rows themselves live in the core directory, which
// every service reads.
//
// It registers itself with pkg/sim through its Service value.
package identity
