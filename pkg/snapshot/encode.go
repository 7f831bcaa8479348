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
	// Files says how the kind's documents and side files are laid out.
	Files(kind string) resource.FileLayout
}

// PathOf is the file of a document: <folder>/[<space slug>/]<slug>.yaml, or
// <folder>/[<space slug>/]<slug>/<bundle file> for bundled kinds. It depends
// on the kind and the natural key only.
func PathOf(l Layout, d resource.Document) string {
	dir := l.Folder(d.Kind)
	if d.Metadata.Space != "" {
		dir = path.Join(dir, resource.Slug(d.Metadata.Space))
	}
	slug := resource.Slug(d.Metadata.Name)
	if b := l.Files(d.Kind).Bundle; b != "" {
		return path.Join(dir, slug, b)
	}
	return path.Join(dir, slug+".yaml")
}

// sidePath is where a side file of the document at docPath lives.
func sidePath(fl resource.FileLayout, docPath, name string) string {
	if fl.Bundle != "" {
		return path.Join(path.Dir(docPath), name)
	}
	return strings.TrimSuffix(docPath, ".yaml") + "." + name
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
		if err := encodeSideFiles(l.Files(d.Kind), d, p, out); err != nil {
			return nil, err
		}
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

func encodeSideFiles(fl resource.FileLayout, d resource.Document, docPath string, out Files) error {
	for name, b := range d.Files {
		if err := checkSideName(fl, name); err != nil {
			return fmt.Errorf("encode %s: %w", d.Key(), err)
		}
		sp := sidePath(fl, docPath, name)
		if _, dup := out[sp]; dup {
			return fmt.Errorf("encode %s: side file %s collides with another file", d.Key(), sp)
		}
		out[sp] = b
	}
	return nil
}

// checkSideName keeps side files inside their document's place: a bundle
// file is a clean relative path that is not the document itself, a flat
// side file one of the kind's declared suffixes.
func checkSideName(fl resource.FileLayout, name string) error {
	if fl.Bundle == "" {
		for _, s := range fl.SideFiles {
			if s == name {
				return nil
			}
		}
		return fmt.Errorf("side file %q is not one this kind declares", name)
	}
	if name == "" || name == fl.Bundle || path.IsAbs(name) || path.Clean(name) != name ||
		name == ".." || strings.HasPrefix(name, "../") || strings.ContainsRune(name, 0) || strings.Contains(name, "\\") {
		return fmt.Errorf("side file %q is not a clean relative path", name)
	}
	return nil
}

// AddSchemas puts the schema of every given kind into files, whether or not
// this run wrote documents of it: a kind whose read failed, or that has no
// resources, keeps the schema its editor headers point at.
func AddSchemas(files Files, kinds []string) error {
	for _, k := range kinds {
		s, err := schemas.Read(k)
		if err != nil {
			return fmt.Errorf("no schema for %s: %w", k, err)
		}
		files[path.Join(SchemaDir, schemas.FileName(k))] = s
	}
	return nil
}
