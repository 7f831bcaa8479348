// Package diff compares sets of documents semantically: by natural key, then
// field by field, ignoring tenant ids. Lists of members are matched by who the
// member is, not by position, so one removed member shows as one change. The
// same comparison serves diff (Git against Git), drift and plan (Git against
// the live tenant).
//
// Rendering lives here too, so that plan, drift and diff read alike: a change
// inside a multi-line text or side file is shown as unified hunks with 3 lines
// of context (hunks.go, on go-diff's line mode), a JSON side file also field by
// field with array elements matched by a name-like key (jsondiff.go), and no
// line of text or markdown output is longer than MaxLineWidth (width.go).
package diff
