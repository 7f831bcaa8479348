// Package licenses serves the licence side of Qlik's licenses API
// (qliksense-licenses-api-openapi.yml): which user holds which licence
// type (GET /api/v1/licenses/assignments and its actions add, update and
// delete, each answering 207 with one status per entry), and the licence
// itself (GET overview and status). The licence settings on the same path
// family are a tenant singleton served by package tenantconfig.
//
// Seats are counted per allotment: an add or an update to a type whose
// units are all used is refused for that entry with 403 LICENSES-011 (the
// spec's example), and the other entries of the request still go through,
// in request order. Seeded from licenses.yaml.
//
// It registers itself with pkg/sim through its Service value.
package licenses
