// Package schemas embeds the JSON Schema of every document kind. The same
// files are validated against before apply, and copied into each exported
// repo so that editors can check documents while they are being written.
package schemas

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.schema.json
var files embed.FS

// FS holds one "<kind>.schema.json" per kind, kind in lower case.
func FS() fs.FS { return files }

// FileName is the schema file of a kind, e.g. "space.schema.json".
func FileName(kind string) string { return strings.ToLower(kind) + ".schema.json" }

// Read returns the schema of a kind.
func Read(kind string) ([]byte, error) { return files.ReadFile(FileName(kind)) }
