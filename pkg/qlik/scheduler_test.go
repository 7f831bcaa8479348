package qlik

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSchedulerIsSharedBetweenClients: two clients on one Scheduler draw
// on one budget, so the second waits once the first spent the burst; two
// clients with their own budgets do not wait. Each keeps its own counters.
func TestSchedulerIsSharedBetweenClients(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{}")) }))
	defer srv.Close()
	const perMin = 100 // 95 at once (headroom taken), then as the one-second window slides
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	secondWaits := func(shared *Scheduler) time.Duration {
		t.Helper()
		mk := func() *Client {
			c, err := New(Config{TenantURL: srv.URL, APIKey: "k", Tier1PerMin: perMin, RateMinute: time.Second, Scheduler: shared})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		a, b := mk(), mk()
		for range perMin * 95 / 100 {
			if err := a.Do(ctx, http.MethodGet, "/api/v1/x", nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Do(ctx, http.MethodGet, "/api/v1/x", nil, nil); err != nil {
			t.Fatal(err)
		}
		if a.Stats().Tier1.Requests != perMin*95/100 || b.Stats().Tier1.Requests != 1 {
			t.Errorf("counters: a %d, b %d; want %d and 1 (each client counts its own)", a.Stats().Tier1.Requests, b.Stats().Tier1.Requests, perMin*95/100)
		}
		return b.Stats().Tier1.Waited
	}
	if w := secondWaits(nil); w > 100*time.Millisecond {
		t.Errorf("separate budgets: the second client waited %v", w)
	}
	if w := secondWaits(NewSchedulerEvery(perMin, -1, time.Second)); w < 500*time.Millisecond {
		t.Errorf("shared budget: the second client waited only %v after the first spent the burst", w)
	}
}
