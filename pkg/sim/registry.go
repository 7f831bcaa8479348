package sim

// services are the Qlik services qliksim serves, in the order their hooks
// run: a service seeds after those whose rows it references.
var services = []Service{
	IdentityService,
	SpacesService,
	DataConnectionsService,
	AutomationsService,
	GlossariesService,
	QextService,
}

// New returns a simulator holding an empty tenant: the default roles, the
// Everyone group and the built-in service user that owns what the API key
// creates until a seed names a TenantAdmin.
func New(opts Options) *Server { return newServer(opts, services) }
