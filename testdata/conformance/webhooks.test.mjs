// Webhooks (/api/v1/webhooks) through @qlik/api's webhooks module: paging with
// next()/prev(), filters and sort, the event-types catalogue, create, get,
// PATCH (204), PUT (200, omitted fields cleared), delete; the write-only secret
// and encrypted header values never come back; a webhook Qlik disabled shows its
// reason; 400/404 in the service's error shape (errors[{code,title,detail}], traceId).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, assertPaging, expectHttpError, me, quietly, rawGet, HOST, API_KEY } from "./lib.mjs";

const wh = api.webhooks;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => wh.deleteWebhook(id));
});

const SEED_SECRET = "seed-webhook-secret-7f3a-not-a-real-hmac-key";
const SEED_HEADER = "Bearer seed-webhook-header-token-3c9d";
const UNKNOWN = "0f0e0d0c-0b0a-4909-8807-060504030201";

function assertWebhookErrorBody(body) {
  assert.ok(Array.isArray(body.errors) && body.errors.length >= 1, JSON.stringify(body));
  for (const k of Object.keys(body.errors[0])) assert.ok(["code", "title", "detail"].includes(k), `webhooks error elements have no ${k}`);
  assert.equal(typeof body.traceId, "string", "webhooks errors carry a traceId");
}

async function create(extra = {}) {
  const r = await wh.createWebhook({ name: uniqueName("wh"), url: "https://hooks.example.org/conformance", ...extra });
  assert.equal(r.status, 201);
  created.push(r.data.id);
  return r.data;
}

describe("webhooks", () => {
  it("lists the seeded webhooks without their secrets, one disabled by Qlik with its reason", async () => {
    const r = await wh.getWebhooks({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const raw = JSON.stringify(r.data);
    assert.ok(!raw.includes(SEED_SECRET) && !raw.includes(SEED_HEADER), "write-only values never listed");
    const ops = r.data.data.find((w) => w.name === "Reload failures to Ops");
    assert.ok(ops, "seeded webhook listed");
    assert.equal(ops.secret, undefined);
    assert.equal(ops.secretKeyAdded, true);
    assert.deepEqual(ops.encryptedHeaders, ["Authorization"], "only the encrypted header names");
    assert.deepEqual(ops.headers, { "X-Team": "data-ops" });
    assert.equal(ops.filter, 'data.status eq "error"');
    const admin = await me();
    assert.equal(ops.ownerId, admin.id);
    const off = r.data.data.find((w) => w.name === "App changes to Teams");
    assert.equal(off.enabled, false);
    assert.equal(off.disabledReasonCode, "WEBHOOK_DELIVERY_FAILED");
    assert.match(off.disabledReason, /failed deliveries/);
    const one = await wh.getWebhook(ops.id, fresh);
    assert.ok(!JSON.stringify(one.data).includes(SEED_SECRET), "nor returned by get");
  });

  it("pages with limit 2 through next() and prev(), newest first by default", async () => {
    for (let i = 0; i < 3; i++) await create();
    const first = await wh.getWebhooks({ limit: 2 }, fresh);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2);
    for (const id of created) assert.ok(ids.includes(id), "every created webhook listed once");
    const times = pages.flatMap((p) => p.data.data.map((w) => w.createdAt));
    assert.deepEqual(times, [...times].sort().reverse(), "default sort -createdAt");
    const last = pages[pages.length - 1];
    assert.equal(typeof last.prev, "function", "a later page has prev()");
    const back = await last.prev();
    assert.equal(back.status, 200);
    assert.deepEqual(back.data.data.map((w) => w.id), pages[pages.length - 2].data.data.map((w) => w.id));
  });

  it("filters by enabled, name, level and eventTypes, and sorts by name", async () => {
    const name = uniqueName("filtered");
    await create({ name, enabled: true, eventTypes: ["com.qlik.v1.user.created"] });
    const byName = await wh.getWebhooks({ name: `${name.slice(0, -2)}*` }, fresh);
    assert.deepEqual(byName.data.data.map((w) => w.name), [name]);
    const enabled = await wh.getWebhooks({ enabled: true, limit: 100 }, fresh);
    assert.ok(enabled.data.data.every((w) => w.enabled === true));
    assert.ok(enabled.data.data.some((w) => w.name === name));
    const user = await wh.getWebhooks({ level: "user", limit: 100 }, fresh);
    assert.deepEqual(user.data.data.map((w) => w.name), ["App changes to Teams"]);
    const ev = await wh.getWebhooks({ eventTypes: "com.qlik.v1.user.created", limit: 100 }, fresh);
    assert.deepEqual(ev.data.data.map((w) => w.name), [name]);
    const sorted = await wh.getWebhooks({ sort: "name", limit: 100 }, fresh);
    const names = sorted.data.data.map((w) => w.name.toLowerCase());
    assert.deepEqual(names, [...names].sort());
    await expectHttpError(wh.getWebhooks({ limit: 101 }, fresh), 400);
  });

  it("lists the event types", async () => {
    const r = await wh.getWebhookEventTypes(fresh);
    assert.equal(r.status, 200);
    const reload = r.data.data.find((e) => e.name === "com.qlik.v1.app.reload.finished");
    assert.ok(reload && Array.isArray(reload.levels) && typeof reload.title === "string");
  });

  it("creates, gets, patches (204), puts (200) and deletes (204); the secret is write-only", async () => {
    const secret = `conf-webhook-secret-${"x".repeat(24)}`;
    const c = await wh.createWebhook({
      name: uniqueName("crud"),
      url: "https://hooks.example.org/crud",
      eventTypes: ["com.qlik.v1.app.created"],
      headers: { "X-Plain": "1" },
      encryptedHeaders: { "X-Token": "conf-encrypted-header-value" },
      secret,
      enabled: true,
    });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    assert.ok(!JSON.stringify(c.data).includes(secret) && !JSON.stringify(c.data).includes("conf-encrypted-header-value"));
    assert.equal(c.data.secretKeyAdded, true);
    assert.deepEqual(c.data.encryptedHeaders, ["X-Token"]);
    assert.equal(c.data.level, "tenant");
    assert.equal(c.data.origin, "api");
    assert.equal(c.data.createdByUserId, (await me()).id);

    const p = await wh.patchWebhook(c.data.id, [
      { op: "replace", path: "/description", value: "patched" },
      { op: "replace", path: "/enabled", value: false },
    ]);
    assert.equal(p.status, 204);
    const g = await wh.getWebhook(c.data.id, fresh);
    assert.equal(g.data.description, "patched");
    assert.equal(g.data.enabled, false);
    assert.equal(g.data.secretKeyAdded, true, "a PATCH keeps the secret");
    const raw = await rawGet(`/api/v1/webhooks/${c.data.id}`);
    assert.ok(!JSON.stringify(raw.body).includes(secret), "raw GET has no secret either");

    const u = await wh.updateWebhook(c.data.id, { name: g.data.name, url: "https://hooks.example.org/v2" });
    assert.equal(u.status, 200);
    assert.equal(u.data.url, "https://hooks.example.org/v2");
    assert.equal(u.data.description, "", "PUT clears omitted fields");
    assert.equal(u.data.secretKeyAdded, false, "…the secret too");
    assert.deepEqual(u.data.encryptedHeaders, []);
    assert.equal(u.data.createdAt, c.data.createdAt);

    const d = await wh.deleteWebhook(c.data.id);
    assert.equal(d.status, 204);
    const e = await expectHttpError(wh.getWebhook(c.data.id, fresh), 404);
    assertWebhookErrorBody(e.data);
  });

  it("shows the reason when Qlik disables a webhook, and clears it when re-enabled", async () => {
    const w = await create({ enabled: true });
    const res = await fetch(new URL(`/_sim/webhooks/${w.id}/disable`, HOST), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "target answered 500 ten times", code: "CONF-DISABLED" }),
    });
    assert.equal(res.status, 204);
    const g = await wh.getWebhook(w.id, fresh);
    assert.equal(g.data.enabled, false);
    assert.equal(g.data.disabledReason, "target answered 500 ten times");
    assert.equal(g.data.disabledReasonCode, "CONF-DISABLED");
    await wh.patchWebhook(w.id, [{ op: "replace", path: "/enabled", value: true }]);
    const again = await wh.getWebhook(w.id, fresh);
    assert.equal(again.data.enabled, true);
    assert.equal(again.data.disabledReason, undefined);
  });

  it("refuses bad input (400) and unknown ids (404) in its error shape", async () => {
    for (const body of [{ url: "https://x.example" }, { name: uniqueName("nourl") }, { name: "x", url: "https://x.example", secret: "short" }]) {
      const e = await expectHttpError(wh.createWebhook(body), 400);
      assertWebhookErrorBody(e.data);
    }
    const w = await create();
    await expectHttpError(wh.patchWebhook(w.id, [{ op: "replace", path: "/level", value: "user" }]), 400);
    for (const call of [
      () => wh.getWebhook(UNKNOWN, fresh),
      () => wh.patchWebhook(UNKNOWN, [{ op: "replace", path: "/name", value: "x" }]),
      () => wh.updateWebhook(UNKNOWN, { name: "x", url: "https://x.example" }),
      () => wh.deleteWebhook(UNKNOWN),
    ]) {
      assertWebhookErrorBody((await expectHttpError(call(), 404)).data);
    }
    // Unauthenticated: 401 in the same shape.
    const res = await fetch(new URL("/api/v1/webhooks", HOST), { headers: { Authorization: `Bearer not-${API_KEY}` } });
    assert.equal(res.status, 401);
    assertWebhookErrorBody(await res.json());
  });
});
