package cli

import "time"

// SetRetryBackoff shortens the retry delays of the qlikops the CLI scripts
// run (see retryBackoff).
func SetRetryBackoff(d time.Duration) { retryBackoff = d }
