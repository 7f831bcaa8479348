// Package apply executes a plan against a tenant and nothing else: every
// decision about what to write was made by package plan. Steps run wave by
// wave; steps within a wave run in parallel. A step whose dependency failed
// is skipped and reported, never half-applied.
package apply
