// CSP origins (/api/v1/csp-origins) through @qlik/api's cspOrigins module:
// paging with next(), the per-directive boolean filters, name/origin wildcards,
// sort; create (201), get, PUT (200, full replace), delete (204); the compiled
// header (actions/generate-header); 400/404/409 in the service's error shape
// (errors[{code,title,detail}], no traceId).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, assertPaging, expectHttpError, quietly } from "./lib.mjs";

const csp = api.cspOrigins;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => csp.deleteCSPEntry(id));
});

const UNKNOWN = "0123456789abcdef01234567";
const FLAGS = ["childSrc", "connectSrc", "connectSrcWSS", "fontSrc", "formAction", "frameAncestors", "frameSrc", "imgSrc", "mediaSrc", "objectSrc", "scriptSrc", "styleSrc", "workerSrc"];

function assertCspError(body) {
  assert.ok(Array.isArray(body.errors) && body.errors.length >= 1, JSON.stringify(body));
  for (const k of Object.keys(body.errors[0])) assert.ok(["code", "title", "detail"].includes(k), `csp error elements have no ${k}`);
  assert.equal(body.traceId, undefined, "csp-origins errors carry no traceId");
}

async function create(extra = {}) {
  const origin = `https://${uniqueName("o")}.example.org`;
  const r = await csp.createCSPEntry({ name: uniqueName("csp"), origin, ...extra });
  assert.equal(r.status, 201);
  created.push(r.data.id);
  return r.data;
}

describe("csp origins", () => {
  it("lists the seeded entries with every directive flag", async () => {
    const r = await csp.getCSPEntries({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const cdn = r.data.data.find((c) => c.origin === "https://cdn.example.com");
    assert.ok(cdn, "seeded entry listed");
    for (const f of FLAGS) assert.equal(cdn[f], ["fontSrc", "imgSrc", "styleSrc"].includes(f), f);
    assert.equal(typeof cdn.createdDate, "string");
    assert.equal(typeof cdn.modifiedDate, "string");
  });

  it("pages with limit 2 through next(), filters by directive and wildcards, sorts", async () => {
    for (let i = 0; i < 2; i++) await create({ mediaSrc: true });
    const pages = await collectPages(await csp.getCSPEntries({ limit: 2 }, fresh));
    const ids = assertPaging(pages, 2);
    for (const id of created) assert.ok(ids.includes(id));
    const media = await csp.getCSPEntries({ mediaSrc: true, limit: 100 }, fresh);
    assert.deepEqual(media.data.data.map((c) => c.id).sort(), [...created].sort());
    const img = await csp.getCSPEntries({ imgSrc: true, scriptSrc: true }, fresh);
    assert.deepEqual(img.data.data.map((c) => c.origin), ["https://tiles.maps.example.net"]);
    const byOrigin = await csp.getCSPEntries({ origin: "*.NET" }, fresh);
    assert.deepEqual(byOrigin.data.data.map((c) => c.name), ["Maps tiles"]);
    const byName = await csp.getCSPEntries({ name: "portal" }, fresh);
    assert.deepEqual(byName.data.data.map((c) => c.origin), ["https://portal.example.com"]);
    const sorted = await csp.getCSPEntries({ sort: "-origin", limit: 100 }, fresh);
    const origins = sorted.data.data.map((c) => c.origin.toLowerCase());
    assert.deepEqual(origins, [...origins].sort().reverse());
  });

  it("compiles the header from the entries", async () => {
    const c = await create({ objectSrc: true });
    const r = await csp.getCSPHeader(fresh);
    assert.equal(r.status, 200);
    const h = r.data["Content-Security-Policy"];
    assert.equal(typeof h, "string");
    assert.match(h, /frame-ancestors 'self' https:\/\/portal\.example\.com/);
    assert.ok(h.includes(`object-src 'self' ${c.origin}`), h);
    assert.ok(h.includes("wss://tiles.maps.example.net"), "connectSrcWSS adds a wss:// source");
  });

  it("creates (201), gets, replaces with PUT (200) and deletes (204)", async () => {
    const c = await create({ description: "d", imgSrc: true, fontSrc: true });
    assert.equal(c.imgSrc, true);
    const g = await csp.getCSPEntry(c.id, fresh);
    assert.equal(g.data.origin, c.origin);
    const u = await csp.updateCSPEntry(c.id, { origin: c.origin, name: c.name, scriptSrc: true });
    assert.equal(u.status, 200);
    assert.equal(u.data.scriptSrc, true);
    assert.equal(u.data.imgSrc, false, "PUT replaces: a flag left out is false");
    assert.equal(u.data.description, "");
    assert.equal(u.data.createdDate, c.createdDate);
    const d = await csp.deleteCSPEntry(c.id);
    assert.equal(d.status, 204);
    assertCspError((await expectHttpError(csp.getCSPEntry(c.id, fresh), 404)).data);
  });

  it("refuses a missing origin (400), a duplicate origin (409) and unknown ids (404)", async () => {
    assertCspError((await expectHttpError(csp.createCSPEntry({ name: "no origin" }), 400)).data);
    assertCspError((await expectHttpError(csp.createCSPEntry({ origin: "HTTPS://CDN.example.com" }), 409)).data);
    const c = await create();
    assertCspError((await expectHttpError(csp.updateCSPEntry(c.id, { origin: "https://portal.example.com" }), 409)).data);
    for (const call of [() => csp.getCSPEntry(UNKNOWN, fresh), () => csp.updateCSPEntry(UNKNOWN, { origin: "https://x.example" }), () => csp.deleteCSPEntry(UNKNOWN)]) {
      assertCspError((await expectHttpError(call(), 404)).data);
    }
  });
});
