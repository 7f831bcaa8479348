// Package reporttemplates serves Qlik's report templates API
// (/api/v1/report-templates): a template's metadata on the core's generic
// handler, its file uploaded through temp contents (the apps service's
// staging table) and downloaded with actions/download. Seeded from
// report-templates.yaml.
//
// It registers itself with pkg/sim through its Service value.
package reporttemplates
