package ops_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/store"
)

// restoreTarget is an empty tenant for the restore row: it holds only what
// an identity provider creates (users, groups), seeded the way a rehearsal
// seeds its tenant, with the same limits or latency as the side exported.
func (bs benchSide) restoreTarget(b *testing.B, limited bool, minute time.Duration) benchSide {
	repo, err := store.Open(bs.env.RepoDir)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := ops.LoadSnapshot(repo, bs.env.Registry, "")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := ops.WriteIdPSeed(bs.env.Registry, snap.Docs, dir); err != nil {
		b.Fatal(err)
	}
	span := &apiSpan{}
	opts := sim.Options{APIKey: "bench"}
	opts.Middleware = append(opts.Middleware, span.middleware)
	cfg := qlik.Config{APIKey: "bench", Tier1PerMin: -1, Tier2PerMin: -1}
	if limited {
		opts.Tier1PerMin, opts.Tier2PerMin, opts.RateMinute = 1000, 100, minute
		cfg.Tier1PerMin, cfg.Tier2PerMin, cfg.RateMinute = 1000, 100, minute
	} else {
		opts.Latency = benchLatency
	}
	s := sim.New(opts)
	if err := s.LoadSeed(dir); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	cfg.TenantURL = srv.URL
	c, err := qlik.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	env := bs.env
	env.Client, env.OtherTenant, env.Target = c, true, ops.Identity{URL: srv.URL}
	env.Secrets = ops.GeneratedSecrets(snap.Docs)
	return benchSide{s: s, c: c, api: span, env: env}
}

// restore applies the exported snapshot to the empty target and measures
// it. Its "minimum" column is the plan's steps, one create each; the calls
// column counts every call, the reads of the live tenant the plan starts
// from and those around each create included.
func (bs benchSide) restore(b *testing.B, scenario string) row {
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	bs.s.ResetStats()
	bs.api.reset()
	runtime.GC()
	stop := peakHeap()
	start := time.Now()
	res, err := ops.Apply(ctx, bs.env, ops.ApplyOptions{PlanOptions: ops.PlanOptions{AllowUnresolved: true}})
	wall := time.Since(start)
	peak := stop()
	if err != nil && res.Plan == nil {
		b.Fatalf("%s: %v", scenario, err)
	}
	st := bs.s.Stats()
	done := 0
	for _, oc := range res.Report.Outcomes {
		if oc.Status == apply.Done {
			done++
		}
	}
	if done == 0 {
		b.Fatalf("%s: nothing restored (%v)", scenario, err)
	}
	steps := int64(len(res.Plan.Steps))
	return row{scenario: fmt.Sprintf("%s (%d of %d steps done)", scenario, done, steps), calls: st.Tier1 + st.Tier2, min: steps,
		wall: wall, bound: restoreBound(st.Tier1, st.Tier2), throttled: st.Throttled,
		peakMB: peak, tier2: st.Tier2, local: wall - bs.api.span()}
}

// restoreBound is the time Qlik's limits need for the calls the restore
// made (reads and creates alike), each tier at its rate: 1,000 a minute on
// Tier 1, 100 on Tier 2, both tiers at once.
func restoreBound(tier1, tier2 int64) time.Duration {
	return time.Duration(max(float64(tier1)/1000, float64(tier2)/100) * float64(time.Minute))
}

// planLocal times a plan of the side's repo against its own tenant (a
// no-op plan): wall time outside the API span is the plan computation.
func (bs benchSide) planLocal(b *testing.B) (time.Duration, int) {
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	bs.api.reset()
	start := time.Now()
	p, err := ops.Plan(ctx, bs.env, ops.PlanOptions{})
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("plan: %v", err)
	}
	return wall - bs.api.span(), len(p.Steps)
}
