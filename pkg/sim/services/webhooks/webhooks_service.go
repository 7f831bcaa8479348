package webhooks

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
)

// webhookErrors is the webhooks style (spec ErrorResponse): errors[{code,
// title, detail}] and traceId. Qlik's codes are not in the spec; the
// simulator uses WEBHOOKS-<status>.
var webhookErrors = &core.ErrorStyle{Code: "WEBHOOKS", Body: func(f core.ErrorFields) any {
	return core.ErrorsBody(f.Entry())
}}

// Service serves webhooks. Webhooks live in no space.
var Service = core.Service{
	Name:      "webhooks",
	APIs:      []core.API{{Prefixes: []string{"/api/v1/webhooks"}, Errors: webhookErrors}},
	Routes:    routes,
	SimRoutes: simRoutes,
	Seed:      seed,
	Specs:     []string{"qliksense-webhooks-api-openapi.yml"},
}
