// Web integrations (/api/v1/web-integrations) through @qlik/api's
// webIntegrations module: id-cursor paging (startingAfter in links.next.href)
// through next()/prev(), sort ±name, tenantId filter; create (201 with
// links.self), get, PATCH replace (204), delete (204); the spec's error codes
// (WEBINTEGRATIONS-5, -4, _NOT_FOUND) with a string status.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, assertPaging, assertAbsoluteHref, expectHttpError, me, quietly, HOST } from "./lib.mjs";

const wi = api.webIntegrations;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => wi.deleteWebIntegration(id));
});

const UNKNOWN = "notAWebIntegrationId0000000000000";

function assertWiError(err, status, code) {
  const e = err.data.errors[0];
  assert.equal(e.code, code, JSON.stringify(err.data));
  assert.equal(e.status, String(status), "web-integrations errors carry the status as a string");
  assert.equal(typeof err.data.traceId, "string");
}

async function create(extra = {}) {
  const r = await wi.createWebIntegration({ name: uniqueName("wi"), validOrigins: ["https://embed.example.org"], ...extra });
  assert.equal(r.status, 201);
  created.push(r.data.id);
  return r.data;
}

describe("web integrations", () => {
  it("lists the seeded web integrations, sorted by name", async () => {
    const r = await wi.getWebIntegrations({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const portal = r.data.data.find((w) => w.name === "Customer portal");
    assert.ok(portal, "seeded web integration listed");
    assert.deepEqual(portal.validOrigins, ["https://portal.example.com", "https://portal-staging.example.com"]);
    assert.equal(typeof portal.tenantId, "string");
    assert.equal(portal.createdBy, (await me()).id);
    const names = r.data.data.map((w) => w.name.toLowerCase());
    assert.deepEqual(names, [...names].sort(), "default sort +name");
  });

  it("pages with limit 2 through next() (startingAfter) and back with prev() (endingBefore)", async () => {
    for (let i = 0; i < 3; i++) await create();
    const pages = await collectPages(await wi.getWebIntegrations({ limit: 2 }, fresh));
    const ids = assertPaging(pages, 2);
    for (const id of created) assert.ok(ids.includes(id));
    const next = assertAbsoluteHref(pages[0].data.links.next.href, "links.next.href");
    assert.equal(next.searchParams.get("startingAfter"), pages[0].data.data[1].id, "next starts after the page's last id");
    const back = await pages[1].prev();
    assert.deepEqual(back.data.data.map((w) => w.id), pages[0].data.data.map((w) => w.id));
    const desc = await wi.getWebIntegrations({ sort: "-name", limit: 100 }, fresh);
    const names = desc.data.data.map((w) => w.name.toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
    const tenant = pages[0].data.data[0].tenantId;
    const own = await wi.getWebIntegrations({ tenantId: tenant, limit: 100 }, fresh);
    assert.equal(own.data.data.length, ids.length);
    const other = await wi.getWebIntegrations({ tenantId: "another-tenant" }, fresh);
    assert.equal(other.data.data.length, 0);
  });

  it("creates (201, links.self), gets, patches (204) and deletes (204)", async () => {
    const c = await create({ validOrigins: ["https://a.example.org"] });
    assert.equal(typeof c.id, "string");
    assert.equal(c.links.self.href, `${HOST}/api/v1/web-integrations/${c.id}`);
    assert.equal(typeof c.created, "string");
    const g = await wi.getWebIntegration(c.id, fresh);
    assert.equal(g.data.name, c.name);
    const p = await wi.patchWebIntegration(c.id, [
      { op: "replace", path: "/name", value: `${c.name}-renamed` },
      { op: "replace", path: "/validOrigins", value: ["https://b.example.org", "https://c.example.org"] },
    ]);
    assert.equal(p.status, 204);
    const after = await wi.getWebIntegration(c.id, fresh);
    assert.equal(after.data.name, `${c.name}-renamed`);
    assert.deepEqual(after.data.validOrigins, ["https://b.example.org", "https://c.example.org"]);
    const d = await wi.deleteWebIntegration(c.id);
    assert.equal(d.status, 204);
    assertWiError(await expectHttpError(wi.getWebIntegration(c.id, fresh), 404), 404, "WEBINTEGRATIONS_NOT_FOUND");
  });

  it("answers the spec's error codes: 400 missing name, bad origin, bad patch; 404 unknown id", async () => {
    assertWiError(await expectHttpError(wi.createWebIntegration({ validOrigins: ["https://x.example"] }), 400), 400, "WEBINTEGRATIONS-5");
    assertWiError(await expectHttpError(wi.createWebIntegration({ name: uniqueName("bad"), validOrigins: ["not an origin"] }), 400), 400, "WEBINTEGRATIONS-6");
    const c = await create();
    assertWiError(await expectHttpError(wi.patchWebIntegration(c.id, [{ op: "add", path: "/name", value: "x" }]), 400), 400, "WEBINTEGRATIONS-4");
    assertWiError(await expectHttpError(wi.patchWebIntegration(UNKNOWN, [{ op: "replace", path: "/name", value: "x" }]), 404), 404, "WEBINTEGRATIONS_NOT_FOUND");
    assertWiError(await expectHttpError(wi.deleteWebIntegration(UNKNOWN), 404), 404, "WEBINTEGRATIONS_NOT_FOUND");
  });
});
