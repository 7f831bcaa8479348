// Sharing tasks (/api/v1/sharing-tasks) through @qlik/api's sharingTasks
// module: the list (items under sharingTasks, totalCount and
// currentPageCount, offset paging, the appid filter), create (201), get,
// patch over the spec's path enum (204; an unknown path is 400), delete
// (204, then 404). There is no PUT. Errors are Errors:
// errors[{code,title,detail,meta{httpCode}}] and traceId.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, quietly, expectHttpError, uniqueName, UNKNOWN_ID } from "./lib.mjs";

const st = api.sharingTasks;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => st.deleteSharingTask(id));
});

async function appId(name) {
  const r = await api.items.getItems({ resourceType: "app", name, limit: 100 }, fresh);
  assert.equal(r.data.data.length, 1, `one app named ${name}`);
  return r.data.data[0].resourceId;
}

function assertStError(body, status) {
  assert.ok(Array.isArray(body.errors) && body.errors.length >= 1, JSON.stringify(body));
  assert.equal(typeof body.errors[0].code, "string");
  assert.equal(body.errors[0].meta?.httpCode, status);
  assert.equal(typeof body.traceId, "string");
}

describe("sharing tasks", () => {
  it("lists the seeded subscription under sharingTasks with its template and recipients", async () => {
    const pnl = await appId("Profit and Loss");
    const r = await st.getSharingTasks({ appid: pnl, limit: 100 }, fresh);
    assert.equal(r.status, 200);
    assert.equal(r.data.data, undefined, "the list key is sharingTasks, not data");
    const t = r.data.sharingTasks.find((x) => x.name === "Monthly P&L to the board");
    assert.ok(t, "seeded task listed");
    assert.equal(r.data.totalCount, r.data.sharingTasks.length);
    assert.equal(r.data.currentPageCount, r.data.sharingTasks.length);
    assert.equal(t.type, "template-sharing");
    assert.equal(t.appId, pnl);
    const tpl = (await api.reportTemplates.getReportTemplates({ limit: 100 }, fresh)).data.data.find((x) => x.name === "Monthly P&L pack");
    assert.equal(t.templates[0].templateId, tpl.id);
    assert.equal(t.recipients.userIds.length, 1);
    assert.equal(t.recipients.groupIds.length, 1);
    assert.ok(t.encryptedState?.cipher && t.encryptedTemplates?.cipher && t.encryptedEmailContent?.subject?.cipher, "encrypted fields are answered");
  });

  it("creates (201), pages by offset, gets, patches (204), deletes (204)", async () => {
    const cash = await appId("Cash Flow");
    const names = [uniqueName("st-a"), uniqueName("st-b")];
    for (const name of names) {
      const c = await st.createSharingTask({ name, type: "sheet-sharing", appId: cash, state: { selections: [] },
        templates: [{ type: "sheet", sheetData: { appId: cash, sheetId: "s1" } }],
        recipients: { emailAddresses: ["cfo@example.com"] }, scheduleOptions: { recurrence: ["RRULE:FREQ=WEEKLY"], timezone: "UTC" } });
      assert.equal(c.status, 201);
      created.push(c.data.id);
    }
    const p1 = await st.getSharingTasks({ appid: cash, limit: 1 }, fresh);
    assert.equal(p1.data.totalCount, 2);
    assert.equal(p1.data.currentPageCount, 1);
    assert.ok(p1.data.links.next.href.includes("offset=1"), p1.data.links.next.href);
    const p2 = await st.getSharingTasks({ appid: cash, limit: 1, offset: 1 }, fresh);
    assert.equal(p2.data.sharingTasks.length, 1);
    assert.notEqual(p2.data.sharingTasks[0].id, p1.data.sharingTasks[0].id);
    const id = created[0];
    const p = await st.patchSharingTask(id, [{ op: "replace", path: "/name", value: names[0] + "-2" }, { op: "replace", path: "/enabled", value: false }]);
    assert.equal(p.status, 204);
    const g = await st.getSharingTask(id, {}, fresh);
    assert.equal(g.data.name, names[0] + "-2");
    assert.equal(g.data.enabled, false);
    assertStError((await expectHttpError(st.patchSharingTask(id, [{ op: "replace", path: "/appId", value: "x" }]), 400)).data, 400);
    assert.equal((await st.deleteSharingTask(id)).status, 204);
    created.shift();
    assertStError((await expectHttpError(st.getSharingTask(id, {}, fresh), 404)).data, 404);
  });

  it("refuses a task of an unknown app (400)", async () => {
    assertStError((await expectHttpError(st.createSharingTask({ name: uniqueName("noapp"), type: "chart-sharing", appId: UNKNOWN_ID,
      state: {}, templates: [{ type: "chart" }] }), 400)).data, 400);
  });
});
