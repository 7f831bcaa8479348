// Package spaces serves Qlik's spaces API and space assignments
// (/api/v1/spaces): spaces.yaml seeds, owner and member rules, and the
// refusal to delete a space that still holds content (asked of every service
// through core.Service.SpaceContent). It drops a deleted user's or group's
// assignments.
//
// It registers itself with pkg/sim through its Service value.
package spaces
