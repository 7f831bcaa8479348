package cli

import "time"

// retryBackoff, when not zero, replaces the base delay between retries of
// the Qlik client and of alert delivery (zero keeps their defaults, 250 ms
// and 500 ms, doubling). Only the tests set it, through SetRetryBackoff in
// export_test.go: the CLI scripts inject faults on purpose, and at the
// default delays they spent most of their time waiting. It is no setting
// for users: the defaults are what keeps retries polite to a real tenant.
var retryBackoff time.Duration
