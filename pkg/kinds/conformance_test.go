package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

// The shared handler conformance suite: one line per kind, plus its fixture.

const demoSeed = "../../examples/demo-tenant"

func TestConformanceSpaces(t *testing.T) { kindtest.Run(t, kinds.Spaces, spacesFixture) }
func TestConformanceGroups(t *testing.T) { kindtest.Run(t, kinds.Groups, customGroupsFixture) }
func TestConformanceIdPGroups(t *testing.T) {
	kindtest.Run(t, kinds.Groups, idpGroupsFixture)
}
func TestConformanceUsers(t *testing.T) { kindtest.Run(t, kinds.Users, usersFixture) }
func TestConformanceRoles(t *testing.T) { kindtest.Run(t, kinds.Roles, rolesFixture) }
func TestConformanceIPPolicies(t *testing.T) {
	kindtest.Run(t, kinds.IPPolicies, ipPoliciesFixture)
}
func TestConformanceDataConnections(t *testing.T) {
	kindtest.Run(t, kinds.DataConnections, dataConnectionsFixture)
}
func TestConformanceAutomationConnections(t *testing.T) {
	kindtest.Run(t, kinds.AutomationConnections, automationConnectionsFixture)
}
func TestConformanceAutomations(t *testing.T) {
	kindtest.Run(t, kinds.Automations, automationsFixture)
}
func TestConformanceAutomationRecurrence(t *testing.T) {
	kindtest.Run(t, kinds.Automations, automationRecurrenceFixture)
}
func TestConformanceHiddenAutomations(t *testing.T) {
	kindtest.Run(t, kinds.Automations, hiddenAutomationFixture)
}
func TestConformanceGlossaries(t *testing.T) {
	kindtest.Run(t, kinds.Glossaries, glossariesFixture)
}
func TestConformanceThemes(t *testing.T)     { kindtest.Run(t, kinds.Themes, themesFixture) }
func TestConformanceExtensions(t *testing.T) { kindtest.Run(t, kinds.Extensions, extensionsFixture) }
func TestConformanceBrands(t *testing.T)     { kindtest.Run(t, kinds.Brands, brandsFixture) }
func TestConformanceCspOrigins(t *testing.T) { kindtest.Run(t, kinds.CspOrigins, cspOriginsFixture) }
func TestConformanceWebIntegrations(t *testing.T) {
	kindtest.Run(t, kinds.WebIntegrations, webIntegrationsFixture)
}

type spec = map[string]any
type list = []any

var spacesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Space", "Conformance Space", "", spec{
		"type":        "managed",
		"description": "Created by the conformance suite.",
		"owner":       "user:jane.doe@example.com",
		"members": list{
			spec{"group": "Executives", "roles": list{"basicconsumer"}},
			spec{"group": "Finance Analysts", "roles": list{"consumer"}},
			spec{"user": "bob.smith@example.com", "roles": list{"contributor", "publisher"}},
			spec{"user": "carol.white@example.com", "roles": list{"consumer"}},
		},
	}),
	// The owner moves to a member (carol), the old owner (jane) becomes a
	// member, one group goes, two come (one the built-in Everyone, which is
	// never listed with the groups), and roles change on the rest.
	Modified: resource.New("Space", "Conformance Space", "", spec{
		"type":        "managed",
		"description": "Changed by the conformance suite.",
		"owner":       "user:carol.white@example.com",
		"members": list{
			spec{"group": "Everyone", "roles": list{"consumer"}},
			spec{"group": "Executives", "roles": list{"consumer"}},
			spec{"group": "Sales Team", "roles": list{"consumer"}},
			spec{"user": "bob.smith@example.com", "roles": list{"consumer"}},
			spec{"user": "jane.doe@example.com", "roles": list{"publisher"}},
		},
	}),
	FailPaths: []string{"/api/v1/spaces", "/api/v1/spaces/*/assignments", "/api/v1/users", "/api/v1/groups"},
}

var customGroupsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Group", "Conformance Group", "", spec{
		"providerType": "custom",
		"description":  "Created by the conformance suite.",
		"status":       "active",
		"roles":        list{"AnalyticsAdmin", "Steward"},
	}),
	Modified: resource.New("Group", "Conformance Group", "", spec{
		"providerType": "custom",
		"description":  "Changed by the conformance suite.",
		"status":       "active",
		"roles":        list{"DataSpaceCreator"},
	}),
	FailPaths: []string{"/api/v1/groups"},
}

// Identity-provider groups are seeded, never created or deleted; their roles
// are what qlikops restores.
var idpGroupsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Group", "Finance Analysts", "", spec{
		"providerType": "idp",
		"status":       "active",
	}),
	Modified: resource.New("Group", "Finance Analysts", "", spec{
		"providerType": "idp",
		"status":       "active",
		"roles":        list{"Steward"},
	}),
	NeverCreates: true,
	NeverDeletes: true,
	FailPaths:    []string{"/api/v1/groups"},
}

// Users come from the identity provider: never created or deleted, but their
// name, status, roles and custom groups are restored.
var usersFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("User", "jane.doe@example.com", "", spec{
		"subject": "auth0|jane.doe",
		"email":   "jane.doe@example.com",
		"name":    "Jane Doe",
		"status":  "active",
		"roles":   list{"ManagedSpaceCreator", "SharedSpaceCreator"},
		"groups":  list{"Executives"},
	}),
	Modified: resource.New("User", "jane.doe@example.com", "", spec{
		"subject": "auth0|jane.doe",
		"email":   "jane.doe@example.com",
		"name":    "Jane Q. Doe",
		"status":  "disabled",
		"roles":   list{"Steward"},
		"groups":  list{"Data Engineers"},
	}),
	NeverCreates: true,
	NeverDeletes: true,
	FailPaths:    []string{"/api/v1/users"},
}

// Custom roles are created, patched and deleted; default roles never
// appear in a read.
var rolesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Role", "Conformance Role", "", spec{
		"description":    "Created by the conformance suite.",
		"assignedScopes": list{"apps:read", "spaces:read"},
	}),
	Modified: resource.New("Role", "Conformance Role", "", spec{
		"description":    "Changed by the conformance suite.",
		"assignedScopes": list{"reports:read"},
	}),
	FailPaths: []string{"/api/v1/roles"},
}

// IP policies stay disabled here: an enabled one without 127.0.0.1 would
// shut the suite out of its own simulator.
var ipPoliciesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("IpPolicy", "Conformance Policy", "", spec{
		"enabled":    false,
		"allowedIps": list{"192.0.2.0/24"},
	}),
	Modified: resource.New("IpPolicy", "Conformance Policy", "", spec{
		"enabled":    false,
		"allowedIps": list{"192.0.2.0/24", "198.51.100.9"},
	}),
	FailPaths: []string{"/api/core/ip-policies"},
}

// A CSP entry is keyed by its origin. Modified turns flags on and off and
// empties the description: a PUT replaces the whole entry, so what the
// document leaves out must be gone afterwards.
var cspOriginsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("CspOrigin", "https://conformance.example.org", "", spec{
		"name":        "Conformance CDN",
		"description": "Created by the conformance suite.",
		"fontSrc":     true,
		"imgSrc":      true,
		"scriptSrc":   true,
	}),
	Modified: resource.New("CspOrigin", "https://conformance.example.org", "", spec{
		"name":           "Conformance embeds",
		"frameAncestors": true,
		"imgSrc":         true,
		"connectSrcWSS":  true,
	}),
	FailPaths: []string{"/api/v1/csp-origins"},
}

// A web integration is keyed by its name; Modified reorders, drops and adds
// origins, which the tenant keeps in the order written.
var webIntegrationsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("WebIntegration", "Conformance embeds", "", spec{
		"validOrigins": list{"https://a.conformance.example.org", "https://b.conformance.example.org:8443"},
	}),
	Modified: resource.New("WebIntegration", "Conformance embeds", "", spec{
		"validOrigins": list{"https://c.conformance.example.org", "https://a.conformance.example.org"},
	}),
	FailPaths: []string{"/api/v1/web-integrations"},
}

func TestConformanceCollections(t *testing.T) {
	kindtest.Run(t, kinds.Collections, kindtest.Fixture{
		Seed: demoSeed,
		New: resource.New("Collection", "Quarter close", "", spec{"type": "publicgoverned", "description": "Created by the conformance suite.",
			"items": list{spec{"space": "Executive Dashboards", "app": "Board Pack"}, spec{"space": "Finance", "app": "Cash Flow"}}}),
		Modified: resource.New("Collection", "Quarter close", "", spec{"type": "publicgoverned",
			"items": list{spec{"space": "Finance", "app": "Cash Flow"}, spec{"space": "Sales Analytics", "app": "Pipeline Review"}}}),
		FailPaths: []string{"/api/v1/collections", "/api/v1/collections/*/items"},
	})
}
