package retention

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(2 * time.Hour)
}

func TestPeriodNamesISOWeeksAcrossTheYear(t *testing.T) {
	for _, tc := range []struct{ day, week, month string }{
		{"2026-12-07", "2026-W50", "2026-12"},
		{"2027-01-01", "2026-W53", "2027-01"}, // a Friday: its week's Thursday is in 2026
		{"2024-12-30", "2025-W01", "2024-12"}, // a Monday whose Thursday is in 2025
		{"2026-01-04", "2026-W01", "2026-01"}, // a Sunday ends the week
	} {
		d := day(tc.day)
		got := []string{Period(Daily, d), Period(Weekly, d), Period(Monthly, d)}
		if diff := cmp.Diff([]string{tc.day, tc.week, tc.month}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.day, diff)
		}
	}
	if got := TagName(Weekly, day("2026-12-07")); got != "qlikops/weekly/2026-W50" {
		t.Errorf("TagName = %q", got)
	}
}

// A night without a run uses up no count, and the newest run of a period
// names it, whatever the order runs come in.
func TestSelectSkipsNightsWithoutARun(t *testing.T) {
	var runs []Run
	for _, d := range []string{"2026-11-27", "2026-11-30", "2026-12-01", "2026-12-03", "2026-12-06", "2026-12-07"} {
		runs = append(runs, Run{ID: "r" + d, Time: day(d), Commit: "c" + d})
	}
	runs = append(runs, Run{ID: "late", Time: day("2026-12-07").Add(time.Hour), Commit: "c-late"})
	got := map[string]string{}
	for _, tg := range Select(Policy{Daily: 3, Weekly: 2, Monthly: 2}, runs) {
		got[tg.Name] = tg.Run
	}
	want := map[string]string{
		"qlikops/daily/2026-12-07": "late",
		"qlikops/daily/2026-12-06": "r2026-12-06",
		"qlikops/daily/2026-12-03": "r2026-12-03",
		"qlikops/weekly/2026-W50":  "late",
		"qlikops/weekly/2026-W49":  "r2026-12-06",
		"qlikops/monthly/2026-12":  "late",
		"qlikops/monthly/2026-11":  "r2026-11-30",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := len(Select(Policy{}, runs)); n != 0 {
		t.Errorf("an empty policy keeps %d tags", n)
	}
}

func TestDayStartCountsToday(t *testing.T) {
	now := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	if got := DayStart(now, 14); !got.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DayStart(14) = %s", got)
	}
	if got := DayStart(now, 0); !got.After(now) {
		t.Errorf("DayStart(0) = %s keeps some of today", got)
	}
}

func TestReferencesReadsSha256Fields(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("B", 64)
	doc := fmt.Sprintf("spec:\n  qvf:\n    sha256: %s\n  files:\n    - sha256: \"%s\" # theme\n    - sha256: '%s'\n  note: the sha256: %s in a sentence\n  short:\n    sha256: %s\n  long:\n    sha256: %s0\n",
		a, b, a, strings.Repeat("c", 64), strings.Repeat("d", 63), strings.Repeat("e", 64))
	got := References([]byte(doc))
	if diff := cmp.Diff([]string{a, strings.ToLower(b)}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
