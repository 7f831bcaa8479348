// Audits (/api/v1/audits) through @qlik/api's audits module: a write made
// with another user's key (run.sh starts qliksim with --api-key-for carol)
// is an event naming carol, in Qlik's shape; the eventTime range, userId and
// eventType filters, +eventTime sort, paging with next(); get by id, types,
// sources, settings; 400 and 404 in the service's error shape.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, apiKeyApi, fresh, uniqueName, collectPages, assertPaging, expectHttpError, quietly } from "./lib.mjs";

const CAROL_KEY = process.env.QLIK_CAROL_KEY;
const carol = apiKeyApi(CAROL_KEY);
const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.spaces.deleteSpace(id));
});

describe("audits", () => {
  it("records a write by carol's key as carol's, and one by the admin's as the admin's", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const me = (await carol.users.getMyUser(fresh)).data;
    assert.equal(me.email, "carol.white@example.com");
    const admin = (await api.users.getMyUser(fresh)).data;
    const space = (await api.spaces.createSpace({ name: uniqueName("audited"), type: "shared" })).data;
    created.push(space.id);
    await carol.spaces.patchSpace(space.id, [{ op: "replace", path: "/description", value: "carol was here" }]);
    const until = new Date(Date.now() + 1000).toISOString();

    const r = await api.audits.getAudits({ eventTime: `${since}/${until}`, sort: "+eventTime", limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const mine = r.data.data.filter((e) => e.data?.id === space.id);
    assert.deepEqual(mine.map((e) => e.eventType), ["com.qlik.v1.space.created", "com.qlik.v1.space.updated"]);
    assert.deepEqual(mine.map((e) => e.userId), [admin.id, me.id]);
    for (const e of mine) {
      assert.equal(e.tenantId, me.tenantId);
      assert.equal(e.source, "com.qlik/spaces");
      assert.equal(e.contentType, "application/json");
      assert.ok(!Number.isNaN(Date.parse(e.eventTime)), e.eventTime);
      assert.equal(e.eventId, e.id);
      const one = await api.audits.getAudit(e.id, fresh);
      assert.equal(one.data.eventTime, e.eventTime);
    }
    const byCarol = await api.audits.getAudits({ userId: me.id, eventType: "com.qlik.v1.space.updated", limit: 100 }, fresh);
    assert.ok(byCarol.data.data.some((e) => e.data?.id === space.id));
    assert.ok(byCarol.data.data.every((e) => e.userId === me.id));
  });

  it("pages newest first with next()", async () => {
    const space = (await api.spaces.createSpace({ name: uniqueName("paged"), type: "shared" })).data;
    created.push(space.id);
    for (let i = 0; i < 4; i++) {
      await api.spaces.patchSpace(space.id, [{ op: "replace", path: "/description", value: `v${i}` }]);
    }
    const pages = await collectPages(await api.audits.getAudits({ limit: 2 }, fresh));
    const ids = assertPaging(pages, 2);
    assert.ok(ids.length >= 5);
    const times = pages.flatMap((p) => p.data.data.map((e) => e.eventTime));
    assert.deepEqual(times, [...times].sort().reverse(), "default sort is -eventTime");
  });

  it("lists types and sources, and says how long events are kept", async () => {
    const types = await api.audits.getAuditTypes(fresh);
    assert.ok(types.data.data.includes("com.qlik.v1.space.updated"), JSON.stringify(types.data));
    const sources = await api.audits.getAuditSources(fresh);
    assert.ok(sources.data.data.includes("com.qlik/spaces"));
    const settings = await api.audits.getAuditsSettings(fresh);
    assert.equal(settings.data.data.EventTTL, 90 * 24 * 3600);
  });

  it("answers 400 for a bad interval and 404 for an unknown event", async () => {
    await expectHttpError(api.audits.getAudits({ eventTime: "yesterday" }, fresh), 400);
    await expectHttpError(api.audits.getAudit("00000000-0000-4000-8000-000000000000", fresh), 404);
  });
});
