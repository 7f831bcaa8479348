package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

var opSymbol = map[Op]string{Added: "+", Removed: "-", Changed: "~"}

// Text writes changes for a terminal: one line per resource, one indented
// line per field. Multi-line text fields are shown as a line diff.
func Text(w io.Writer, cs []Change) {
	for _, c := range cs {
		fmt.Fprintf(w, "%s %s %s\n", opSymbol[c.Op], c.Kind, c.Key().Display())
		for _, f := range c.Fields {
			writeField(w, "    ", f)
		}
	}
}

func writeField(w io.Writer, indent string, f Field) {
	if lines, ok := textDiff(f); ok {
		fmt.Fprintf(w, "%s%s:\n", indent, f.Path)
		for _, l := range lines {
			fmt.Fprintf(w, "%s  %s\n", indent, l)
		}
		return
	}
	switch f.Op {
	case Added:
		fmt.Fprintf(w, "%s+ %s: %s\n", indent, f.Path, Value(f.New))
	case Removed:
		fmt.Fprintf(w, "%s- %s: %s\n", indent, f.Path, Value(f.Old))
	default:
		fmt.Fprintf(w, "%s~ %s: %s → %s\n", indent, f.Path, Value(f.Old), Value(f.New))
	}
}

// textDiff renders a change between two multi-line strings as +/- lines, so
// a one-line edit in a long description or script stays one line.
func textDiff(f Field) ([]string, bool) {
	a, aok := f.Old.(string)
	b, bok := f.New.(string)
	if !aok || !bok || (!strings.Contains(a, "\n") && !strings.Contains(b, "\n")) {
		return nil, false
	}
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ra, rb, false), lines)
	var out []string
	for _, d := range diffs {
		prefix := map[diffmatchpatch.Operation]string{
			diffmatchpatch.DiffInsert: "+ ", diffmatchpatch.DiffDelete: "- ", diffmatchpatch.DiffEqual: "  ",
		}[d.Type]
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l == "" {
				continue
			}
			out = append(out, prefix+strings.TrimSuffix(l, "\n"))
		}
	}
	return out, true
}

// Value renders a field value compactly: strings quoted, everything else as
// JSON.
func Value(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Markdown writes changes as a pull-request comment: a summary line and a
// table per resource.
func Markdown(w io.Writer, title string, cs []Change) {
	fmt.Fprintf(w, "### %s\n\n", title)
	if len(cs) == 0 {
		fmt.Fprintln(w, "No changes.")
		return
	}
	fmt.Fprintf(w, "%s.\n\n", capitalize(Summary(cs)))
	fmt.Fprintln(w, "| | Kind | Name | Fields |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, c := range cs {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", opSymbol[c.Op], c.Kind, mdEscape(c.Key().Display()), mdEscape(fieldList(c)))
	}
	for _, c := range cs {
		if len(c.Fields) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n<details><summary>%s %s</summary>\n\n```diff\n", c.Kind, mdEscape(c.Key().Display()))
		for _, f := range c.Fields {
			writeField(w, "", f)
		}
		fmt.Fprint(w, "```\n\n</details>\n")
	}
}

func fieldList(c Change) string {
	switch c.Op {
	case Added:
		return "new"
	case Removed:
		return "deleted"
	}
	paths := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		paths[i] = "`" + f.Path + "`"
	}
	return strings.Join(paths, ", ")
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
