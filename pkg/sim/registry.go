package sim

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
	"github.com/qlikops/qlikops/pkg/sim/services/audits"
	"github.com/qlikops/qlikops/pkg/sim/services/automations"
	"github.com/qlikops/qlikops/pkg/sim/services/brands"
	"github.com/qlikops/qlikops/pkg/sim/services/collections"
	"github.com/qlikops/qlikops/pkg/sim/services/csporigins"
	"github.com/qlikops/qlikops/pkg/sim/services/dataconnections"
	"github.com/qlikops/qlikops/pkg/sim/services/glossaries"
	"github.com/qlikops/qlikops/pkg/sim/services/identity"
	"github.com/qlikops/qlikops/pkg/sim/services/identityproviders"
	"github.com/qlikops/qlikops/pkg/sim/services/ippolicies"
	"github.com/qlikops/qlikops/pkg/sim/services/licenses"
	"github.com/qlikops/qlikops/pkg/sim/services/oauthclients"
	"github.com/qlikops/qlikops/pkg/sim/services/qext"
	"github.com/qlikops/qlikops/pkg/sim/services/reporttemplates"
	"github.com/qlikops/qlikops/pkg/sim/services/sharingtasks"
	"github.com/qlikops/qlikops/pkg/sim/services/spaces"
	"github.com/qlikops/qlikops/pkg/sim/services/tasks"
	"github.com/qlikops/qlikops/pkg/sim/services/tenantconfig"
	"github.com/qlikops/qlikops/pkg/sim/services/webhooks"
	"github.com/qlikops/qlikops/pkg/sim/services/webintegrations"
)

// services are the Qlik services qliksim serves, in the order their hooks
// run: a service seeds after those whose rows it references. Adding a
// service is its package plus one line here.
var services = []core.Service{
	identity.Service,          // users, groups, roles
	spaces.Service,            // spaces, space assignments
	dataconnections.Service,   // data connections
	automations.Service,       // automations, automation connections
	glossaries.Service,        // glossaries, categories, terms, links
	qext.Service,              // themes, extensions
	brands.Service,            // brands and their files
	oauthclients.Service,      // OAuth clients and their secrets
	webhooks.Service,          // webhooks and their event types
	webintegrations.Service,   // web integrations (embedding origins)
	csporigins.Service,        // CSP origins and the compiled header
	tenantconfig.Service,      // the tenant and its settings singletons
	ippolicies.Service,        // IP policies, and the allowlist they enforce
	apps.Service,              // apps, scripts, temp contents, items listing apps
	audits.Service,            // an audit event for every write
	identityproviders.Service, // identity providers, and who signs in through which
	licenses.Service,          // licence assignments (seats per type) and the licence overview
	collections.Service,       // tags and collections of items (apps)
	tasks.Service,             // reload schedules: tasks and the deprecated reload-tasks
	reporttemplates.Service,   // report templates and their files
	sharingtasks.Service,      // report subscriptions and template sharing
}

// New returns a simulator holding an empty tenant: the default roles, the
// Everyone group and the built-in service user that owns what the API key
// creates until a seed names a TenantAdmin.
func New(opts Options) *Server { return core.NewServer(opts, services) }
