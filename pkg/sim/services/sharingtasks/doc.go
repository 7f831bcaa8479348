// Package sharingtasks serves Qlik's sharing-tasks API
// (/api/v1/sharing-tasks): report subscriptions, chart monitoring and
// template sharing. Create, get, patch (over the spec's enum of paths; no
// PUT) and delete are the core's generic handler; the list is the
// service's own, because it answers {sharingTasks:[…], totalCount,
// currentPageCount} and pages by offset. Seeded from sharing-tasks.yaml.
//
// It registers itself with pkg/sim through its Service value.
package sharingtasks
