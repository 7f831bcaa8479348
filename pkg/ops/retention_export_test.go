package ops_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
)

// Export tags its own run when qlikops.yaml has a policy: the run becomes
// the newest of its day, ISO week and month, and older periods' tags stay
// until prune. A partial run moves no tag.
func TestExportTagsItsRunAndPruneTrimsThem(t *testing.T) {
	s, url := startSim(t, sim.Options{}, demoSeed)
	repo := t.TempDir()
	cfg := "kinds: [spaces, data-connections]\nretention: {daily: 2, weekly: 1, monthly: 3}\n"
	if err := os.WriteFile(filepath.Join(repo, ops.ConfigPath), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, repo, url, 1)
	env.Include = []string{"spaces", "data-connections"}
	export := func(when string) string {
		t.Helper()
		at, err := time.Parse(time.DateTime, when)
		if err != nil {
			t.Fatal(err)
		}
		env.Now = func() time.Time { return at }
		if err := env.Client.Do(ctxFor(t, 5*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": "Night " + at.Format("20060102"), "type": "shared"}, nil); err != nil {
			t.Fatal(err)
		}
		res, err := ops.Export(ctxFor(t, 20*time.Second), env)
		if err != nil {
			t.Fatal(err)
		}
		return res.Manifest.Commit
	}
	tags := func() map[string]string {
		out := map[string]string{}
		for _, l := range strings.Split(git(t, repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/tags/qlikops/"), "\n") {
			if name, h, ok := strings.Cut(l, " "); ok {
				out[name] = h
			}
		}
		return out
	}
	mon := export("2026-11-30 02:00:00") // Monday of 2026-W49, last of November
	tue := export("2026-12-01 02:00:00")
	want := map[string]string{
		"qlikops/daily/2026-11-30": mon,
		"qlikops/daily/2026-12-01": tue,
		"qlikops/weekly/2026-W49":  tue,
		"qlikops/monthly/2026-11":  mon,
		"qlikops/monthly/2026-12":  tue,
	}
	if diff := cmp.Diff(want, tags()); diff != "" {
		t.Fatalf("tags after two nights (-want +got):\n%s", diff)
	}
	s.SetFaults(sim.Faults{Truncate: &sim.Fault{Rate: 1, Path: "/api/v1/data-connections*"}})
	partial := export("2026-12-08 02:00:00")
	s.SetFaults(sim.Faults{})
	if partial == "" || partial == tue {
		t.Fatalf("the partial run committed %q", partial)
	}
	if diff := cmp.Diff(want, tags()); diff != "" {
		t.Fatalf("a partial run moved tags (-want +got):\n%s", diff)
	}
	next := export("2026-12-09 02:00:00")
	want["qlikops/daily/2026-12-09"] = next
	want["qlikops/weekly/2026-W50"] = next
	want["qlikops/monthly/2026-12"] = next
	if diff := cmp.Diff(want, tags()); diff != "" {
		t.Fatalf("tags after the next good night (-want +got):\n%s", diff)
	}

	env.Now = func() time.Time { return time.Date(2026, 12, 9, 3, 0, 0, 0, time.UTC) }
	res, err := ops.Prune(ctxFor(t, 20*time.Second), env, ops.PruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// daily 2: Dec 9 and Dec 1 (the 8th had no good run); weekly 1: W50.
	delete(want, "qlikops/daily/2026-11-30")
	delete(want, "qlikops/weekly/2026-W49")
	if diff := cmp.Diff(want, tags()); diff != "" {
		t.Errorf("tags after prune (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"qlikops/daily/2026-11-30", "qlikops/weekly/2026-W49"}, res.DeletedTags); diff != "" {
		t.Errorf("deleted tags (-want +got):\n%s", diff)
	}
	// Kept records: the three tagged runs, and every record of Dec 8 and 9.
	if res.KeptRuns != 4 || res.DroppedRuns != 0 {
		t.Errorf("records kept %d, dropped %d; want 4 and 0 (Nov 30 is the monthly run)", res.KeptRuns, res.DroppedRuns)
	}
}
