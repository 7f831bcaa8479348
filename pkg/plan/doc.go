// Package plan computes what apply must do to make a tenant match a
// snapshot. Build is a pure function of (desired documents, live documents,
// options): it reads nothing and writes nothing, so a plan can be shown,
// saved, reviewed and executed later. Steps are ordered by wave, then kind,
// then name; deletes come last, in reverse wave order, and only when pruning.
package plan
