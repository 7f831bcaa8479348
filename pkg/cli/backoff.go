package cli

import "time"

// retryBackoff, when not zero, replaces the base delay between retries of
// the Qlik client and of alert delivery (zero keeps their defaults, 250 ms
// and 500 ms, doubling). Only the tests set it, through SetRetryBackoff in
// export_test.go: the CLI scripts inject faults on purpose, and at the
// default delays they spent most of their time waiting. It is no setting
// for users: the defaults are what keeps retries polite to a real tenant.
var retryBackoff time.Duration

// unlimitedRates, set only by the tests (SetUnlimitedRates in
// export_test.go), lifts the client's Tier-1 and Tier-2 pacing for the
// single-tenant commands the CLI scripts run: their qliksim has no rate
// limit, and at Qlik's 100 writes a minute a whole-tenant restore of the
// demo tenant would wait a minute for nothing. The pacer has tests of its
// own (pkg/qlik), and fleets keep theirs (a shared budget is what they test).
var unlimitedRates bool
