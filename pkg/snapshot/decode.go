package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/qlikops/qlikops/pkg/resource"
)

// FileError is bad input in one file of the repo.
type FileError struct {
	File  string
	Line  int    // 0 when unknown
	Field string // JSON-pointer-like path, "" when the file as a whole is wrong
	Msg   string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Decode reads every document under the folders of the given kinds. Files of
// other kinds and files outside kind folders are ignored. All bad files are
// reported, each as its own *FileError, joined.
func Decode(l Layout, kinds []string, files Files) ([]resource.Document, error) {
	folders := map[string]string{}
	for _, k := range kinds {
		folders[l.Folder(k)] = k
	}
	var docs []resource.Document
	var errs []error
	seen := map[resource.Key]string{}
	for _, p := range sortedPaths(files) {
		top, _, _ := strings.Cut(p, "/")
		kind, ok := folders[top]
		if !ok || !isDocPath(l.Files(kind), p) {
			continue
		}
		d, err := DecodeFile(p, files[p])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if d.Kind != kind {
			errs = append(errs, &FileError{File: p, Field: "kind", Msg: fmt.Sprintf("a %s document cannot live in %s/ (that folder holds %s)", d.Kind, top, kind)})
			continue
		}
		if other, dup := seen[d.Key()]; dup {
			errs = append(errs, &FileError{File: p, Field: "metadata.name", Msg: fmt.Sprintf("%s is also defined in %s", d.Key(), other)})
			continue
		}
		seen[d.Key()] = p
		d.Files = sideFiles(l.Files(kind), p, files)
		docs = append(docs, d)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	resource.Sort(docs)
	return docs, nil
}

func isDocPath(fl resource.FileLayout, p string) bool {
	if fl.Bundle != "" {
		return path.Base(p) == fl.Bundle
	}
	return path.Ext(p) == ".yaml"
}

// sideFiles collects the side files of the document at docPath.
func sideFiles(fl resource.FileLayout, docPath string, files Files) map[string][]byte {
	out := map[string][]byte{}
	if fl.Bundle != "" {
		prefix := path.Dir(docPath) + "/"
		for p, b := range files {
			if rel, ok := strings.CutPrefix(p, prefix); ok && p != docPath {
				out[rel] = b
			}
		}
	} else {
		for _, suffix := range fl.SideFiles {
			if b, ok := files[sidePath(fl, docPath, suffix)]; ok {
				out[suffix] = b
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// DecodeFile parses and validates one document file.
func DecodeFile(name string, data []byte) (resource.Document, error) {
	var d resource.Document
	root, err := parseSingle(name, data)
	if err != nil {
		return d, err
	}
	jsonBytes, err := sigsyaml.YAMLToJSON(data)
	if err != nil {
		return d, &FileError{File: name, Msg: err.Error()}
	}
	if err := validate(name, root, jsonBytes); err != nil {
		return d, err
	}
	if err := json.Unmarshal(jsonBytes, &d); err != nil {
		return d, &FileError{File: name, Msg: err.Error()}
	}
	if d.Spec == nil {
		d.Spec = map[string]any{}
	}
	return d, nil
}

// parseSingle parses YAML into a node tree (for line numbers) and insists on
// exactly one document per file.
func parseSingle(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{File: name, Msg: "empty document"}
		}
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FileError{File: name, Line: extra.Line, Msg: "more than one YAML document; use one file per resource"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}
	return &root, nil
}

// yamlError turns "yaml: line 7: did not find expected key" into a FileError
// with the line split out.
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, rest, _ := strings.Cut(msg, ":")
		return &FileError{File: name, Line: line, Msg: "invalid YAML: " + strings.TrimSpace(rest)}
	}
	return &FileError{File: name, Msg: "invalid YAML: " + msg}
}

func sortedPaths(files Files) []string {
	ps := make([]string, 0, len(files))
	for p := range files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}
