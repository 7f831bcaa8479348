// Package cli is qlikops' command line: one file per command, each an
// options struct plus a run function that parses flags, calls one function in
// pkg/ops and renders the result. Exit codes follow DESIGN.md: 0 ok or no
// changes, 1 error, 2 changes or drift found, 3 partial success.
package cli
