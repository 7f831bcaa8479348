// The tenant's configuration singletons through @qlik/api: the tenant
// (/api/v1/tenants/me redirecting to /api/v1/tenants/{id}), tenant settings
// (/api/v1/tenant-settings), auth settings (/api/core/auth-settings), the
// API-key configuration (/api/v1/api-keys/configs/{tenantId}), group settings
// (/api/v1/groups/settings), items settings (/api/v1/items/settings), sharing
// settings (/api/v1/sharing-tasks/settings) and licence settings
// (/api/v1/licenses/settings). Each is read as seeded, changed field by field
// (PATCH replace; PUT for licences) with the documented status, and a
// read-only or unknown path is refused with 400, changing nothing. Every
// change is undone at the end.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, quietly, UNKNOWN_ID } from "./lib.mjs";

const undo = [];
after(async () => {
  for (const f of undo.reverse()) await quietly(f);
});

// refusal awaits a call Qlik must refuse and returns the error.
async function refusal(promise, status) {
  try {
    const r = await promise;
    assert.fail(`expected HTTP ${status}, got ${r?.status}: ${JSON.stringify(r?.data)?.slice(0, 300)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.equal(e.status, status, `status (body ${JSON.stringify(e.data)?.slice(0, 300)})`);
    assert.ok(Array.isArray(e.data?.errors) && e.data.errors.length === 1, JSON.stringify(e.data));
    return e;
  }
}

const replace = (path, value) => ({ op: "replace", path, value });

describe("tenant", () => {
  it("/api/v1/tenants/me redirects to the tenant, which PATCH changes field by field (204)", async () => {
    const me = await api.tenants.getMyTenant(fresh);
    assert.equal(me.status, 200, "the redirect is followed");
    const t = me.data;
    assert.equal(t.name, "Demo Corp Analytics");
    assert.deepEqual(t.hostnames, ["qliksim.us.qlikcloud.com", "analytics.democorp.example"]);
    assert.equal(t.autoAssignDataServicesContributorRoleToProfessionals, false);
    const byId = await api.tenants.getTenant(t.id, fresh);
    assert.equal(byId.data.name, t.name);
    undo.push(() => api.tenants.patchTenant(t.id, [replace("/name", t.name), replace("/hostnames/1", t.hostnames[1])]));
    const p = await api.tenants.patchTenant(t.id, [replace("/name", "Renamed"), replace("/hostnames/1", "alias.example")]);
    assert.equal(p.status, 204);
    const after = (await api.tenants.getTenant(t.id, fresh)).data;
    assert.equal(after.name, "Renamed");
    assert.deepEqual(after.hostnames, ["qliksim.us.qlikcloud.com", "alias.example"]);
    assert.equal(after.region, t.region, "other fields unchanged");
  });

  it("refuses the tenant's own hostname and read-only fields (400), all or nothing; another tenant is 404", async () => {
    const t = (await api.tenants.getMyTenant(fresh)).data;
    const e = await refusal(api.tenants.patchTenant(t.id, [replace("/name", "Half"), replace("/hostnames/0", "x.example")]), 400);
    assert.equal(e.data.errors[0].status, "400", "tenants' errors carry the status as a string");
    assert.equal((await api.tenants.getTenant(t.id, fresh)).data.name, t.name, "nothing applied");
    await refusal(api.tenants.patchTenant(t.id, [replace("/region", "eu")]), 400);
    await refusal(api.tenants.getTenant(UNKNOWN_ID, fresh), 404);
  });
});

describe("tenant settings", () => {
  it("reads the seeded settings and PATCH returns the resource (200)", async () => {
    const g = await api.tenantSettings.getTenantSettings(fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.releaseCadence, "monthly");
    assert.equal(g.data.sessionReplayOptOut, true);
    assert.equal(g.data.customizeNoAccess.linkLabel, "Request access");
    assert.equal(typeof g.data.tenantId, "string");
    undo.push(() => api.tenantSettings.updateTenantSettings([replace("/releaseCadence", "monthly")]));
    const p = await api.tenantSettings.updateTenantSettings([replace("/releaseCadence", "continuous")]);
    assert.equal(p.status, 200);
    assert.equal(p.data.releaseCadence, "continuous");
    assert.equal(p.data.sessionReplayOptOut, true, "other fields unchanged");
  });

  it("refuses read-only fields and bad values with a numeric code (400)", async () => {
    const e = await refusal(api.tenantSettings.updateTenantSettings([replace("/tenantId", "x")]), 400);
    assert.equal(e.data.errors[0].code, 400, "tenant-settings error codes are numbers");
    await refusal(api.tenantSettings.updateTenantSettings([replace("/releaseCadence", "weekly")]), 400);
  });
});

describe("auth settings", () => {
  it("reads and patches the session settings (200), refusing a lifespan that is not whole hours", async () => {
    const a = api.core.authSettings;
    const g = await a.getAuthSettings(fresh);
    assert.equal(g.data.userSessionInactivityTimeoutMinutes, 60);
    assert.equal(g.data.maxUserSessionLifespanMinutes, 720);
    undo.push(() => a.patchAuthSettings([replace("/userSessionInactivityTimeoutMinutes", 60)]));
    const p = await a.patchAuthSettings([replace("/userSessionInactivityTimeoutMinutes", 30)]);
    assert.equal(p.status, 200);
    assert.equal(p.data.userSessionInactivityTimeoutMinutes, 30);
    assert.equal(p.data.maxUserSessionLifespanMinutes, 720);
    await refusal(a.patchAuthSettings([replace("/maxUserSessionLifespanMinutes", 90)]), 400);
    await refusal(a.patchAuthSettings([replace("/isDefault", true)]), 400);
  });
});

describe("API-key configuration", () => {
  it("/api/v1/api-keys/configs/{tenantId} reads and patches (204); another tenant is 404", async () => {
    const tid = (await api.tenants.getMyTenant(fresh)).data.id;
    const g = await api.apiKeys.getApiKeysConfig(tid, fresh);
    assert.deepEqual(g.data, { max_keys_per_user: 3, max_api_key_expiry: "P30D", scim_externalClient_expiry: "P180D" });
    undo.push(() => api.apiKeys.patchApiKeysConfig(tid, [replace("/max_keys_per_user", 3)]));
    const p = await api.apiKeys.patchApiKeysConfig(tid, [replace("/max_keys_per_user", 7)]);
    assert.equal(p.status, 204);
    assert.equal((await api.apiKeys.getApiKeysConfig(tid, fresh)).data.max_keys_per_user, 7);
    await refusal(api.apiKeys.patchApiKeysConfig(tid, [replace("/max_api_key_expiry", "tomorrow")]), 400);
    await refusal(api.apiKeys.getApiKeysConfig(UNKNOWN_ID, fresh), 404);
  });
});

describe("group, items, sharing and licence settings", () => {
  it("/api/v1/groups/settings patches auto-create and IdP sync (204)", async () => {
    const g = await api.groups.getGroupsSettings(fresh);
    assert.equal(g.data.autoCreateGroups, true);
    assert.equal(g.data.syncIdpGroups, false);
    undo.push(() => api.groups.patchGroupsSettings([replace("/syncIdpGroups", false)]));
    assert.equal((await api.groups.patchGroupsSettings([replace("/syncIdpGroups", true)])).status, 204);
    assert.equal((await api.groups.getGroupsSettings(fresh)).data.syncIdpGroups, true);
    await refusal(api.groups.patchGroupsSettings([replace("/tenantId", "x")]), 400);
  });

  it("/api/v1/items/settings patches usage metrics (200)", async () => {
    assert.equal((await api.items.getItemsSettings(fresh)).data.usageMetricsEnabled, false);
    undo.push(() => api.items.patchItemsSettings([replace("/usageMetricsEnabled", false)]));
    const p = await api.items.patchItemsSettings([replace("/usageMetricsEnabled", true)]);
    assert.equal(p.status, 200);
    assert.equal(p.data.usageMetricsEnabled, true);
  });

  it("/api/v1/sharing-tasks/settings patches the switches (204) and refuses read-only limits", async () => {
    const s = api.sharingTasks;
    const g = await s.getSharingTasksSettings(fresh);
    assert.equal(g.data["enable-sharing"], true);
    assert.equal(g.data["enable-report-subscription"], false);
    assert.equal(typeof g.data.maxRecipients, "number");
    undo.push(() => s.updateSharingTasksSettings([replace("/enable-report-subscription", false)]));
    assert.equal((await s.updateSharingTasksSettings([replace("/enable-report-subscription", true)])).status, 204);
    assert.equal((await s.getSharingTasksSettings(fresh)).data["enable-report-subscription"], true);
    await refusal(s.updateSharingTasksSettings([replace("/maxRecipients", 5)]), 400);
  });

  it("/api/v1/licenses/settings is replaced with PUT (200)", async () => {
    const l = api.licenses;
    const g = await l.getLicenseSettings(fresh);
    assert.deepEqual(g.data, { autoAssignAnalyzer: true, autoAssignProfessional: false });
    undo.push(() => l.updateLicenseSettings({ autoAssignAnalyzer: true, autoAssignProfessional: false }));
    const p = await l.updateLicenseSettings({ autoAssignAnalyzer: false, autoAssignProfessional: true });
    assert.equal(p.status, 200);
    assert.deepEqual(p.data, { autoAssignAnalyzer: false, autoAssignProfessional: true });
    const e = await refusal(l.updateLicenseSettings({ autoAssignEverything: true }), 400);
    assert.equal(typeof e.data.message, "string", "licence errors keep the deprecated message");
  });
});
