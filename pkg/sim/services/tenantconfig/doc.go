// Package tenantconfig serves the tenant's configuration singletons: the
// tenant itself (/api/v1/tenants/me and /{tenantId}), tenant settings,
// auth settings, the API-key configuration, group, items and sharing
// settings and the licence settings. Each is one object per tenant that
// always exists: GET reads it, PATCH (RFC 6902 replace of writable
// fields, all or nothing) or, for licence settings, PUT changes it. A
// read-only or unknown path is refused with 400 naming it, as Qlik does.
// Seeded from tenant-config.yaml (one block of writable fields per
// setting).
//
// It registers itself with pkg/sim through its Service value.
package tenantconfig
