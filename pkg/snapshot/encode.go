package snapshot

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/schemas"
)

// Files maps repo-relative slash paths to file contents.
type Files = map[string][]byte

// SchemaDir is the folder of an exported repo that holds the JSON Schemas the
// documents' editor headers point at.
const SchemaDir = "schemas"

// Layout says where each kind lives in the repo.
type Layout interface {
	// Folder is the top-level folder of a kind ("spaces" for Space), or "" for
	// a kind this layout does not know.
	Folder(kind string) string
}

// PathOf is the file of a document: <folder>/<slug of name>.yaml.
func PathOf(l Layout, d resource.Document) string {
	return path.Join(l.Folder(d.Kind), resource.Slug(d.Metadata.Name)+".yaml")
}

// Encode renders documents into files, plus the schema of each kind present.
// Two documents landing on the same path is an error, never a silent overwrite.
func Encode(l Layout, docs []resource.Document) (Files, error) {
	out := Files{}
	for _, d := range docs {
		if l.Folder(d.Kind) == "" {
			return nil, fmt.Errorf("encode %s: unknown kind", d.Key())
		}
		p := PathOf(l, d)
		if _, dup := out[p]; dup {
			return nil, fmt.Errorf("encode %s: path %s is already taken by another %s", d.Key(), p, d.Kind)
		}
		b, err := Marshal(d, p)
		if err != nil {
			return nil, err
		}
		out[p] = b
		sp := path.Join(SchemaDir, schemas.FileName(d.Kind))
		if _, ok := out[sp]; !ok {
			s, err := schemas.Read(d.Kind)
			if err != nil {
				return nil, fmt.Errorf("encode %s: no schema: %w", d.Kind, err)
			}
			out[sp] = s
		}
	}
	return out, nil
}

// Marshal renders one document as YAML with an editor schema header whose
// relative path suits the file's depth in the repo.
func Marshal(d resource.Document, filePath string) ([]byte, error) {
	body, err := encodeYAML(d)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", d.Key(), err)
	}
	depth := strings.Count(filePath, "/")
	var b bytes.Buffer
	fmt.Fprintf(&b, "# yaml-language-server: $schema=%s%s/%s\n", strings.Repeat("../", depth), SchemaDir, schemas.FileName(d.Kind))
	b.Write(body)
	return b.Bytes(), nil
}
