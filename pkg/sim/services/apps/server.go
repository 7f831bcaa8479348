package apps

import "github.com/qlikops/qlikops/pkg/sim/core"

// server is the simulator as this service sees it: the core server, plus
// the service's handlers as methods.
type server struct{ *core.Server }
