// App report filters through @qlik/api (apps.js: getAppReportFilters,
// createAppReportFilter, countAppReportFilters, getAppReportFilter,
// patchAppReportFilter, deleteAppReportFilter): the REST-visible bookmarks
// reports apply. Qlik's apps OpenAPI file lacks them; qliksim holds them
// against its transcription of @qlik/api's types
// (qliksim-apps-report-filters.yml).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, expectHttpError, UNKNOWN_ID } from "./lib.mjs";

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.apps.deleteApp(id));
});

const definition = {
  fieldsByState: { $: [{ name: "Country", overrideValues: false, selectExcluded: false,
    values: [{ valueAsText: "4-Brazil", valueType: "string" }] }] },
  variables: [{ name: "vYear", value: "2026", evaluate: false }],
};

describe("app report filters", () => {
  it("create, list, count, get, patch and delete a filter", async () => {
    const app = await api.apps.createApp({ attributes: { name: uniqueName("filters") } });
    const appId = app.data.attributes.id;
    created.push(appId);
    const name = uniqueName("Brazil");
    const c = await api.apps.createAppReportFilter(appId,
      { name, description: "only Brazil", filterType: "REP", filterVersion: "filter-1.0", filterV1_0: definition });
    assert.equal(c.status, 201);
    assert.equal(c.data.name, name);
    assert.deepEqual(c.data.filterV1_0, definition);
    const id = c.data.id;
    assert.ok(id);

    await expectHttpError(api.apps.createAppReportFilter(appId,
      { name, filterType: "REP", filterVersion: "filter-1.0" }), 409);

    const list = await api.apps.getAppReportFilters(appId, { filterTypes: ["REP"] }, fresh);
    assert.equal(list.status, 200);
    assert.deepEqual(list.data.data.map((f) => f.name), [name]);
    assert.deepEqual(list.data.data[0].filterV1_0, definition);
    const none = await api.apps.getAppReportFilters(appId, { filterTypes: ["SUB"] }, fresh);
    assert.equal(none.data.data.length, 0);
    const count = await api.apps.countAppReportFilters(appId, { filterTypes: ["REP"] }, fresh);
    assert.equal(count.data.total, 1);

    const changed = { fieldsByState: { $: [{ name: "Country", values: [{ valueAsText: "1-Argentina", valueType: "string" }] }] } };
    const p = await api.apps.patchAppReportFilter(appId, id,
      [{ op: "replace", path: "/filter", value: { Filter: { description: "only Argentina", filterV1_0: changed } } }]);
    assert.equal(p.status, 204);
    const g = await api.apps.getAppReportFilter(appId, id, fresh);
    assert.equal(g.data.description, "only Argentina");
    assert.equal(g.data.name, name, "a patch keeps the fields it does not name");
    assert.deepEqual(g.data.filterV1_0, changed);

    const d = await api.apps.deleteAppReportFilter(appId, id);
    assert.equal(d.status, 204);
    await expectHttpError(api.apps.getAppReportFilter(appId, id, fresh), 404);
  });

  it("answers 404 for an unknown app or filter and 400 for a filter without a name", async () => {
    await expectHttpError(api.apps.getAppReportFilters(UNKNOWN_ID, { filterTypes: ["REP"] }, fresh), 404);
    const app = await api.apps.createApp({ attributes: { name: uniqueName("filters") } });
    const appId = app.data.attributes.id;
    created.push(appId);
    await expectHttpError(api.apps.getAppReportFilter(appId, UNKNOWN_ID, fresh), 404);
    await expectHttpError(api.apps.createAppReportFilter(appId, { filterType: "REP", filterVersion: "filter-1.0" }), 400);
  });
});
