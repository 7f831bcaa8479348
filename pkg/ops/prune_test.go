package ops_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/retention"
	"github.com/qlikops/qlikops/pkg/store"
)

// nightly simulates a year and more of nightly exports against a real repo
// on disk, recorded the way export records them, with app binaries in an
// artifacts store that the snapshot documents name by sha256.
type nightly struct {
	t        *testing.T
	dir, art string
	repo     *store.Repo
	start    time.Time
	tip      string
	// refs is the test's own model: which artifacts each commit's documents
	// name, so expectations never come from scanning.
	refs    map[string][]string
	written []string
	records []simRecord // newest last
}

type simRecord struct {
	day    int
	at     time.Time
	status string
	commit string
}

func newNightly(t *testing.T, policy string) *nightly {
	t.Helper()
	n := &nightly{t: t, dir: t.TempDir(), art: t.TempDir(), refs: map[string][]string{},
		start: time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)}
	repo, err := store.OpenOrInit(n.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	n.repo = repo
	cfg := "tenant: https://acme.example\nretention: " + policy + "\n"
	if err := os.WriteFile(filepath.Join(n.dir, ops.ConfigPath), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return n
}

func (n *nightly) day(i int) time.Time { return n.start.AddDate(0, 0, i) }

// artifact stores a synthetic binary and returns its sha256.
func (n *nightly) artifact(content string) string {
	sum := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(sum[:])
	p := filepath.Join(n.art, "sha256", h)
	if _, err := os.Stat(p); err == nil {
		return h
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		n.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		n.t.Fatal(err)
	}
	n.written = append(n.written, h)
	return h
}

// commit puts the app document naming app on branch (moving n.tip on main).
func (n *nightly) commit(branch, parent, app string, when time.Time) string {
	theme := n.artifact("theme binary, the same every night")
	files := store.Files{
		"apps/sales/app.yaml":   []byte("apiVersion: qlikops.dev/v1\nkind: App\nmetadata:\n  name: Sales\nspec:\n  qvf:\n    sha256: " + app + "\n"),
		"themes/brand.yaml":     []byte("kind: Theme\nspec:\n  files:\n    - name: brand.zip\n      sha256: \"" + theme + "\"\n"),
		"apps/sales/script.qvs": []byte("// sha256: " + strings.Repeat("0", 64) + " is a side file, not a reference\n"),
	}
	old := parent
	if branch != "main" {
		old = ""
	}
	h, err := n.repo.CommitFiles(branch, old, parent, files, nil, "snapshot", store.CommitOptions{Name: "t", Email: "t@example.com", When: when})
	if err != nil {
		n.t.Fatal(err)
	}
	if h == "" {
		return parent
	}
	n.refs[h] = []string{app, theme}
	return h
}

// run records one export run at at, as export does.
func (n *nightly) run(day int, at time.Time, status, app string) {
	c := n.commit("main", n.tip, app, at)
	n.tip = c
	m := ops.Manifest{Op: "export", Tool: "qlikops test", Tenant: "https://acme.example", StartedAt: at,
		FinishedAt: at.Add(time.Minute), Status: status, Commit: c}
	b, err := json.Marshal(m)
	if err != nil {
		n.t.Fatal(err)
	}
	if _, err := n.repo.RecordRun(b, "qlikops run "+status, store.CommitOptions{Name: "t", Email: "t@example.com", When: at}); err != nil {
		n.t.Fatal(err)
	}
	n.records = append(n.records, simRecord{day: day, at: at, status: status, commit: c})
}

func (n *nightly) prune(now time.Time, dryRun bool) ops.PruneResult {
	n.t.Helper()
	env := ops.Env{RepoDir: n.dir, Now: func() time.Time { return now }}
	res, err := ops.Prune(ctxFor(n.t, time.Minute), env, ops.PruneOptions{Artifacts: n.art, DryRun: dryRun})
	if err != nil {
		n.t.Fatalf("prune at %s: %v", now.Format(time.DateOnly), err)
	}
	return res
}

// TestRetentionAcross400Nights runs 400 nightly exports (an app binary that
// changes every third night, a theme binary that never does, and a partial
// run on every tenth night that built an app no successful run has), with a
// user's release tag on night 50, a feature branch, a monthly prune and a
// final prune; then checks the tags, the runs ref and the artifacts store
// against the calendar.
func TestRetentionAcross400Nights(t *testing.T) {
	for _, tc := range []struct {
		policy                 string
		daily, weekly, monthly int
	}{
		{"{daily: 14, weekly: 8, monthly: 24}", 14, 8, 24},
		{"{daily: 3, weekly: 2, monthly: 5}", 3, 2, 5},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			n := newNightly(t, tc.policy)
			const days = 400
			var feature, release string
			for i := range days {
				n.run(i, n.day(i).Add(2*time.Hour), "ok", n.artifact(fmt.Sprintf("sales build %d", i/3)))
				if i%10 == 4 {
					n.run(i, n.day(i).Add(5*time.Hour), "partial", n.artifact(fmt.Sprintf("sales half-read %d", i)))
				}
				if i == 100 {
					feature = n.commit("feature", n.tip, n.artifact("a build only a feature branch has"), n.day(i))
				}
				if i == 50 {
					// A user's release tag: the night's build is kept forever.
					release = n.tip
					if err := n.repo.SetTag("release-2025", "", release); err != nil {
						t.Fatal(err)
					}
				}
				if i%30 == 29 {
					n.prune(n.day(i).Add(3*time.Hour), false)
				}
			}
			n.artifact("an orphan no snapshot ever named")
			junk := []string{"README", strings.Repeat("a", 64) + ".tmp"}
			for _, j := range junk {
				if err := os.WriteFile(filepath.Join(n.art, "sha256", j), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			now := n.day(days - 1).Add(6 * time.Hour)
			last := days - 1

			wantTags := n.expectedTags(last, tc.daily, tc.weekly, tc.monthly)
			wantRecords := n.expectedRecords(wantTags, last, tc.daily)
			wantArts := n.expectedArtifacts(wantRecords, feature, release)
			wantTagCommits := map[string]string{}
			for name, d := range wantTags {
				wantTagCommits[name] = n.okCommit(d)
			}

			before := n.storeContents()
			dry := n.prune(now, true)
			if after := n.storeContents(); !cmp.Equal(before, after) {
				t.Fatalf("dry run changed the store")
			}
			res := n.prune(now, false)
			if diff := cmp.Diff(dry.DeletedArtifacts, res.DeletedArtifacts); diff != "" {
				t.Errorf("dry run and real run disagree on deletions (-dry +real):\n%s", diff)
			}

			wantTagCommits["release-2025"] = release
			if diff := cmp.Diff(wantTagCommits, n.tagsInGit()); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantRecords, n.recordsOnRef()); diff != "" {
				t.Errorf("run records (-want +got):\n%s", diff)
			}
			wantStore := append(append([]string{}, wantArts...), junk...)
			sort.Strings(wantStore)
			if diff := cmp.Diff(wantStore, n.storeContents()); diff != "" {
				t.Errorf("artifacts store (-want +got):\n%s", diff)
			}
			if len(res.DeletedArtifacts) == 0 || len(res.DeletedTags) == 0 || res.DroppedRuns == 0 {
				t.Errorf("final prune deleted %d artifacts, %d tags and %d run records; want some of each (what aged out since the last monthly prune)", len(res.DeletedArtifacts), len(res.DeletedTags), res.DroppedRuns)
			}
			again := n.prune(now, false)
			if again.DroppedRuns != 0 || len(again.DeletedArtifacts) != 0 || len(again.DeletedTags) != 0 || len(again.SetTags) != 0 {
				t.Errorf("a second prune still changed things: %+v", again)
			}
			git(t, n.dir, "fsck", "--no-dangling")
		})
	}
}

// expectedTags derives the kept tags from the calendar, not from grouping
// runs: the last daily days; for weeks, today and the Sundays (a week's last
// night) of the weekly-1 weeks before this one; for months, today and the
// last day of each of the monthly-1 months before this one that the runs
// reach.
// It gives each tag's night.
func (n *nightly) expectedTags(last, daily, weekly, monthly int) map[string]int {
	want := map[string]int{}
	add := func(layer string, day int) {
		if day >= 0 {
			want[retention.TagName(layer, n.day(day))] = day
		}
	}
	for d := last; d > last-daily; d-- {
		add("daily", d)
	}
	add("weekly", last)
	weekday := (int(n.day(last).Weekday()) + 6) % 7 // Monday 0
	for w := 1; w < weekly; w++ {
		add("weekly", last-weekday-1-7*(w-1))
	}
	add("monthly", last)
	first := n.day(last)
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	for m := 1; m < monthly; m++ {
		lastOfPrev := first.AddDate(0, 0, -1)
		add("monthly", int(lastOfPrev.Sub(n.start).Hours()/24))
		first = time.Date(lastOfPrev.Year(), lastOfPrev.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return want
}

// expectedRecords: every record of the last daily days plus the record of
// each tagged run, as "day status" lines, oldest first.
func (n *nightly) expectedRecords(tags map[string]int, last, daily int) []string {
	tagged := map[int]bool{}
	for _, d := range tags {
		tagged[d] = true
	}
	var out []string
	for _, r := range n.records {
		if r.day > last-daily || (r.status == "ok" && tagged[r.day]) {
			out = append(out, fmt.Sprintf("%s %s", r.at.Format(time.DateTime), r.status))
		}
	}
	return out
}

func (n *nightly) expectedArtifacts(records []string, feature, release string) []string {
	keep := map[string]bool{}
	kept := map[string]bool{}
	for _, r := range records {
		kept[r] = true
	}
	for _, r := range n.records {
		if kept[fmt.Sprintf("%s %s", r.at.Format(time.DateTime), r.status)] {
			for _, a := range n.refs[r.commit] {
				keep[a] = true
			}
		}
	}
	for _, c := range []string{n.tip, feature, release} {
		for _, a := range n.refs[c] {
			keep[a] = true
		}
	}
	var out []string
	for a := range keep {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (n *nightly) okCommit(day int) string {
	for _, r := range n.records {
		if r.day == day && r.status == "ok" {
			return r.commit
		}
	}
	n.t.Fatalf("no ok run on night %d", day)
	return ""
}

// tagsInGit asks the git binary, not the store, which tags exist.
func (n *nightly) tagsInGit() map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(git(n.t, n.dir, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/tags/"), "\n") {
		if name, h, ok := strings.Cut(l, " "); ok {
			out[name] = h
		}
	}
	return out
}

// recordsOnRef reads refs/qlikops/runs with git log, oldest first, and
// checks that it is one linear chain.
func (n *nightly) recordsOnRef() []string {
	if merges := git(n.t, n.dir, "rev-list", "--min-parents=2", "refs/qlikops/runs"); merges != "" {
		n.t.Errorf("runs ref is not linear: merges %s", merges)
	}
	var out []string
	for _, h := range strings.Fields(git(n.t, n.dir, "rev-list", "--reverse", "refs/qlikops/runs")) {
		var m ops.Manifest
		if err := json.Unmarshal([]byte(git(n.t, n.dir, "show", h+":manifest.json")), &m); err != nil {
			n.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s", m.StartedAt.UTC().Format(time.DateTime), m.Status))
	}
	return out
}

func (n *nightly) storeContents() []string {
	entries, err := os.ReadDir(filepath.Join(n.art, "sha256"))
	if err != nil {
		n.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
