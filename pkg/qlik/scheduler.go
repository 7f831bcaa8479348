package qlik

import "time"

// Scheduler is a rate budget of both tiers that several clients can share.
// Qlik counts its limits per user, so tenants reached with one credential
// (a fleet whose tenants share an OAuth client) must draw from one budget:
// a client per tenant, each with its own buckets, would together send a
// multiple of the limit. Only the buckets are shared; each client keeps its
// own request counters, so every tenant's run record counts its own calls.
type Scheduler struct {
	buckets [2]*bucket
}

// NewScheduler builds a shared budget. Per-minute budgets follow Config:
// 0 = Qlik's default (1000 and 100), negative = unlimited.
func NewScheduler(tier1PerMin, tier2PerMin int) *Scheduler {
	return NewSchedulerEvery(tier1PerMin, tier2PerMin, time.Minute)
}

// NewSchedulerEvery is NewScheduler with a rate-limit minute of the given
// length (see Config.RateMinute).
func NewSchedulerEvery(tier1PerMin, tier2PerMin int, minute time.Duration) *Scheduler {
	return &Scheduler{buckets: [2]*bucket{
		newBucket(perMinOrDefault(tier1PerMin, defaultTier1PerMin), minute, time.Now),
		newBucket(perMinOrDefault(tier2PerMin, defaultTier2PerMin), minute, time.Now),
	}}
}
