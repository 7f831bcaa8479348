// Package diff compares sets of documents semantically: by natural key, then
// field by field, ignoring tenant ids. Lists of members are matched by who the
// member is, not by position, so one removed member shows as one change. The
// same comparison serves diff (Git against Git), drift and plan (Git against
// the live tenant).
package diff
