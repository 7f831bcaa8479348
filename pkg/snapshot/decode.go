package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

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
	docs, _, err := DecodeSources(l, kinds, files)
	return docs, err
}

// Sources maps each decoded document to the file it came from, which is
// not always PathOf: a hand-written file may have any name in its folder.
type Sources map[resource.Key]string

// DecodeSources is Decode that also tells where each document came from,
// so that checks after decoding can name the file and line of a field.
func DecodeSources(l Layout, kinds []string, files Files) ([]resource.Document, Sources, error) {
	// A folder usually holds one kind; the tenant's singletons share one
	// (tenant/), and there a document's own kind says which it is.
	folders := map[string][]string{}
	for _, k := range kinds {
		f := l.Folder(k)
		folders[f] = append(folders[f], k)
	}
	var docs []resource.Document
	var errs []error
	seen := map[resource.Key]string{}
	for _, p := range docPaths(l, folders, files) {
		top, _, _ := strings.Cut(p, "/")
		d, err := DecodeFile(p, files[p])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		kind, ok := kindIn(folders[top], d.Kind)
		if !ok {
			errs = append(errs, &FileError{File: p, Field: "kind", Msg: fmt.Sprintf("a %s document cannot live in %s/ (that folder holds %s)", d.Kind, top, strings.Join(folders[top], ", "))})
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
		return nil, nil, errors.Join(errs...)
	}
	resource.Sort(docs)
	return docs, seen, nil
}

// docPaths lists the document files among files, sorted. In a bundle
// folder only the outermost file of the bundle's name is a document: a
// theme whose own archive holds a theme.yaml must not look like a second
// theme.
func docPaths(l Layout, folders map[string][]string, files Files) []string {
	var out []string
	var bundles []string // folders of accepted bundle documents
	paths := sortedPaths(files)
	sort.SliceStable(paths, func(i, j int) bool { return strings.Count(paths[i], "/") < strings.Count(paths[j], "/") })
	for _, p := range paths {
		top, _, _ := strings.Cut(p, "/")
		ks, ok := folders[top]
		if !ok {
			continue
		}
		fl := l.Files(ks[0]) // kinds that share a folder have flat documents
		if fl.Bundle == "" {
			if path.Ext(p) == ".yaml" {
				out = append(out, p)
			}
			continue
		}
		if path.Base(p) != fl.Bundle || insideAny(p, bundles) {
			continue
		}
		bundles = append(bundles, path.Dir(p)+"/")
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// kindIn is the kind of a document found in a folder holding kinds.
func kindIn(kinds []string, kind string) (string, bool) {
	for _, k := range kinds {
		if k == kind {
			return k, true
		}
	}
	return "", false
}

func insideAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
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
	jsonBytes, err := nodeToJSON(root)
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
		rest = strings.TrimSpace(rest)
		if parserProblems[rest] {
			line++
		}
		return &FileError{File: name, Line: line, Msg: "invalid YAML: " + rest}
	}
	return &FileError{File: name, Msg: "invalid YAML: " + msg}
}

// parserProblems are the messages of yaml.v3's parser (parserc.go), as
// opposed to its scanner. yaml.v3 adds one to the 0-based line of scanner
// errors only (decode.go, parser.fail), so a parser error names the line
// before the collection it could not parse. The two sets of messages do not
// overlap, which is what lets the line be corrected here.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

func sortedPaths(files Files) []string {
	ps := make([]string, 0, len(files))
	for p := range files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// nodeToJSON converts with YAML 1.2 rules, the same the encoder writes by:
// a bare no or y is a string here, as it is in the files we write.
func nodeToJSON(root *yaml.Node) ([]byte, error) {
	var v any
	if err := root.Decode(&v); err != nil {
		return nil, err
	}
	v, err := jsonCompatible(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// jsonCompatible rejects what JSON cannot hold (non-string keys) instead of
// guessing a conversion.
func jsonCompatible(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			c, err := jsonCompatible(x)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("mapping key %v is not a string", k)
			}
			c, err := jsonCompatible(x)
			if err != nil {
				return nil, err
			}
			out[ks] = c
		}
		return out, nil
	case []any:
		for i, x := range t {
			c, err := jsonCompatible(x)
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
		return t, nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("number %v cannot be represented", t)
		}
		return t, nil
	default:
		return t, nil
	}
}
