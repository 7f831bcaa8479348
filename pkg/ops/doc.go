// Package ops runs qlikops' commands end to end: it ties the tenant client,
// the kind handlers, the Git store, plan and apply together. Each command in
// pkg/cli parses flags and calls exactly one function here; everything a
// command decides lives here so that it can be tested without a terminal.
package ops
