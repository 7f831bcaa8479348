// Package collections serves Qlik's collections API
// (qliksense-collections-api-openapi.yml): tags (type public), governed
// collections (publicgoverned) and private collections, and the items in
// each, on the core's generic handler. Items are the apps of the items
// catalogue (package apps), held by item id. Seeded from collections.yaml.
//
// It registers itself with pkg/sim through its Service value.
package collections
