// Package snapshot converts between documents and the files of an exported
// repo. Encoding is deterministic (sorted keys, a fixed header, one path per
// natural key), so an unchanged tenant produces byte-identical files.
// Decoding validates each file against its kind's JSON Schema and reports
// bad input as one error per file that names the file, the line and the field.
package snapshot
