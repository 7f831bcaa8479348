package ops_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
)

// benchTenant is the size of the generated tenant.
type benchTenant struct{ users, groups, spaces, members, connections, automations int }

// seed writes a qliksim seed folder for the tenant.
func (bt benchTenant) seed(tb testing.TB) string {
	dir := tb.TempDir()
	var users, groups, spaces, conns, autos strings.Builder
	users.WriteString("- {subject: auth0|admin, name: Admin, email: admin@example.com, roles: [TenantAdmin]}\n")
	for i := 0; i < bt.users; i++ {
		fmt.Fprintf(&users, "- {subject: auth0|u%d, name: User %d, email: u%d@example.com}\n", i, i, i)
	}
	for i := 0; i < bt.groups; i++ {
		fmt.Fprintf(&groups, "- {name: Group %d, providerType: custom}\n", i)
	}
	for i := 0; i < bt.spaces; i++ {
		fmt.Fprintf(&spaces, "- name: Space %d\n  type: shared\n  members:\n", i)
		for m := 0; m < bt.members; m++ {
			fmt.Fprintf(&spaces, "    - {user: u%d@example.com, roles: [consumer]}\n", (i+m)%bt.users)
		}
	}
	for i := 0; i < bt.connections; i++ {
		fmt.Fprintf(&conns, "- {space: Space %d, name: Conn %d, type: snowflake, connectStatement: \"host=h;PWD=x\", password: p}\n", i%bt.spaces, i)
	}
	for i := 0; i < bt.automations; i++ {
		fmt.Fprintf(&autos, "- {name: Automation %d, workspace: {blocks: [{id: b%d, type: StartBlock}]}}\n", i, i)
	}
	for name, body := range map[string]string{"users.yaml": users.String(), "groups.yaml": groups.String(), "spaces.yaml": spaces.String(),
		"data-connections.yaml": conns.String(), "automations.yaml": autos.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// minCalls is the fewest requests a full export of the tenant needs, as
// each kind declares its reads (list pages at its limit, a GET per item
// where the list lacks fields, per-item lists such as space members): the
// seed's counts by folder, every other kind one empty list.
func (bt benchTenant) minCalls() int {
	n := map[string]int{"users": bt.users + 2, "groups": bt.groups, "spaces": bt.spaces,
		"data-connections": bt.connections, "automations": bt.automations}
	calls := 0
	for _, h := range kinds.Default().All() {
		calls += h.Declared().MinReadCalls(n[h.Folder()])
	}
	return calls
}

// benchSim serves a generated tenant with 2 ms of latency per request. The
// client's rate scheduler is off so the benchmark measures qlikops, not
// Qlik's quota; the quota's bound is reported as its own metric.
func benchSim(b *testing.B, bt benchTenant) (*sim.Server, *qlik.Client) {
	s := sim.New(sim.Options{APIKey: "bench", Latency: 2 * time.Millisecond})
	if err := s.LoadSeed(bt.seed(b)); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "bench", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		b.Fatal(err)
	}
	return s, c
}

var benchSize = benchTenant{users: 150, groups: 20, spaces: 200, members: 5, connections: 60, automations: 40}

// BenchmarkExportUnchanged is the steady state of a scheduled export: the
// tenant did not change, so nothing is written and nothing committed; the
// time is the reads plus comparing with HEAD.
func BenchmarkExportUnchanged(b *testing.B) {
	s, c := benchSim(b, benchSize)
	env := ops.Env{RepoDir: b.TempDir(), Client: c, Registry: kinds.Default(), Version: "bench"}
	if _, err := ops.Export(context.Background(), env); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.ResetStats()
		res, err := ops.Export(context.Background(), env)
		if err != nil || res.Commit != "" {
			b.Fatalf("export: %v, commit %q", err, res.Commit)
		}
	}
	b.ReportMetric(float64(s.Stats().Tier1)/float64(benchSize.minCalls()), "calls/min")
}

// BenchmarkExport exports a generated tenant from qliksim with 2 ms of
// latency per request. It reports the requests made against the minimum
// needed (calls/min: 1.00 means not one call wasted) and the time per full
// export.
func BenchmarkExport(b *testing.B) {
	bt := benchSize
	s, c := benchSim(b, bt)
	b.ReportAllocs()
	b.ResetTimer()
	var calls int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		repo := b.TempDir()
		s.ResetStats()
		b.StartTimer()
		env := ops.Env{RepoDir: repo, Client: c, Registry: kinds.Default(), Version: "bench"}
		res, err := ops.Export(context.Background(), env)
		if err != nil || res.Partial() {
			b.Fatalf("export: %v %+v", err, res.Manifest.Kinds)
		}
		calls += s.Stats().Tier1
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(calls)/float64(b.N)/float64(bt.minCalls()), "calls/min")
	// At Qlik's Tier 1 rate (1,000 GETs a minute) in steady state, the
	// export cannot take less than this, whatever qlikops does.
	b.ReportMetric(float64(calls)/float64(b.N)/(1000.0/60), "s-at-tier1-rate")
}
