package ops_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/generate"
)

// The scale benchmark (issue 13): the large tenant, generated, served by
// qliksim on loopback. Two settings, each measured in the same run:
//   - rate-bound: Qlik's real limits (1,000 reads and 100 writes a minute)
//     with a minute lasting scaleMinute, qlikops paced to them: wall time
//     against the bound (the minimum calls at the limit);
//   - latency-bound: limits off, the same latency for qlikops and for the
//     naive baseline (sequential, default page sizes, a GET per item).
//
// QLIKOPS_BENCH_SCALE scales the tenant (default 1: the large
// tenant). Every loop below is bounded by the tenant's size, and each
// scenario by benchTimeout.
const (
	scaleMinute = 2 * time.Second
	// restoreMinute is the rate-limit minute of the restore row: a restore
	// creates every resource at Tier 2's 100 a minute, so at scaleMinute the
	// large tenant's restore alone would take over ten minutes.
	restoreMinute = 250 * time.Millisecond
	benchLatency  = 5 * time.Millisecond
	benchTimeout  = 10 * time.Minute
)

func benchCounts() generate.Counts {
	f := 1.0
	if v, err := strconv.ParseFloat(os.Getenv("QLIKOPS_BENCH_SCALE"), 64); err == nil && v > 0 && v <= 1 {
		f = v
	}
	n := func(x int) int { return max(1, int(float64(x)*f)) }
	return generate.Counts{Spaces: n(1000), Assignments: n(20000), Users: n(1000), Groups: n(50),
		Connections: n(5000), Automations: n(500)}
}

// row is one line of the table.
type row struct {
	scenario         string
	calls, min       int64
	wall, bound      time.Duration
	baseline         time.Duration
	throttled        int64
	peakMB           float64
	local            time.Duration
	baselineCalls    int64
	tier2, tier2Base int64
}

// peakHeap samples the heap in use until stop is called.
func peakHeap() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(done); return float64(peak.Load()) / (1 << 20) }
}

type benchSide struct {
	s   *sim.Server
	c   *qlik.Client
	env ops.Env
	api *apiSpan
}

// apiSpan records when the simulator saw its first and last request since
// reset: the export's local work is its wall time outside that span.
type apiSpan struct{ first, last atomic.Int64 }

func (a *apiSpan) reset() { a.first.Store(0); a.last.Store(0) }

func (a *apiSpan) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().UnixNano()
		a.first.CompareAndSwap(0, now)
		next.ServeHTTP(w, r)
		a.last.Store(time.Now().UnixNano())
	})
}

func (a *apiSpan) span() time.Duration { return time.Duration(a.last.Load() - a.first.Load()) }

func newBenchSide(b *testing.B, counts generate.Counts, limited bool) benchSide {
	span := &apiSpan{}
	opts := sim.Options{APIKey: "bench", Middleware: []func(http.Handler) http.Handler{span.middleware}}
	cfg := qlik.Config{APIKey: "bench", Tier1PerMin: -1, Tier2PerMin: -1}
	if limited {
		opts.Tier1PerMin, opts.Tier2PerMin, opts.RateMinute = 1000, 100, scaleMinute
		cfg.Tier1PerMin, cfg.Tier2PerMin, cfg.RateMinute = 1000, 100, scaleMinute
	} else {
		opts.Latency = benchLatency
	}
	s := sim.New(opts)
	if err := sim.LoadGenerated(s, counts, 13); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	cfg.TenantURL = srv.URL
	c, err := qlik.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return benchSide{s: s, c: c, api: span, env: ops.Env{RepoDir: b.TempDir(), Client: c, Registry: kinds.Default(), Version: "bench"}}
}

// export runs one export and measures it.
func (bs benchSide) export(b *testing.B, scenario string) row {
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	bs.s.ResetStats()
	bs.api.reset()
	runtime.GC()
	stop := peakHeap()
	start := time.Now()
	res, err := ops.Export(ctx, bs.env)
	wall := time.Since(start)
	peak := stop()
	if err != nil || res.Partial() {
		b.Fatalf("%s: %v %+v", scenario, err, res.Manifest.Kinds)
	}
	api := res.Manifest.API
	st := bs.s.Stats()
	return row{scenario: scenario, calls: api.Tier1.Calls, min: api.MinTier1Calls, wall: wall,
		bound: time.Duration(float64(api.MinTier1Calls) / 1000 * float64(time.Minute)), throttled: st.Throttled,
		peakMB: peak, tier2: st.Tier2, local: wall - bs.api.span()}
}

// changeOnePercent renames 1% of the connections and automations.
func changeOnePercent(b *testing.B, c *qlik.Client) {
	ctx := context.Background()
	var conns, autos []map[string]any
	if err := c.ListAll(ctx, "/api/v1/data-connections", url.Values{"limit": {"100"}}, decodeAll(&conns)); err != nil {
		b.Fatal(err)
	}
	if err := c.ListAll(ctx, "/api/v1/automations", url.Values{"limit": {"200"}}, decodeAll(&autos)); err != nil {
		b.Fatal(err)
	}
	var me map[string]any
	if err := c.Do(ctx, "GET", "/api/v1/users/me", nil, &me); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(conns); i += 100 {
		id := conns[i]["qID"].(string)
		full := map[string]any{}
		if err := c.Do(ctx, "GET", "/api/v1/data-connections/"+id, nil, &full); err != nil {
			b.Fatal(err)
		}
		full["qName"] = fmt.Sprint(full["qName"], " (changed)")
		if err := c.Do(ctx, "PUT", "/api/v1/data-connections/"+id, full, nil); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < len(autos); i += 100 {
		if autos[i]["ownerId"] != me["id"] {
			continue
		}
		if err := c.Do(ctx, "PUT", "/api/v1/automations/"+autos[i]["id"].(string), map[string]any{"name": fmt.Sprint(autos[i]["name"], " (changed)"),
			"state": autos[i]["state"], "workspace": map[string]any{"blocks": []any{}}}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// naiveExport is the baseline: what a backup script written against the
// API one resource at a time does. Sequential, every list at its default
// page size, a GET per item, each space's members at the default page.
func naiveExport(b *testing.B, c *qlik.Client) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	before := c.Stats().Tier1.Requests
	type item = map[string]any
	list := func(path string) []item {
		var out []item
		if err := c.ListAll(ctx, path, nil, decodeAll(&out)); err != nil {
			b.Fatalf("baseline %s: %v", path, err)
		}
		return out
	}
	get := func(path string) {
		var out item
		if err := c.Do(ctx, "GET", path, nil, &out); err != nil && qlik.StatusOf(err) != 403 {
			b.Fatalf("baseline GET %s: %v", path, err)
		}
	}
	for _, u := range list("/api/v1/users") {
		get("/api/v1/users/" + u["id"].(string))
	}
	for _, g := range list("/api/v1/groups") {
		get("/api/v1/groups/" + g["id"].(string))
	}
	for _, sp := range list("/api/v1/spaces") {
		id := sp["id"].(string)
		get("/api/v1/spaces/" + id)
		list("/api/v1/spaces/" + id + "/assignments")
	}
	for _, dc := range list("/api/v1/data-connections") {
		get("/api/v1/data-connections/" + dc["qID"].(string))
	}
	for _, a := range list("/api/v1/automations") {
		get("/api/v1/automations/" + a["id"].(string))
	}
	return c.Stats().Tier1.Requests - before
}

func (r row) String() string {
	ratio := func(a, b time.Duration) string {
		if b <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	base := "-"
	if r.baseline > 0 {
		base = fmt.Sprintf("%.1f× faster (%s, %d calls)", float64(r.baseline)/float64(r.wall), r.baseline.Round(time.Millisecond), r.baselineCalls)
	}
	return fmt.Sprintf("| %s | %d / %d (%.3f) | %s / %s (%s) | %s | %d | %.0f MB | %s |", r.scenario, r.calls, r.min, float64(r.calls)/float64(max(1, r.min)),
		r.wall.Round(time.Millisecond), r.bound.Round(time.Millisecond), ratio(r.wall, r.bound), base, r.throttled, r.peakMB, r.local.Round(time.Millisecond))
}

// BenchmarkScale prints the issue-13 table (make bench). It runs once
// whatever b.N is: the tenant is large and the table is the result.
func BenchmarkScale(b *testing.B) {
	counts := benchCounts()
	var rows []row
	// Rate-bound: real limits, a minute of scaleMinute. The bound is the
	// minimum calls at the real rate, scaled the same way.
	limited := newBenchSide(b, counts, true)
	scale := func(r row) row {
		r.bound = time.Duration(float64(r.bound) * float64(scaleMinute) / float64(time.Minute))
		return r
	}
	rows = append(rows, scale(limited.export(b, "full export, rate-bound")))
	rows = append(rows, scale(limited.export(b, "no-op re-export, rate-bound")))
	changeOnePercent(b, limited.c)
	rows = append(rows, scale(limited.export(b, "1% change, rate-bound")))
	restore := limited.restoreTarget(b, true, restoreMinute).restore(b, "restore into an empty tenant, rate-bound")
	restore.bound = time.Duration(float64(restore.bound) * float64(restoreMinute) / float64(time.Minute))
	rows = append(rows, restore)

	// Latency-bound: limits off, the same latency for both.
	free := newBenchSide(b, counts, false)
	start := time.Now()
	baseCalls := naiveExport(b, free.c)
	baseWall := time.Since(start)
	full := free.export(b, "full export vs baseline")
	full.baseline, full.baselineCalls, full.bound = baseWall, baseCalls, 0
	noop := free.export(b, "no-op vs baseline")
	noop.baseline, noop.baselineCalls, noop.bound = baseWall, baseCalls, 0
	changeOnePercent(b, free.c)
	one := free.export(b, "1% change vs baseline")
	one.baseline, one.baselineCalls, one.bound = baseWall, baseCalls, 0
	rows = append(rows, full, noop, one)
	freeRestore := free.restoreTarget(b, false, 0).restore(b, "restore into an empty tenant, latency-bound")
	freeRestore.bound = 0
	rows = append(rows, freeRestore)
	planLocal, planSteps := free.planLocal(b)

	var out strings.Builder
	fmt.Fprintf(&out, "\nTenant: %d spaces, %d assignments, %d users, %d groups, %d connections, %d automations (%d resources).\n",
		counts.Spaces, counts.Assignments, counts.Users, counts.Groups, counts.Connections, counts.Automations, counts.Total())
	fmt.Fprintf(&out, "Rate-bound rows: Qlik's limits, a minute lasting %s (%s for the restore); baseline rows: limits off, %s latency per request.\n", scaleMinute, restoreMinute, benchLatency)
	out.WriteString("Restore rows: minimum = the plan's steps (one create each), calls = every call; bound = each tier's calls at its rate.\n\n")
	out.WriteString("| scenario | reads / minimum | wall / bound (ratio) | vs naive baseline | 429s | peak heap | local (wall outside the API span) |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		out.WriteString(r.String() + "\n")
	}
	fmt.Fprintf(&out, "\nPlan computation (plan of the last export against its own tenant, %d steps): %s outside the API span.\n", planSteps, planLocal.Round(time.Millisecond))
	fmt.Print(out.String())
	b.ReportMetric(float64(rows[0].calls)/float64(rows[0].min), "calls/min-full")
	b.ReportMetric(float64(rows[0].wall)/float64(max(1, rows[0].bound)), "wall/bound-full")
	b.ReportMetric(float64(full.baseline)/float64(full.wall), "x-baseline-full")
	b.ReportMetric(float64(noop.baseline)/float64(noop.wall), "x-baseline-noop")
	b.ReportMetric(float64(one.baseline)/float64(one.wall), "x-baseline-1pct")
	b.ReportMetric(float64(rows[0].throttled+rows[1].throttled+rows[2].throttled), "429s")
	b.ReportMetric(planLocal.Seconds(), "plan-local-s")
}
