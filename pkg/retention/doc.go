// Package retention decides what a layered retention policy keeps: which
// runs stay named by tags (the newest successful export of each of the last
// days, ISO weeks and months) and which content-addressed artifacts stay in
// the --artifacts store (those a kept snapshot references).
//
// It is pure policy over plain values: pkg/ops reads the run records and the
// snapshots, asks this package what to keep, and moves the refs and deletes
// the files. That keeps the rules testable without a repo, and keeps every
// write where the repo lock is held.
package retention
