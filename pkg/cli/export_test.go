package cli

import "time"

// SetRetryBackoff shortens the retry delays of the qlikops the CLI scripts
// run (see retryBackoff).
func SetRetryBackoff(d time.Duration) { retryBackoff = d }

// SetUnlimitedRates lifts the rate pacing of the qlikops the CLI scripts
// run (see unlimitedRates).
func SetUnlimitedRates() { unlimitedRates = true }
