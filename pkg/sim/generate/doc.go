// Package generate builds a large, realistic tenant for qliksim
// (--generate) deterministically from a seed: the same counts and seed give
// the same tenant, byte for byte. It writes the seed files the services
// read (users.yaml, spaces.yaml, ...), so a generated tenant goes through
// the same validation and the same tables as a hand-written seed.
//
// Sizes are skewed the way real tenants are: a few huge spaces hold most of
// the members and connections, most spaces are small, and some names are
// long (Qlik allows 256 characters).
package generate
