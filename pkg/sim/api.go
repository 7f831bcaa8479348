package sim

import "github.com/qlikops/qlikops/pkg/sim/core"

// The simulator itself lives in package core; these names keep the API that
// callers of package sim have always used.
type (
	// Options configures a Server; see core.Options.
	Options = core.Options
	// Server is one simulated tenant; see core.Server.
	Server = core.Server
	// Stats are the request counters of /_sim/stats.
	Stats = core.Stats
	// Faults is a fault-injection plan; see core.Faults.
	Faults = core.Faults
	// Fault is one injected fault.
	Fault = core.Fault
	// FaultCounts counts the faults injected so far.
	FaultCounts = core.FaultCounts
	// Duration is a time.Duration that reads "200ms" or milliseconds in JSON.
	Duration = core.Duration
	// UserKey is a further API key acting as one user (--api-key-for).
	UserKey = core.UserKey
)

// DefaultAPIKey is the bearer key accepted when Options.APIKey is empty.
const DefaultAPIKey = core.DefaultAPIKey

// EveryoneGroupID is the fixed id of Qlik's built-in "Everyone" system group.
const EveryoneGroupID = core.EveryoneGroupID

// ParseFaults reads a fault plan; see core.ParseFaults.
func ParseFaults(spec string) (Faults, error) { return core.ParseFaults(spec) }
