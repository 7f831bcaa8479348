package qlik

// Sub is the traffic between an earlier snapshot and s: what one run cost
// when the client served others before it (a test reusing a client, or the
// tenant identity check counted apart from the export).
func (s ClientStats) Sub(earlier ClientStats) ClientStats {
	return ClientStats{
		Tier1:         s.Tier1.sub(earlier.Tier1),
		Tier2:         s.Tier2.sub(earlier.Tier2),
		TokenRequests: s.TokenRequests - earlier.TokenRequests,
	}
}

func (t TierStats) sub(earlier TierStats) TierStats {
	return TierStats{
		Requests:  t.Requests - earlier.Requests,
		Retries:   t.Retries - earlier.Retries,
		Throttled: t.Throttled - earlier.Throttled,
		Waited:    t.Waited - earlier.Waited,
	}
}

// Retries is the total number of retried attempts across both tiers.
func (s ClientStats) Retries() int64 { return s.Tier1.Retries + s.Tier2.Retries }
