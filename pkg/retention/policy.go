package retention

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Policy is how many periods of each layer keep a run. A zero count turns the
// layer off.
type Policy struct {
	Daily   int `yaml:"daily" json:"daily"`
	Weekly  int `yaml:"weekly" json:"weekly"`
	Monthly int `yaml:"monthly" json:"monthly"`
}

// Layers are the policy's layers, shortest lookback first, as tag folders.
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// TagPrefix starts every retention tag: qlikops/daily/2026-12-07,
// qlikops/weekly/2026-W49, qlikops/monthly/2026-12.
const TagPrefix = "qlikops/"

// Layers lists the layer names in the order tags are reported.
func Layers() []string { return []string{Daily, Weekly, Monthly} }

func (p Policy) count(layer string) int {
	switch layer {
	case Daily:
		return p.Daily
	case Weekly:
		return p.Weekly
	case Monthly:
		return p.Monthly
	}
	return 0
}

func (p Policy) String() string {
	return fmt.Sprintf("daily %d, weekly %d, monthly %d", p.Daily, p.Weekly, p.Monthly)
}

// Period names the day, ISO week or month t falls in, in UTC: 2026-12-07,
// 2026-W49, 2026-12. ISO weeks start on Monday and belong to the year that
// holds their Thursday, so 2027-01-01 is in 2026-W53.
func Period(layer string, t time.Time) string {
	t = t.UTC()
	switch layer {
	case Daily:
		return t.Format("2006-01-02")
	case Weekly:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Monthly:
		return t.Format("2006-01")
	}
	return ""
}

// TagName is the tag that names the run of layer's period holding t.
func TagName(layer string, t time.Time) string {
	return TagPrefix + layer + "/" + Period(layer, t)
}

// IsRetentionTag reports whether a tag name is one this package manages
// (qlikops/<layer>/...). Other tags, qlikops/ ones included, are the user's.
func IsRetentionTag(name string) bool {
	for _, l := range Layers() {
		if strings.HasPrefix(name, TagPrefix+l+"/") {
			return true
		}
	}
	return false
}

// CurrentTags are the tags a new successful run at t takes over: it is the
// newest run of its day, week and month. Layers the policy turns off get none.
func CurrentTags(p Policy, t time.Time) []string {
	var out []string
	for _, l := range Layers() {
		if p.count(l) > 0 {
			out = append(out, TagName(l, t))
		}
	}
	return out
}

// Run is one successful export as retention sees it.
type Run struct {
	ID     string    // the run record's id (its commit on the runs ref)
	Time   time.Time // when it started
	Commit string    // the snapshot commit it exported
}

// Tag is one retention tag the policy keeps.
type Tag struct {
	Name   string `json:"name"`
	Commit string `json:"commit"`
	Run    string `json:"run"` // the Run.ID it names
}

// Select returns the tags the policy keeps over runs (successful exports, in
// any order): for each layer, the newest run of each of the newest Count
// periods that have a run, sorted by name. A period without a run (a night
// the job did not run) uses up no count, as in restic's --keep-daily: the
// policy keeps N runs per layer, not N calendar slots of which some are
// empty. Of two runs with the same time the one listed first wins.
func Select(p Policy, runs []Run) []Tag {
	sorted := make([]Run, len(runs))
	copy(sorted, runs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.After(sorted[j].Time) })
	var out []Tag
	for _, l := range Layers() {
		n := p.count(l)
		seen := map[string]bool{}
		for _, r := range sorted {
			if len(seen) >= n {
				break
			}
			key := Period(l, r.Time)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Tag{Name: TagPrefix + l + "/" + key, Commit: r.Commit, Run: r.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DayStart is the start of the oldest of the last n UTC calendar days up to
// now (today counts as one); run records from then on are kept whole. n <= 0
// gives a time after now: no day is kept whole.
func DayStart(now time.Time, n int) time.Time {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if n <= 0 {
		return today.AddDate(0, 0, 1)
	}
	return today.AddDate(0, 0, -(n - 1))
}
