package core

import (
	"testing"
	"time"
)

func TestLatencySourceIsSeededAndInRange(t *testing.T) {
	a, b := newLatencySource(10*time.Millisecond, 40*time.Millisecond, 4), newLatencySource(10*time.Millisecond, 40*time.Millisecond, 4)
	other := newLatencySource(10*time.Millisecond, 40*time.Millisecond, 5)
	same, distinct := true, map[time.Duration]bool{}
	differs := false
	for range 200 {
		x, y, z := a.next(), b.next(), other.next()
		if x < 10*time.Millisecond || x > 40*time.Millisecond {
			t.Fatalf("delay %v out of range", x)
		}
		same = same && x == y
		differs = differs || x != z
		distinct[x.Truncate(time.Millisecond)] = true
	}
	if !same || !differs || len(distinct) < 20 {
		t.Errorf("same seed same delays %v, other seed differs %v, %d distinct ms values", same, differs, len(distinct))
	}
	if fixed := newLatencySource(20*time.Millisecond, 20*time.Millisecond, 1); fixed.next() != 20*time.Millisecond {
		t.Error("fixed latency is not fixed")
	}
}
