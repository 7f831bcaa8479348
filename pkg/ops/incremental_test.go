package ops_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/generate"
)

// Data connections and automations are read once more each only when their
// list timestamp moved since the last snapshot: an unchanged re-export
// makes no per-item GET, a changed item costs one, and a save that changed
// nothing makes no commit.
func TestIncrementalPerItemReads(t *testing.T) {
	s := sim.New(sim.Options{APIKey: "inc"})
	counts := generate.Counts{Spaces: 8, Assignments: 20, Users: 10, Groups: 2, Connections: 40, Automations: 12}
	if err := sim.LoadGenerated(s, counts, 11); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "inc", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		t.Fatal(err)
	}
	env := ops.Env{RepoDir: runsCheckedRepo(t), Client: c, Registry: kinds.Default(), Version: "test"}
	ctx := context.Background()
	export := func(what string) ops.ExportResult {
		t.Helper()
		s.ResetStats()
		res, err := ops.Export(ctx, env)
		if err != nil || res.Partial() {
			t.Fatalf("%s: %v %+v", what, err, res.Manifest.Kinds)
		}
		// The run record holds the real reads against the minimum, and
		// the real count is within the simulator's (which also saw the run's
		// tenant checks before the count starts).
		api := res.Manifest.API
		t.Logf("%s: %d reads, minimum %d", what, api.Tier1.Calls, api.MinTier1Calls)
		if api.Tier1.Calls > s.Stats().Tier1 || api.MinTier1Calls == 0 || float64(api.Tier1.Calls) > 1.05*float64(api.MinTier1Calls)+3 {
			t.Errorf("%s: %d reads (simulator %d), minimum %d: more than 5%% over", what, api.Tier1.Calls, s.Stats().Tier1, api.MinTier1Calls)
		}
		return res
	}
	perItem := func() (int64, int64) {
		f := s.Stats().ByFamily
		return f["GET data-connections/*"], f["GET automations/*"]
	}

	if res := export("first export"); res.Commit == "" {
		t.Fatal("first export made no commit")
	}
	if dc, au := perItem(); dc != int64(counts.Connections) || au != int64(counts.Automations) {
		t.Fatalf("first export: %d connection and %d automation GETs, want %d and %d", dc, au, counts.Connections, counts.Automations)
	}
	if res := export("unchanged"); res.Commit != "" {
		t.Errorf("unchanged re-export committed %s", res.Commit)
	}
	if dc, au := perItem(); dc != 0 || au != 0 {
		t.Errorf("unchanged re-export: %d connection and %d automation GETs, want none", dc, au)
	}

	// One connection gets a connection secret (only its GET shows it), one
	// automation is renamed: one GET each, and both changes are committed.
	var conns []map[string]any
	if err := c.ListAll(ctx, "/api/v1/data-connections", nil, decodeAll(&conns)); err != nil {
		t.Fatal(err)
	}
	var autos []map[string]any
	if err := c.ListAll(ctx, "/api/v1/automations", nil, decodeAll(&autos)); err != nil {
		t.Fatal(err)
	}
	dc := conns[3]
	full := map[string]any{}
	if err := c.Do(ctx, "GET", "/api/v1/data-connections/"+dc["qID"].(string), nil, &full); err != nil {
		t.Fatal(err)
	}
	full["qConnectionSecret"] = "new-token"
	if err := c.Do(ctx, "PUT", "/api/v1/data-connections/"+dc["qID"].(string), full, nil); err != nil {
		t.Fatal(err)
	}
	var me map[string]any
	if err := c.Do(ctx, "GET", "/api/v1/users/me", nil, &me); err != nil {
		t.Fatal(err)
	}
	var au map[string]any
	for _, a := range autos {
		if a["ownerId"] == me["id"] {
			au = a
		}
	}
	if err := c.Do(ctx, "PUT", "/api/v1/automations/"+au["id"].(string), map[string]any{"name": "Renamed automation",
		"state": au["state"], "workspace": map[string]any{"blocks": []any{}}}, nil); err != nil {
		t.Fatal(err)
	}
	if res := export("one change each"); res.Commit == "" {
		t.Error("changes were not committed")
	}
	if dcN, auN := perItem(); dcN != 1 || auN != 1 {
		t.Errorf("after one change each: %d connection and %d automation GETs, want 1 and 1", dcN, auN)
	}

	// A save that changes nothing moves the timestamp: one GET, no commit.
	if err := c.Do(ctx, "PUT", "/api/v1/data-connections/"+dc["qID"].(string), full, nil); err != nil {
		t.Fatal(err)
	}
	if res := export("touched"); res.Commit != "" {
		t.Errorf("a save without change committed %s", res.Commit)
	}
	if dcN, _ := perItem(); dcN != 1 {
		t.Errorf("touched connection: %d GETs, want 1", dcN)
	}
}

func decodeAll(into *[]map[string]any) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		m := map[string]any{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		*into = append(*into, m)
		return nil
	}
}

// Paced at the tenant's limits (scaled: a "minute" of a second), an export of
// more reads than one window holds stays under them: not one 429.
func TestPacedRunsMakeNo429(t *testing.T) {
	opts := sim.Options{APIKey: "paced", Tier1PerMin: 100, Tier2PerMin: 100, RateMinute: time.Second}
	s := sim.New(opts)
	counts := generate.Counts{Spaces: 6, Assignments: 12, Users: 8, Connections: 110, Automations: 10}
	if err := sim.LoadGenerated(s, counts, 2); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "paced", Tier1PerMin: 100, Tier2PerMin: 100, RateMinute: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	env := ops.Env{RepoDir: runsCheckedRepo(t), Client: c, Registry: kinds.Default(), Version: "test"}
	start := time.Now()
	res, err := ops.Export(context.Background(), env)
	if err != nil || res.Partial() {
		t.Fatalf("export: %v %+v", err, res.Manifest.Kinds)
	}
	st := s.Stats()
	// 95 reads a window: the export needed more than one.
	if st.Tier1 < 120 || time.Since(start) < time.Second {
		t.Fatalf("export made %d reads in %v: too few to test pacing", st.Tier1, time.Since(start))
	}
	t.Logf("sim tier1 %d (429 %d), tier2 %d (429 %d), client tier1 %d, waited %v", st.Tier1, st.Tier1Throttled, st.Tier2, st.Tier2Throttled, c.Stats().Tier1.Requests, c.Stats().Tier1.Waited)
	if st.Throttled != 0 || c.Stats().Throttled() != 0 {
		t.Errorf("paced export: %d 429s from the simulator, %d seen by the client", st.Throttled, c.Stats().Throttled())
	}
}
