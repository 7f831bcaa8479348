package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

// The tenant's singletons: never created or deleted, so New is the demo
// tenant's document as read and Modified a change of it.

func singletonFixture(kind, name string, seeded, changed spec, partial ...spec) kindtest.Fixture {
	f := kindtest.Fixture{
		Seed: demoSeed, NeverCreates: true, NeverDeletes: true,
		New:      resource.New(kind, name, "", seeded),
		Modified: resource.New(kind, name, "", changed),
	}
	for _, p := range partial {
		f.Partial = append(f.Partial, resource.New(kind, name, "", p))
	}
	return f
}

func TestConformanceTenant(t *testing.T) {
	seeded := spec{"name": "Demo Corp Analytics", "aliases": list{"analytics.democorp.example"},
		"autoAssignCreateSharedSpacesRoleToProfessionals": true, "autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": true,
		"autoAssignDataServicesContributorRoleToProfessionals": false}
	changed := spec{"name": "Demo Corp", "aliases": list{"bi.democorp.example"},
		"autoAssignCreateSharedSpacesRoleToProfessionals": false, "autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": true,
		"autoAssignDataServicesContributorRoleToProfessionals": true}
	// A tenant has one alias, and Qlik cannot remove it.
	twoAliases := spec{"name": "Demo Corp Analytics", "aliases": list{"analytics.democorp.example", "more.democorp.example"},
		"autoAssignCreateSharedSpacesRoleToProfessionals": true, "autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": true,
		"autoAssignDataServicesContributorRoleToProfessionals": false}
	noAlias := spec{"name": "Demo Corp Analytics",
		"autoAssignCreateSharedSpacesRoleToProfessionals": true, "autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": true,
		"autoAssignDataServicesContributorRoleToProfessionals": false}
	f := singletonFixture("Tenant", "tenant", seeded, changed, twoAliases, noAlias)
	f.FailPaths = []string{"/api/v1/tenants/*"}
	kindtest.Run(t, kinds.TenantKind, f)
}

func TestConformanceTenantSettings(t *testing.T) {
	noAccess := spec{"linkEnabled": true, "linkLabel": "Request access", "linkUrl": "https://intranet.democorp.example/qlik-access",
		"message": "Ask the Qlik team for access."}
	f := singletonFixture("TenantSettings", "tenant-settings",
		spec{"preferredStartPage": spec{"route": "/insights", "value": "analytics-hub"}, "customizeNoAccess": noAccess,
			"releaseCadence": "monthly", "sessionReplayOptOut": true},
		spec{"preferredStartPage": spec{"route": "/insights", "value": "analytics-hub"}, "customizeNoAccess": spec{"linkEnabled": false},
			"releaseCadence": "continuous", "sessionReplayOptOut": false})
	f.FailPaths = []string{"/api/v1/tenant-settings", "/api/v1/users/me"}
	kindtest.Run(t, kinds.TenantSettings, f)
}

func TestConformanceAuthSettings(t *testing.T) {
	f := singletonFixture("AuthSettings", "auth-settings",
		spec{"userSessionInactivityTimeoutMinutes": 60, "maxUserSessionLifespanMinutes": 720,
			"dynamicClientRegistrationEnabled": false, "dcrAllowedAuthenticationMethods": list{"client_secret"}},
		spec{"userSessionInactivityTimeoutMinutes": 30, "maxUserSessionLifespanMinutes": 480,
			"dynamicClientRegistrationEnabled": true, "dcrAllowedAuthenticationMethods": list{"client_secret", "none"}},
		// Qlik refuses a lifespan that is not whole hours: reported, the
		// timeout still applied.
		spec{"userSessionInactivityTimeoutMinutes": 45, "maxUserSessionLifespanMinutes": 730,
			"dynamicClientRegistrationEnabled": false, "dcrAllowedAuthenticationMethods": list{"client_secret"}})
	f.FailPaths = []string{"/api/core/auth-settings"}
	kindtest.Run(t, kinds.AuthSettings, f)
}

func TestConformanceApiKeysConfig(t *testing.T) {
	f := singletonFixture("ApiKeysConfig", "api-keys-config",
		spec{"maxKeysPerUser": 3, "maxApiKeyExpiry": "P30D", "scimExternalClientExpiry": "P180D"},
		spec{"maxKeysPerUser": 10, "maxApiKeyExpiry": "PT24H", "scimExternalClientExpiry": "P180D"})
	f.FailPaths = []string{"/api/v1/api-keys/configs/*", "/api/v1/users/me"}
	kindtest.Run(t, kinds.ApiKeysConfig, f)
}

func TestConformanceGroupSettings(t *testing.T) {
	f := singletonFixture("GroupSettings", "group-settings",
		spec{"autoCreateGroups": true, "syncIdpGroups": false}, spec{"autoCreateGroups": false, "syncIdpGroups": true})
	f.FailPaths = []string{"/api/v1/groups/settings"}
	kindtest.Run(t, kinds.GroupSettings, f)
}

func TestConformanceItemsSettings(t *testing.T) {
	f := singletonFixture("ItemsSettings", "items-settings", spec{"usageMetricsEnabled": false}, spec{"usageMetricsEnabled": true})
	f.FailPaths = []string{"/api/v1/items/settings"}
	kindtest.Run(t, kinds.ItemsSettings, f)
}

func TestConformanceSharingSettings(t *testing.T) {
	f := singletonFixture("SharingSettings", "sharing-settings",
		spec{"enableSharing": true, "enableReportSubscription": false}, spec{"enableSharing": false, "enableReportSubscription": true})
	f.FailPaths = []string{"/api/v1/sharing-tasks/settings"}
	kindtest.Run(t, kinds.SharingSettings, f)
}

func TestConformanceLicenseSettings(t *testing.T) {
	f := singletonFixture("LicenseSettings", "licenses-settings",
		spec{"autoAssignAnalyzer": true, "autoAssignProfessional": false}, spec{"autoAssignAnalyzer": false, "autoAssignProfessional": true})
	f.FailPaths = []string{"/api/v1/licenses/settings"}
	kindtest.Run(t, kinds.LicenseSettings, f)
}

func TestConformanceLicenseAssignments(t *testing.T) {
	as := func(pairs ...string) spec {
		l := list{}
		for i := 0; i+1 < len(pairs); i += 2 {
			l = append(l, spec{"user": pairs[i], "type": pairs[i+1]})
		}
		return spec{"assignments": l}
	}
	seeded := as("admin@example.com", "professional", "bob.smith@example.com", "analyzer", "carol.white@example.com", "analyzer",
		"dave.brown@example.com", "analyzer", "erin.green@example.com", "professional", "frank.black@example.com", "analyzer",
		"irene.lopez@example.com", "analyzer", "jane.doe@example.com", "professional", "liam.owen@example.com", "analyzer")
	// Bob moves up, Carol and Liam lose theirs, Karen gets one.
	changed := as("admin@example.com", "professional", "bob.smith@example.com", "professional",
		"dave.brown@example.com", "analyzer", "erin.green@example.com", "professional", "frank.black@example.com", "analyzer",
		"irene.lopez@example.com", "analyzer", "jane.doe@example.com", "professional", "karen.nash@example.com", "analyzer")
	f := singletonFixture("LicenseAssignments", "license-assignments", seeded, changed)
	f.FailPaths = []string{"/api/v1/licenses/assignments"}
	kindtest.Run(t, kinds.LicenseAssignments, f)
}

func TestConformanceLicense(t *testing.T) {
	seeded := spec{"licenseNumber": "9999000000001204", "secondaryNumber": "12345", "product": "Qlik Cloud Analytics Standard",
		"trial": false, "valid": "2026-01-01/2027-12-31", "allotments": list{
			spec{"name": "analyzer", "units": 8, "usageClass": "assigned"},
			spec{"name": "analyzer_time", "units": 300, "overage": 100, "usageClass": "time"},
			spec{"name": "professional", "units": 5, "usageClass": "assigned"}}}
	f := singletonFixture("License", "license", seeded, seeded)
	f.FailPaths = []string{"/api/v1/licenses/overview"}
	kindtest.Run(t, kinds.License, f)
}
