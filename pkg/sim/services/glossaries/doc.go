// Package glossaries serves Qlik's business glossaries API
// (/api/v1/glossaries) with categories, terms, links, import and export,
// seeded from glossaries.yaml.
//
// It registers itself with pkg/sim through its Service value.
package glossaries
