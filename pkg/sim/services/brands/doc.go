// Package brands serves Qlik's brands API (/api/v1/brands): brands made of
// a name, a description and up to three files (logo, favIcon, styles) kept
// byte for byte, the one active brand of the tenant, id-cursor paging
// (startingAfter/endingBefore), and the brands/ folder of a seed directory.
//
// It registers itself with pkg/sim through its Service value.
package brands
