package diff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Context is how many unchanged lines surround each change in a hunk, as
// in diff -u and git diff.
const Context = 3

// Line is one line of a hunk. Op is ' ' (unchanged), '-' (only on the old
// side) or '+' (only on the new side). NoNewline marks the last line of a
// side that does not end in a newline.
type Line struct {
	Op        byte
	Text      string
	NoNewline bool
}

// String is the line as unified diff writes it.
func (l Line) String() string { return string(l.Op) + l.Text }

// NoNewlineMarker follows a line that ends its side without a newline.
const NoNewlineMarker = `\ No newline at end of file`

// Hunk is a run of changes with their context. Starts are 1-based line
// numbers; a side with no lines in the hunk starts at the line before it,
// as in unified diff.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Lines              []Line
}

// Header is the hunk's "@@ -a,b +c,d @@" line.
func (h Hunk) Header() string {
	return fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
}

// Hunks compares two texts line by line and groups the changes into
// unified hunks with context lines of context on each side. Changes whose
// context would touch or overlap share one hunk.
func Hunks(old, new string, context int) []Hunk {
	lines := lineDiff(old, new)
	var hunks []Hunk
	for i := 0; i < len(lines); {
		if lines[i].Op == ' ' {
			i++
			continue
		}
		start := max(0, i-context)
		end := i // last changed line of this hunk
		for j := i + 1; j < len(lines) && j-end <= 2*context+1; j++ {
			if lines[j].Op != ' ' {
				end = j
			}
		}
		stop := min(len(lines), end+context+1)
		hunks = append(hunks, newHunk(lines, start, stop))
		i = stop
	}
	return hunks
}

// newHunk builds the hunk of lines[start:stop], numbering it by counting the
// lines of each side before start.
func newHunk(lines []Line, start, stop int) Hunk {
	var h Hunk
	for _, l := range lines[:start] {
		if l.Op != '+' {
			h.OldStart++
		}
		if l.Op != '-' {
			h.NewStart++
		}
	}
	h.Lines = lines[start:stop]
	for _, l := range h.Lines {
		if l.Op != '+' {
			h.OldLines++
		}
		if l.Op != '-' {
			h.NewLines++
		}
	}
	if h.OldLines > 0 {
		h.OldStart++
	}
	if h.NewLines > 0 {
		h.NewStart++
	}
	return h
}

// lineDiff is the line-level edit script from old to new (go-diff in line
// mode: each distinct line becomes one rune, so the diff is over lines).
func lineDiff(old, new string) []Line {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // no deadline: the same inputs always give the same hunks
	ra, rb, table := dmp.DiffLinesToChars(old, new)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ra, rb, false), table)
	var out []Line
	for _, d := range diffs {
		op := map[diffmatchpatch.Operation]byte{
			diffmatchpatch.DiffInsert: '+', diffmatchpatch.DiffDelete: '-', diffmatchpatch.DiffEqual: ' ',
		}[d.Type]
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l == "" {
				continue
			}
			text, hasNewline := strings.CutSuffix(l, "\n")
			out = append(out, Line{Op: op, Text: text, NoNewline: !hasNewline})
		}
	}
	return out
}

// UnifiedLines renders hunks as the lines of a unified diff body: headers,
// prefixed lines and the no-newline marker.
func UnifiedLines(hunks []Hunk) []string {
	var out []string
	for _, h := range hunks {
		out = append(out, h.Header())
		for _, l := range h.Lines {
			out = append(out, l.String())
			if l.NoNewline {
				out = append(out, NoNewlineMarker)
			}
		}
	}
	return out
}
