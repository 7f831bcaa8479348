package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// numbered is the text "1\n2\n...n\n".
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

func text(lines []string) string { return strings.Join(lines, "\n") + "\n" }

func replaced(lines []string, repl map[int]string) []string {
	out := append([]string(nil), lines...)
	for i, s := range repl {
		out[i-1] = s
	}
	return out
}

func unified(old, new string) string {
	return strings.Join(UnifiedLines(Hunks(old, new, Context)), "\n")
}

func TestHunkHasThreeLinesOfContext(t *testing.T) {
	old := numbered(20)
	got := unified(text(old), text(replaced(old, map[int]string{10: "ten"})))
	want := "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestNearbyChangesShareAHunkAndDistantOnesDoNot(t *testing.T) {
	old := numbered(40)
	// 6 unchanged lines between 10 and 17: the contexts touch, one hunk.
	got := Hunks(text(old), text(replaced(old, map[int]string{10: "a", 17: "b"})), Context)
	if len(got) != 1 || got[0].Header() != "@@ -7,14 +7,14 @@" {
		t.Errorf("6 lines apart: %d hunks, first %q; want one @@ -7,14 +7,14 @@", len(got), got[0].Header())
	}
	// 7 unchanged lines between 10 and 18: two hunks.
	got = Hunks(text(old), text(replaced(old, map[int]string{10: "a", 18: "b"})), Context)
	var headers []string
	for _, h := range got {
		headers = append(headers, h.Header())
	}
	if d := cmp.Diff([]string{"@@ -7,7 +7,7 @@", "@@ -15,7 +15,7 @@"}, headers); d != "" {
		t.Errorf("7 lines apart (-want +got):\n%s", d)
	}
}

func TestHunksAtTheStartAndEndOfAFile(t *testing.T) {
	old := numbered(10)
	got := unified(text(old), text(append([]string{"zero"}, replaced(old, map[int]string{10: "last"})...)))
	want := "@@ -1,3 +1,4 @@\n+zero\n 1\n 2\n 3\n@@ -7,4 +8,4 @@\n 7\n 8\n 9\n-10\n+last"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestHunksOfANewAndADeletedFile(t *testing.T) {
	if got, want := unified("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b"; got != want {
		t.Errorf("new file:\n%s\nwant:\n%s", got, want)
	}
	if got, want := unified("a\nb\n", ""), "@@ -1,2 +0,0 @@\n-a\n-b"; got != want {
		t.Errorf("deleted file:\n%s\nwant:\n%s", got, want)
	}
	if got := Hunks("same\n", "same\n", Context); len(got) != 0 {
		t.Errorf("equal texts gave hunks: %v", got)
	}
}

func TestNoNewlineAtEndOfFileIsMarked(t *testing.T) {
	got := unified("a\nb\nc", "a\nb\nc\n")
	want := "@@ -1,3 +1,3 @@\n a\n b\n-c\n" + NoNewlineMarker + "\n+c"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	got = unified("a\nb", "a\nc")
	want = "@@ -1,2 +1,2 @@\n a\n-b\n" + NoNewlineMarker + "\n+c\n" + NoNewlineMarker
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("both sides unterminated (-want +got):\n%s", d)
	}
}

func TestClipCutsLongValuesAndSaysHowLong(t *testing.T) {
	long := strings.Repeat("é", 500)
	got := Clip(long, 60)
	if n := runeLen(got); n != 60 {
		t.Errorf("clipped to %d characters, want 60: %q", n, got)
	}
	if !strings.HasSuffix(got, "… (500 chars)") {
		t.Errorf("no length note: %q", got)
	}
	if Clip("short", 60) != "short" {
		t.Error("a short value was changed")
	}
	var b strings.Builder
	WriteLine(&b, "a\nb"+long)
	if got := b.String(); strings.Count(got, "\n") != 1 || runeLen(got) != MaxLineWidth+1 {
		t.Errorf("WriteLine wrote %d lines, %d characters", strings.Count(got, "\n"), runeLen(got))
	}
	line := FieldLine(Field{Path: "spec.x", Op: Changed, Old: long, New: "b"}, MaxLineWidth)
	if runeLen(line) > MaxLineWidth || !strings.HasSuffix(line, ` → "b"`) {
		t.Errorf("field line of %d characters: %q", runeLen(line), line)
	}
}
