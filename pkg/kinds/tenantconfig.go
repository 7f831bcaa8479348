package kinds

import (
	"context"
	"fmt"
)

// The tenant's configuration: the tenant itself and its settings, one
// singleton document each under tenant/. Specs hold the fields Qlik lets
// an admin write; read-only facts (ids, region, timestamps) are left out,
// so that a document never shows a change apply cannot make.

// tenantDir is the folder all of them share.
const tenantDir = "tenant"

// sameSpec is FromAPI for settings whose API object has the spec's field
// names: the spec is the object, its read-only fields dropped by S.
func sameSpec[S any](_ context.Context, _ *Tenant, a S) (S, string, error) { return a, "", nil }

type tenantAPI struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Hostnames []string `json:"hostnames"`
	tenantFlags
}

type tenantFlags struct {
	AutoAssignCreateSharedSpacesRoleToProfessionals             bool `json:"autoAssignCreateSharedSpacesRoleToProfessionals"`
	AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals bool `json:"autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals"`
	AutoAssignDataServicesContributorRoleToProfessionals        bool `json:"autoAssignDataServicesContributorRoleToProfessionals"`
}

type tenantSpec struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	tenantFlags
}

// TenantKind is the tenant: its display name, its hostname alias and the
// auto-assign flags. The tenant's own hostname (the first of hostnames)
// is its identity, not a setting: it is left out, so that a restore into
// another tenant converges.
var TenantKind = Singleton[tenantAPI, tenantSpec]{
	Desc: Desc{KindName: "Tenant", FolderName: "tenant", Dir: tenantDir, ListPath: "/api/v1/tenants/me", Coverage: Coverage{
		Exported: "`tenant/tenant.yaml`: display name, hostname alias, the three auto-assign flags for professional users",
		Restored: "a PATCH of the changed fields only; the alias is set or replaced",
		Reentry:  "-",
		LeftOut:  "the tenant's own hostname (its identity: left out, so a restore into another tenant converges); removing the alias or adding a second (Qlik cannot: reported as not applied); region, status and dates; create and deactivate (they go through Qlik's register service)",
	}},
	Requires: []string{"id", "name", "hostnames"},
	// The tenant's id comes from the redirect's target.
	WritePath: "/api/v1/tenants/{id}",
	FromAPI: func(_ context.Context, _ *Tenant, a tenantAPI) (tenantSpec, string, error) {
		if a.ID == "" {
			return tenantSpec{}, "", fmt.Errorf("read tenant: the answer has no id")
		}
		var aliases []string
		if len(a.Hostnames) > 1 {
			aliases = a.Hostnames[1:]
		}
		return tenantSpec{Name: a.Name, Aliases: aliases, tenantFlags: a.tenantFlags}, a.ID, nil
	},
	Patch: map[string]string{
		"name": "/name",
		"autoAssignCreateSharedSpacesRoleToProfessionals":             "/autoAssignCreateSharedSpacesRoleToProfessionals",
		"autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": "/autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals",
		"autoAssignDataServicesContributorRoleToProfessionals":        "/autoAssignDataServicesContributorRoleToProfessionals",
	},
	PatchField: hostnameOps,
}

// hostnameOps: the alias is /hostnames/1, set or replaced; Qlik has no
// way to remove it or to add a second one.
func hostnameOps(field string, want, have any) ([]patchOp, []string, bool) {
	if field != "aliases" {
		return nil, nil, false
	}
	w, h := strs(want), strs(have)
	var ops []patchOp
	var na []string
	switch {
	case len(w) > 0 && (len(h) == 0 || w[0] != h[0]):
		ops = append(ops, patchOp{Op: "replace", Path: "/hostnames/1", Value: w[0]})
	case len(w) == 0 && len(h) > 0:
		na = append(na, "spec.aliases: Qlik does not allow removing the alias")
	}
	if len(w) > 1 {
		na = append(na, "spec.aliases: a tenant has one alias; the others were not added")
	}
	return ops, na, true
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

type tenantSettingsSpec struct {
	PreferredStartPage  map[string]any `json:"preferredStartPage,omitempty"`
	CustomizeNoAccess   map[string]any `json:"customizeNoAccess,omitempty"`
	ReleaseCadence      string         `json:"releaseCadence,omitempty"`
	SessionReplayOptOut bool           `json:"sessionReplayOptOut"`
}

// TenantSettings are the start page, the no-access page, the release
// cadence and the session-replay opt-out. Cross-region processing is
// changed through an action of its own and is left out.
var TenantSettings = Singleton[tenantSettingsSpec, tenantSettingsSpec]{
	Desc: Desc{KindName: "TenantSettings", FolderName: "tenant-settings", Dir: tenantDir, ListPath: "/api/v1/tenant-settings", Coverage: Coverage{
		Exported: "`tenant/tenant-settings.yaml`: start page, no-access page, release cadence, session-replay opt-out",
		Restored: "a PATCH of the changed fields only",
		Reentry:  "-",
		LeftOut:  "cross-region data processing (set through an action of its own, with a consent header)",
	}},
	Requires: []string{"id", "tenantId"},
	FromAPI:  sameSpec[tenantSettingsSpec],
	Patch: map[string]string{"preferredStartPage": "/preferredStartPage", "customizeNoAccess": "/customizeNoAccess",
		"releaseCadence": "/releaseCadence", "sessionReplayOptOut": "/sessionReplayOptOut"},
}

type authSettingsSpec struct {
	UserSessionInactivityTimeoutMinutes int      `json:"userSessionInactivityTimeoutMinutes"`
	MaxUserSessionLifespanMinutes       int      `json:"maxUserSessionLifespanMinutes"`
	DynamicClientRegistrationEnabled    bool     `json:"dynamicClientRegistrationEnabled"`
	DcrAllowedAuthenticationMethods     []string `json:"dcrAllowedAuthenticationMethods,omitempty"`
}

// AuthSettings are the session timeouts and dynamic client registration.
var AuthSettings = Singleton[authSettingsSpec, authSettingsSpec]{
	Desc: Desc{KindName: "AuthSettings", FolderName: "auth-settings", Dir: tenantDir, ListPath: "/api/core/auth-settings", Coverage: Coverage{
		Exported: "`tenant/auth-settings.yaml`: session inactivity timeout, longest session, dynamic client registration and its methods",
		Restored: "a PATCH of the changed fields only",
		Reentry:  "-",
		LeftOut:  "-",
	}},
	Requires: []string{"tenantId", "userSessionInactivityTimeoutMinutes", "maxUserSessionLifespanMinutes"},
	FromAPI:  sameSpec[authSettingsSpec],
	Patch: map[string]string{
		"userSessionInactivityTimeoutMinutes": "/userSessionInactivityTimeoutMinutes",
		"maxUserSessionLifespanMinutes":       "/maxUserSessionLifespanMinutes",
		"dynamicClientRegistrationEnabled":    "/dynamicClientRegistrationEnabled",
		"dcrAllowedAuthenticationMethods":     "/dcrAllowedAuthenticationMethods",
	},
}

type apiKeysConfigAPI struct {
	MaxKeysPerUser           int    `json:"max_keys_per_user"`
	MaxAPIKeyExpiry          string `json:"max_api_key_expiry"`
	ScimExternalClientExpiry string `json:"scim_externalClient_expiry"`
}

type apiKeysConfigSpec struct {
	MaxKeysPerUser           int    `json:"maxKeysPerUser"`
	MaxAPIKeyExpiry          string `json:"maxApiKeyExpiry,omitempty"`
	ScimExternalClientExpiry string `json:"scimExternalClientExpiry,omitempty"`
}

// ApiKeysConfig is the tenant's API-key policy: keys per user and the
// longest expiry of a user's key and of a SCIM client's.
var ApiKeysConfig = Singleton[apiKeysConfigAPI, apiKeysConfigSpec]{
	Desc: Desc{KindName: "ApiKeysConfig", FolderName: "api-keys-config", Dir: tenantDir, ListPath: "/api/v1/api-keys/configs/{tenantId}", Coverage: Coverage{
		Exported: "`tenant/api-keys-config.yaml`: keys per user, longest key expiry, SCIM client expiry",
		Restored: "a PATCH of the changed fields only",
		Reentry:  "-",
		LeftOut:  "the API keys themselves: a token cannot be read back",
	}},
	Requires: []string{"max_keys_per_user", "max_api_key_expiry"},
	FromAPI: func(_ context.Context, _ *Tenant, a apiKeysConfigAPI) (apiKeysConfigSpec, string, error) {
		return apiKeysConfigSpec{MaxKeysPerUser: a.MaxKeysPerUser, MaxAPIKeyExpiry: a.MaxAPIKeyExpiry, ScimExternalClientExpiry: a.ScimExternalClientExpiry}, "", nil
	},
	Patch: map[string]string{"maxKeysPerUser": "/max_keys_per_user", "maxApiKeyExpiry": "/max_api_key_expiry",
		"scimExternalClientExpiry": "/scim_externalClient_expiry"},
}

type groupSettingsSpec struct {
	AutoCreateGroups bool `json:"autoCreateGroups"`
	SyncIdpGroups    bool `json:"syncIdpGroups"`
}

// GroupSettings: whether groups from the identity provider are created
// and kept in sync.
var GroupSettings = Singleton[groupSettingsSpec, groupSettingsSpec]{
	Desc: Desc{KindName: "GroupSettings", FolderName: "group-settings", Dir: tenantDir, ListPath: "/api/v1/groups/settings", Coverage: Coverage{
		Exported: "`tenant/group-settings.yaml`: auto-create groups, sync groups from the identity provider",
		Restored: "a PATCH of the changed fields only",
		Reentry:  "-",
		LeftOut:  "the Everyone group's roles (not yet)",
	}},
	Requires: []string{"tenantId", "autoCreateGroups"},
	FromAPI:  sameSpec[groupSettingsSpec],
	Patch:    map[string]string{"autoCreateGroups": "/autoCreateGroups", "syncIdpGroups": "/syncIdpGroups"},
}

type itemsSettingsSpec struct {
	UsageMetricsEnabled bool `json:"usageMetricsEnabled"`
}

// ItemsSettings: whether usage metrics are collected for items.
var ItemsSettings = Singleton[itemsSettingsSpec, itemsSettingsSpec]{
	Desc:     Desc{KindName: "ItemsSettings", FolderName: "items-settings", Dir: tenantDir, ListPath: "/api/v1/items/settings", Coverage: itemsSettingsCoverage},
	Requires: []string{"usageMetricsEnabled"},
	FromAPI:  sameSpec[itemsSettingsSpec],
	Patch:    map[string]string{"usageMetricsEnabled": "/usageMetricsEnabled"},
}

type sharingSettingsAPI struct {
	EnableSharing            bool `json:"enable-sharing"`
	EnableReportSubscription bool `json:"enable-report-subscription"`
}

type sharingSettingsSpec struct {
	EnableSharing            bool `json:"enableSharing"`
	EnableReportSubscription bool `json:"enableReportSubscription"`
}

// SharingSettings: whether sharing and report subscriptions are on.
var SharingSettings = Singleton[sharingSettingsAPI, sharingSettingsSpec]{
	Desc:     Desc{KindName: "SharingSettings", FolderName: "sharing-settings", Dir: tenantDir, ListPath: "/api/v1/sharing-tasks/settings", Coverage: itemsSettingsCoverage},
	Requires: []string{"enable-sharing"},
	FromAPI: func(_ context.Context, _ *Tenant, a sharingSettingsAPI) (sharingSettingsSpec, string, error) {
		return sharingSettingsSpec{EnableSharing: a.EnableSharing, EnableReportSubscription: a.EnableReportSubscription}, "", nil
	},
	Patch: map[string]string{"enableSharing": "/enable-sharing", "enableReportSubscription": "/enable-report-subscription"},
}

type licenseSettingsSpec struct {
	AutoAssignAnalyzer     bool `json:"autoAssignAnalyzer"`
	AutoAssignProfessional bool `json:"autoAssignProfessional"`
}

// LicenseSettings: whether new users get an analyzer or a professional
// licence automatically. Qlik writes them with a PUT of both.
var LicenseSettings = Singleton[licenseSettingsSpec, licenseSettingsSpec]{
	Desc: Desc{KindName: "LicenseSettings", FolderName: "licenses-settings", Dir: tenantDir, ListPath: "/api/v1/licenses/settings", Coverage: Coverage{
		Exported: "`tenant/licenses-settings.yaml`: auto-assign analyzer and professional licences",
		Restored: "a PUT of both flags (Qlik has no PATCH here)",
		Reentry:  "-",
		LeftOut:  "-",
	}},
	Requires: []string{"autoAssignAnalyzer", "autoAssignProfessional"},
	FromAPI:  sameSpec[licenseSettingsSpec],
	Put:      func(s licenseSettingsSpec) any { return s },
}

// itemsSettingsCoverage is the one coverage row of ItemsSettings and SharingSettings: they behave alike.
var itemsSettingsCoverage = Coverage{
	Exported: "`tenant/items-settings.yaml` (usage metrics), `tenant/sharing-settings.yaml` (sharing, report subscriptions)",
	Restored: "a PATCH of the changed fields only",
	Reentry:  "-",
	LeftOut:  "sharing limits and the reporting service's status (read-only)",
}
