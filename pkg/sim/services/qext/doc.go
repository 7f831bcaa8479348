// Package qext serves Qlik's themes and extensions APIs (/api/v1/themes,
// /api/v1/extensions): two kinds of one shape, a zip archive of files plus
// metadata, seeded from the themes/ and extensions/ folders.
//
// It registers itself with pkg/sim through its Service value.
package qext
