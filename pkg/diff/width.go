package diff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxLineWidth is the longest line, in characters, that text and markdown
// output write. Longer values are cut with an ellipsis and a length note, so
// that a 2,000-character value does not bury the rest of a review.
const MaxLineWidth = 200

// minValueWidth keeps a cut value recognisable even on a crowded line.
const minValueWidth = 32

// WriteLine writes s as exactly one line, cut to MaxLineWidth. A line break
// inside s (a hostile name, say) becomes a space.
func WriteLine(w io.Writer, s string) {
	fmt.Fprintln(w, Clip(oneLine.Replace(s), MaxLineWidth))
}

var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// Clip returns s if it has at most width characters, else its start, an
// ellipsis and the original length: `"abc…" (2013 chars)`.
func Clip(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n <= width {
		return s
	}
	note := fmt.Sprintf("… (%d chars)", n)
	keep := max(width-runeLen(note), 1)
	return string([]rune(s)[:keep]) + note
}

// ValueWithin renders v as Value does, cut to width characters (at least
// minValueWidth).
func ValueWithin(v any, width int) string {
	return Clip(Value(v), max(width, minValueWidth))
}

// fitPair cuts two rendered values so that together they fit width: the
// shorter keeps its full length when it can, the longer gets the rest.
func fitPair(a, b string, width int) (string, string) {
	la, lb := runeLen(a), runeLen(b)
	if la+lb <= width {
		return a, b
	}
	half := max(width/2, minValueWidth)
	switch {
	case la <= half:
		return a, Clip(b, max(width-la, minValueWidth))
	case lb <= half:
		return Clip(a, max(width-lb, minValueWidth)), b
	}
	return Clip(a, half), Clip(b, half)
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
