// Package automations serves Qlik's automations and automation
// connections, under both /api/v1 and /api/workflows, with their owner and
// space moves, seeded from automations.yaml and automation-connections.yaml.
//
// It registers itself with pkg/sim through its Service value.
package automations
