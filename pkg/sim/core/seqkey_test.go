package core

import (
	"fmt"
	"math"
	"testing"
)

// SeqKey renders like fmt's %020d, which it replaced for speed.
func TestSeqKeyMatchesZeroPaddedDecimal(t *testing.T) {
	for _, seq := range []int64{0, 1, 9, 10, 12345, 99999999999999999, math.MaxInt64, -1, -42, math.MinInt64} {
		if got, want := SeqKey(seq).K, fmt.Sprintf("%020d", seq); got != want {
			t.Errorf("SeqKey(%d) = %q, want %q", seq, got, want)
		}
	}
}
