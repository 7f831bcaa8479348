package tenantconfig

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Choices where Qlik does not say:
//   - a new tenant's values are the specs' defaults; where a spec has
//     none, the simulator picks one (tenant name "qliksim", hostname
//     qliksim.us.qlikcloud.com, release cadence continuous, session
//     lifespan 1440 and inactivity 120 minutes).
//   - the first hostname is the tenant's own and cannot change; the
//     second (the alias, /hostnames/1) can be set or replaced.
//   - maxUserSessionLifespanMinutes must be whole hours (the notes say so).

// DefaultHostname is the hostname of every simulated tenant.
const DefaultHostname = "qliksim.us.qlikcloud.com"

var tenantSetting = &setting{
	key: "tenant", path: "/api/v1/tenants/{tenantId}", patchStatus: http.StatusNoContent,
	fields: map[string]check{
		"/name":                     nonEmptyString,
		"/hostnames/1":              nonEmptyString,
		"/enableAnalyticCreation":   isBool,
		"/enableAppOpeningFeedback": isBool,
		"/autoAssignCreateSharedSpacesRoleToProfessionals":             isBool,
		"/autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": isBool,
		"/autoAssignDataServicesContributorRoleToProfessionals":        isBool,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"name": "qliksim", "hostnames": []any{DefaultHostname},
			"enableAnalyticCreation": false, "enableAppOpeningFeedback": false,
			"autoAssignCreateSharedSpacesRoleToProfessionals":             true,
			"autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": true,
			"autoAssignDataServicesContributorRoleToProfessionals":        true}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any {
		f["id"] = st.TenantID
		f["status"] = "active"
		f["region"] = "us"
		f["datacenter"] = "us-east-1"
		f["created"] = "2024-01-01"
		f["lastUpdated"] = r.UpdatedAt.Format("2006-01-02")
		f["createdByUser"] = st.CallerID
		f["links"] = map[string]any{"self": map[string]any{"href": "/api/v1/tenants/" + st.TenantID}}
		return f
	},
}

var tenantSettings = &setting{
	key: "tenant-settings", path: "/api/v1/tenant-settings", patchStatus: http.StatusOK,
	fields: map[string]check{
		"/preferredStartPage":  object("route", "value"),
		"/customizeNoAccess":   object("linkEnabled"),
		"/releaseCadence":      oneOf("monthly", "continuous"),
		"/sessionReplayOptOut": isBool,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"preferredStartPage": map[string]any{"route": "/insights", "value": "analytics-hub"},
			"customizeNoAccess": map[string]any{"linkEnabled": false}, "releaseCadence": "continuous",
			"sessionReplayOptOut": false, "crossRegionDataProcessing": false}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any {
		f["id"] = st.TenantID
		f["tenantId"] = st.TenantID
		f["createdAt"] = "2024-01-01T00:00:00.000Z"
		f["createdBy"] = st.CallerID
		f["updatedAt"] = core.FmtTime(r.UpdatedAt)
		f["updatedBy"] = r.UpdatedBy
		return f
	},
}

var authSettings = &setting{
	key: "auth-settings", path: "/api/core/auth-settings", patchStatus: http.StatusOK,
	fields: map[string]check{
		"/userSessionInactivityTimeoutMinutes": intIn(1, 1440),
		"/maxUserSessionLifespanMinutes":       wholeHours,
		"/dynamicClientRegistrationEnabled":    isBool,
		"/dcrAllowedAuthenticationMethods":     stringsOf("none", "client_secret"),
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"userSessionInactivityTimeoutMinutes": float64(120), "maxUserSessionLifespanMinutes": float64(1440),
			"dynamicClientRegistrationEnabled": false, "dcrAllowedAuthenticationMethods": []any{"client_secret"}}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any {
		f["id"] = st.TenantID
		f["tenantId"] = st.TenantID
		f["isDefault"] = r.UpdatedBy == ""
		return f
	},
}

func wholeHours(v any) string {
	if msg := intIn(60, 43200)(v); msg != "" {
		return msg
	}
	if int64(v.(float64))%60 != 0 {
		return "must be whole hours (a multiple of 60 minutes)"
	}
	return ""
}

var apiKeysConfig = &setting{
	key: "api-keys-config", path: "/api/v1/api-keys/configs/{tenantId}", patchStatus: http.StatusNoContent,
	fields: map[string]check{
		"/max_keys_per_user":          intIn(0, 1000),
		"/max_api_key_expiry":         duration,
		"/scim_externalClient_expiry": duration,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"max_keys_per_user": float64(5), "max_api_key_expiry": "PT24H", "scim_externalClient_expiry": "P365D"}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any { return f },
}

var groupSettings = &setting{
	key: "group-settings", path: "/api/v1/groups/settings", patchStatus: http.StatusNoContent,
	fields: map[string]check{
		"/autoCreateGroups": isBool,
		"/syncIdpGroups":    isBool,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"autoCreateGroups": true, "syncIdpGroups": true}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any {
		f["tenantId"] = st.TenantID
		f["links"] = map[string]any{"self": map[string]any{"href": "/api/v1/groups/settings"}}
		return f
	},
}

var itemsSettings = &setting{
	key: "items-settings", path: "/api/v1/items/settings", patchStatus: http.StatusOK,
	fields:   map[string]check{"/usageMetricsEnabled": isBool},
	defaults: func(st *core.State) map[string]any { return map[string]any{"usageMetricsEnabled": true} },
	render:   func(st *core.State, f map[string]any, r *row) map[string]any { return f },
}

var sharingSettings = &setting{
	key: "sharing-settings", path: "/api/v1/sharing-tasks/settings", patchStatus: http.StatusNoContent,
	fields: map[string]check{
		"/enable-sharing":             isBool,
		"/enable-report-subscription": isBool,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"enable-sharing": true, "enable-report-subscription": true}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any {
		f["tenantId"] = st.TenantID
		f["maxRecipients"] = float64(100)
		f["reportSubscriptionStatus"] = "none"
		f["reporting-service-license-status"] = "enabled"
		return f
	},
}

var licensesSettings = &setting{
	key: "licenses-settings", path: "/api/v1/licenses/settings", patchStatus: http.StatusOK, put: true,
	fields: map[string]check{
		"/autoAssignAnalyzer":     isBool,
		"/autoAssignProfessional": isBool,
	},
	defaults: func(st *core.State) map[string]any {
		return map[string]any{"autoAssignAnalyzer": false, "autoAssignProfessional": false}
	},
	render: func(st *core.State, f map[string]any, r *row) map[string]any { return f },
}

// settings are every singleton the service serves.
var settings = []*setting{tenantSetting, tenantSettings, authSettings, apiKeysConfig, groupSettings,
	itemsSettings, sharingSettings, licensesSettings}
