package ops_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/store"
	"github.com/qlikops/qlikops/schemas"
)

// runsCheckedRepo is a temporary repo whose run records are all validated
// against schemas/run-record.schema.json when the test ends: every test that
// produces records through it checks them for free.
func runsCheckedRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
			return
		}
		repo, err := store.Open(dir)
		if err != nil {
			t.Errorf("open %s to check its run records: %v", dir, err)
			return
		}
		runs, err := repo.Runs(0)
		if err != nil {
			t.Errorf("run records: %v", err)
		}
		for i, raw := range runs {
			if err := schemas.ValidateRunRecord(raw); err != nil {
				t.Errorf("run record %d (newest first): %v\n%s", i+1, err, raw)
			}
		}
	})
	return dir
}

// newestRecord decodes the newest record on the runs ref into v.
func newestRecord(t *testing.T, dir string, v any) {
	t.Helper()
	repo, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := repo.LastRun()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// The manifest counts per kind what was read and what changed, counts the
// API calls per tier with the 429s and retries a storm caused, and the
// status of the repo lists both runs.
func TestManifestCountsChangesAndCalls(t *testing.T) {
	s, url := startSim(t, sim.Options{}, demoSeed)
	repo := runsCheckedRepo(t)
	env := newEnv(t, repo, url, 5)
	env.Include = []string{"spaces", "groups"}
	if _, err := ops.Export(ctxFor(t, 20*time.Second), env); err != nil {
		t.Fatal(err)
	}
	var first ops.Manifest
	newestRecord(t, repo, &first)
	spaces := kindOf(t, first, "spaces")
	if spaces.Count == 0 || spaces.Changed != spaces.Count || spaces.Unchanged != 0 {
		t.Errorf("first export, spaces: %+v; want every one changed", spaces)
	}

	if err := env.Client.Do(ctxFor(t, 5*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": "Counted", "type": "shared"}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := sim.ParseFaults("429storm=2,429storm.retryafter=1")
	if err != nil {
		t.Fatal(err)
	}
	s.SetFaults(f)
	if _, err := ops.Export(ctxFor(t, 30*time.Second), env); err != nil {
		t.Fatal(err)
	}
	var second ops.Manifest
	newestRecord(t, repo, &second)
	spaces2 := kindOf(t, second, "spaces")
	if spaces2.Count != spaces.Count+1 || spaces2.Changed != 1 || spaces2.Unchanged != spaces.Count {
		t.Errorf("second export, spaces: %+v; want %d exported, 1 changed, %d unchanged", spaces2, spaces.Count+1, spaces.Count)
	}
	groups := kindOf(t, second, "groups")
	if groups.Changed != 0 || groups.Unchanged != groups.Count {
		t.Errorf("second export, groups: %+v; want all unchanged", groups)
	}
	if second.Summary != (ops.KindTally{Exported: 2, Changed: 1, Unchanged: 1}) {
		t.Errorf("summary %+v", second.Summary)
	}
	api := second.API.Tier1
	if api.Throttled != 2 || api.Retries < 2 || api.Calls < 4 || second.API.Tier2.Calls != 0 {
		t.Errorf("api %+v; want 2 throttled, at least 2 retries, reads only", second.API)
	}
	if first.API.Tier1.Throttled != 0 {
		t.Errorf("the first run counted the second's 429s: %+v", first.API)
	}

	st, err := ops.RepoStatus(repo, ops.StatusOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Runs) != 2 || len(st.Problems) != 0 || !strings.Contains(strings.Join(st.Runs[0].Changes, ","), "spaces: 1 changed") {
		t.Errorf("status runs %+v, problems %v", st.Runs, st.Problems)
	}
}

func kindOf(t *testing.T, m ops.Manifest, folder string) ops.KindReport {
	t.Helper()
	for _, k := range m.Kinds {
		if k.Folder == folder {
			return k
		}
	}
	t.Fatalf("no %s in %+v", folder, m.Kinds)
	return ops.KindReport{}
}

// --max-age is judged against the clock status is given: a backup is fresh
// just inside the age and stale just past it, per kind.
func TestStatusMaxAgeUsesTheClock(t *testing.T) {
	_, url := startSim(t, sim.Options{}, demoSeed)
	repo := runsCheckedRepo(t)
	env := newEnv(t, repo, url, 5)
	env.Include = []string{"spaces"}
	exported := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	env.Now = func() time.Time { return exported }
	if _, err := ops.Export(ctxFor(t, 20*time.Second), env); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		later time.Duration
		stale bool
	}{{25 * time.Hour, false}, {27 * time.Hour, true}} {
		now := exported.Add(c.later)
		st, err := ops.RepoStatus(repo, ops.StatusOptions{MaxAge: 26 * time.Hour, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(st.Problems) > 0; got != c.stale || len(st.Kinds) != 1 || st.Kinds[0].Stale != c.stale {
			t.Errorf("%s after the export: problems %v, kinds %+v; want stale %v", c.later, st.Problems, st.Kinds, c.stale)
		}
	}
}

// The first run records named a failed kind's reason "error"; status and
// prune still read them.
func TestKindReportReadsLegacyError(t *testing.T) {
	var m ops.Manifest
	raw := `{"op":"export","kinds":[{"kind":"Space","folder":"spaces","status":"failed","count":0,"error":"read spaces: 503"},
		{"kind":"User","folder":"users","status":"failed","count":0,"reason":"read users: 401","error":"ignored"}]}`
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if got := m.Kinds[0].Reason; got != "read spaces: 503" {
		t.Errorf("legacy error read as reason %q", got)
	}
	if got := m.Kinds[1].Reason; got != "read users: 401" {
		t.Errorf("reason must win over a legacy error: got %q", got)
	}
	if m.Kinds[0].Status != ops.KindFailed || m.Kinds[0].Folder != "spaces" {
		t.Errorf("other fields lost: %+v", m.Kinds[0])
	}
}
