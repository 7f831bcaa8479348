package diff

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// Markdown writes changes as a pull-request comment: a summary line, a
// table of the changed resources, then each resource: the fields that
// changed, or the whole document for one added or removed.
func Markdown(w io.Writer, title string, cs []Change) {
	WriteLine(w, "### "+title)
	WriteLine(w, "")
	if len(cs) == 0 {
		WriteLine(w, "No changes.")
		return
	}
	WriteLine(w, capitalize(Summary(cs))+".")
	WriteLine(w, "")
	WriteLine(w, "| | Kind | Name | Fields |")
	WriteLine(w, "|---|---|---|---|")
	for _, c := range cs {
		WriteLine(w, fmt.Sprintf("| %s | %s | %s | %s |", opSymbol[c.Op], c.Kind, mdEscape(c.Key().Display()), mdEscape(fieldList(c))))
	}
	for _, c := range cs {
		WriteLine(w, "")
		WriteLine(w, fmt.Sprintf("#### %s %s %s", opSymbol[c.Op], c.Kind, MarkdownText(c.Key().Display())))
		WriteLine(w, "")
		switch c.Op {
		case Added:
			MarkdownDocument(w, '+', c.New)
		case Removed:
			MarkdownDocument(w, '-', c.Old)
		default:
			MarkdownFields(w, c.Fields)
		}
	}
}

// MarkdownFields writes field changes for a pull-request comment: one list
// item per field (for a JSON side file, one per JSON field that changed),
// then a ```diff block of unified hunks for each changed text.
func MarkdownFields(w io.Writer, fields []Field) {
	type text struct {
		path   string
		change textChange
	}
	var texts []text
	for _, f := range fields {
		t, ok := textChangeOf(f)
		if !ok {
			WriteLine(w, mdFieldLine("", f))
			continue
		}
		texts = append(texts, text{f.Path, t})
		for _, s := range t.structural {
			WriteLine(w, mdFieldLine(mdCode(f.Path)+" ", s))
		}
		if t.moreStructural > 0 {
			WriteLine(w, fmt.Sprintf("- %s: %d more JSON field changes, see the diff below", mdCode(f.Path), t.moreStructural))
		}
		if len(t.structural) == 0 {
			WriteLine(w, fmt.Sprintf("- %s %s, see the diff below", mdCode(f.Path), f.Op))
		}
	}
	for _, t := range texts {
		WriteLine(w, "")
		WriteLine(w, mdCode(t.path)+":")
		WriteLine(w, "")
		writeDiffBlock(w, capLines(UnifiedLines(t.change.hunks), maxBlockLines))
	}
}

// maxBlockLines caps one ```diff block, so that a new 5,000-line file does
// not push a comment past what a forge accepts.
const maxBlockLines = 150

// capLines keeps the first max lines and says how many were left out, in a
// line that starts with a space like any context line.
func capLines(lines []string, limit int) []string {
	if len(lines) <= limit {
		return lines
	}
	return append(lines[:limit:limit], fmt.Sprintf(" … %d more lines not shown", len(lines)-limit))
}

// MarkdownDocument writes a document that is created (sign '+') or deleted
// ('-') compactly, in a ```diff block: its spec as YAML, then its side files
// by name and size.
func MarkdownDocument(w io.Writer, sign byte, d *resource.Document) {
	if d == nil {
		return
	}
	var lines []string
	for _, l := range specYAML(*d) {
		lines = append(lines, string(sign)+" "+l)
	}
	names := make([]string, 0, len(d.Files))
	for name := range d.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		lines = append(lines, fmt.Sprintf("%c file %s (%s)", sign, name, sizeNote(d.Files[name])))
	}
	if len(lines) == 0 {
		WriteLine(w, "No fields.")
		return
	}
	writeDiffBlock(w, capLines(lines, maxDocumentLines))
}

// specYAML is the document's spec as the repo file writes it (same key
// order and styles), dedented; a spec that cannot be encoded shows as JSON.
func specYAML(d resource.Document) []string {
	if len(d.Spec) == 0 {
		return nil
	}
	d.Files = nil
	b, err := snapshot.Marshal(d, "")
	if err != nil {
		return []string{Value(d.Spec)}
	}
	_, body, found := strings.Cut(string(b), "\nspec:\n")
	if !found {
		return []string{Value(d.Spec)}
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if !strings.HasPrefix(l, "  ") {
			break // the next top-level key: the spec has ended
		}
		out = append(out, l[2:])
	}
	return out
}

// maxDocumentLines caps the body of one created or deleted document.
const maxDocumentLines = 60

func sizeNote(b []byte) string {
	if !isText(b) {
		return fmt.Sprintf("binary, %d bytes", len(b))
	}
	lines := strings.Count(string(b), "\n")
	if len(b) > 0 && b[len(b)-1] != '\n' {
		lines++
	}
	return fmt.Sprintf("%d lines, %d bytes", lines, len(b))
}

// writeDiffBlock writes lines in a ```diff fence, which GitHub colours by
// each line's first character. The fence is longer than any run of
// backticks inside, so a file holding ``` cannot close it early.
func writeDiffBlock(w io.Writer, lines []string) {
	fence := strings.Repeat("`", max(3, longestRun(strings.Join(lines, "\n"), '`')+1))
	WriteLine(w, fence+"diff")
	for _, l := range lines {
		WriteLine(w, l)
	}
	WriteLine(w, fence)
}

// mdFieldLine is a list item for one field change, values in code spans and
// cut so that the line stays within MaxLineWidth.
func mdFieldLine(prefix string, f Field) string {
	head := "- " + prefix + mdCode(f.Path)
	budget := MaxLineWidth - runeLen(head) - 16 // the words and the code-span fences
	switch f.Op {
	case Added:
		return head + " added: " + mdCode(ValueWithin(f.New, budget))
	case Removed:
		return head + " removed: " + mdCode(ValueWithin(f.Old, budget))
	}
	old, new := fitPair(Value(f.Old), Value(f.New), budget)
	return head + ": " + mdCode(old) + " → " + mdCode(new)
}

// mdCode puts s in a code span, so that nothing in a value or path is read
// as markdown or HTML. The fence is one backtick longer than any run inside.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// MarkdownText escapes a name for a heading or a line of prose.
func MarkdownText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "#", `\#`,
		"|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func fieldList(c Change) string {
	switch c.Op {
	case Added:
		return "new"
	case Removed:
		return "deleted"
	}
	var paths []string
	for i, f := range c.Fields {
		if i == maxTablePaths {
			return strings.Join(paths, ", ") + fmt.Sprintf(" and %d more", len(c.Fields)-i)
		}
		paths = append(paths, "`"+f.Path+"`")
	}
	return strings.Join(paths, ", ")
}

// maxTablePaths caps the fields named in one row of the summary table.
const maxTablePaths = 3

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
