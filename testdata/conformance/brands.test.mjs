// Brands (/api/v1/brands) through @qlik/api's brands module: list with
// startingAfter paging, multipart create with logo, favIcon and styles,
// byte-exact file downloads, JSON Patch, per-file POST/PUT/DELETE,
// activate/deactivate with one active brand, GET /active (a 301 to the brand
// or {}), delete, and the errors[] body with traceId.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api, fresh, uniqueName, quietly, rawGet, expectHttpError, UNKNOWN_ID, collectPages, HOST, API_KEY } from "./lib.mjs";

const SEED = process.env.QLIKSIM_SEED;
const seedFile = (rel) => readFileSync(join(SEED, "brands", rel));

// A real 1x1 PNG and the demo seed's 16x16 ICO.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c63f8cfc0f01f0005000201" + "5c8d2f4e0000000049454e44ae426082",
  "hex",
);
const ICO = seedFile("acme-holiday/favicon.ico");
const blob = (bytes, type) => new Blob([bytes], { type });

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.brands.deleteBrand(id));
});

async function expectBrandsError(promise, status) {
  const err = await expectHttpError(promise, status);
  assert.equal(typeof err.data.traceId, "string", "brands errors carry a traceId");
  return err;
}

async function bytesOf(resp) {
  return Buffer.from(await resp.data.arrayBuffer());
}

async function allBrands() {
  const pages = await collectPages(await api.brands.getBrands({ limit: 2 }, fresh));
  return pages.flatMap((p) => p.data.data);
}

describe("brands", () => {
  it("lists the seeded brands, one of them active, paged with startingAfter", async () => {
    const first = await api.brands.getBrands({ limit: 1 }, fresh);
    assert.equal(first.status, 200);
    assert.equal(first.data.data.length, 1);
    assert.match(first.data.links.next.href, /startingAfter=/);
    const brands = await allBrands();
    const corp = brands.find((b) => b.name === "Acme Corporate");
    const holiday = brands.find((b) => b.name === "Acme Holiday");
    assert.ok(corp && holiday, "both seeded brands are listed");
    assert.equal(corp.active, true);
    assert.equal(holiday.active, false);
    assert.deepEqual(corp.files.map((f) => f.id), ["logo", "favIcon", "styles"]);
    assert.deepEqual(holiday.files.map((f) => f.id), ["logo", "favIcon"]);
    assert.equal(brands.filter((b) => b.active).length, 1, "only one brand is active");
  });

  it("serves a seeded brand's files byte for byte with their content type", async () => {
    const corp = (await allBrands()).find((b) => b.name === "Acme Corporate");
    const logo = await api.brands.getBrandFile(corp.id, "logo", fresh);
    assert.equal(logo.status, 200);
    assert.equal(logo.headers.get("content-type"), "image/png");
    assert.deepEqual(await bytesOf(logo), seedFile("acme-corporate/logo.png"));
    const fav = await api.brands.getBrandFile(corp.id, "favIcon", fresh);
    assert.equal(fav.headers.get("content-type"), "image/x-icon");
    assert.deepEqual(await bytesOf(fav), seedFile("acme-corporate/favicon.ico"));
    // The client parses JSON; the raw bytes are checked without it.
    const styles = await api.brands.getBrandFile(corp.id, "styles", fresh);
    assert.deepEqual(styles.data, JSON.parse(seedFile("acme-corporate/styles.json")));
    const raw = await fetch(new URL(`/api/v1/brands/${corp.id}/files/styles`, HOST), { headers: { Authorization: `Bearer ${API_KEY}` } });
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), seedFile("acme-corporate/styles.json"));
  });

  it("creates a brand with files (multipart), gets it and downloads its files byte-exact", async () => {
    const name = uniqueName("brand");
    const styles = JSON.stringify({ palette: { primary: "#123456" } });
    const c = await api.brands.createBrand({
      name, description: "conformance",
      logo: blob(PNG, "image/png"), favIcon: blob(ICO, "image/x-icon"), styles: blob(styles, "application/json"),
    });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    assert.equal(c.data.name, name);
    assert.equal(c.data.description, "conformance");
    assert.equal(c.data.active, false);
    assert.equal(c.data.files.length, 3);
    for (const f of c.data.files) {
      assert.equal(f.path, `/api/v1/brands/${c.data.id}/files/${f.id}`);
      assert.equal(typeof f.eTag, "string");
    }
    const g = await api.brands.getBrand(c.data.id, fresh);
    assert.equal(g.data.name, name);
    assert.deepEqual(await bytesOf(await api.brands.getBrandFile(c.data.id, "logo", fresh)), PNG);
    assert.deepEqual(await bytesOf(await api.brands.getBrandFile(c.data.id, "favIcon", fresh)), ICO);
  });

  it("patches name and description (204)", async () => {
    const c = await api.brands.createBrand({ name: uniqueName("brand") });
    created.push(c.data.id);
    const newName = uniqueName("renamed");
    const p = await api.brands.patchBrand(c.data.id, [
      { op: "replace", path: "/name", value: newName },
      { op: "replace", path: "/description", value: "patched" },
    ]);
    assert.equal(p.status, 204);
    const g = await api.brands.getBrand(c.data.id, fresh);
    assert.equal(g.data.name, newName);
    assert.equal(g.data.description, "patched");
  });

  it("adds (201), replaces (200) and deletes (204) a brand file", async () => {
    const c = await api.brands.createBrand({ name: uniqueName("brand") });
    created.push(c.data.id);
    assert.deepEqual(c.data.files, []);
    const add = await api.brands.createBrandFile(c.data.id, "logo", { file: blob(PNG, "image/png") });
    assert.equal(add.status, 201);
    assert.equal(add.data.id, "logo");
    assert.equal(add.data.contentType, "image/png");
    await expectBrandsError(api.brands.createBrandFile(c.data.id, "logo", { file: blob(PNG, "image/png") }), 409);
    const logo2 = seedFile("acme-holiday/logo.png");
    const put = await api.brands.updateBrandFile(c.data.id, "logo", { file: blob(logo2, "image/png") });
    assert.equal(put.status, 200);
    assert.notEqual(put.data.eTag, add.data.eTag);
    assert.deepEqual(await bytesOf(await api.brands.getBrandFile(c.data.id, "logo", fresh)), logo2);
    const del = await api.brands.deleteBrandFile(c.data.id, "logo");
    assert.equal(del.status, 204);
    await expectBrandsError(api.brands.getBrandFile(c.data.id, "logo", fresh), 404);
    await expectBrandsError(api.brands.updateBrandFile(c.data.id, "favIcon", { file: blob(ICO, "image/x-icon") }), 404);
  });

  it("activates one brand at a time; /active follows it; deactivate returns to Qlik's default", async () => {
    const before = (await allBrands()).find((b) => b.active);
    const c = await api.brands.createBrand({ name: uniqueName("brand") });
    created.push(c.data.id);
    try {
      const a = await api.brands.activateBrand(c.data.id, {});
      assert.equal(a.status, 200);
      assert.equal(a.data.active, true);
      const active = (await allBrands()).filter((b) => b.active);
      assert.deepEqual(active.map((b) => b.id), [c.data.id], "activating deactivates the other brand");
      const cur = await api.brands.getActiveBrand(fresh);
      assert.equal(cur.status, 200);
      assert.equal(cur.data.id, c.data.id, "GET /active redirects to the active brand");
      const raw = await fetch(new URL("/api/v1/brands/active", HOST), { headers: { Authorization: `Bearer ${API_KEY}` }, redirect: "manual" });
      assert.equal(raw.status, 301);
      assert.match(raw.headers.get("location"), new RegExp(`/api/v1/brands/${c.data.id}$`));
      const d = await api.brands.deactivateBrand(c.data.id, {});
      assert.equal(d.data.active, false);
      const none = await api.brands.getActiveBrand(fresh);
      assert.equal(none.status, 200);
      assert.deepEqual(none.data, {}, "no active brand: an empty object");
    } finally {
      if (before) await api.brands.activateBrand(before.id, {});
    }
    assert.equal((await api.brands.getBrand(before.id, fresh)).data.active, true);
  });

  it("refuses a duplicate name (409), bad files (400) and unknown ids (404)", async () => {
    await expectBrandsError(api.brands.createBrand({ name: "Acme Corporate" }), 409);
    await expectBrandsError(api.brands.createBrand({ name: uniqueName("bad"), logo: blob(Buffer.from("GIF89a"), "image/png") }), 400);
    await expectBrandsError(api.brands.createBrand({ name: uniqueName("bad"), styles: blob("body{}", "application/json") }), 400);
    await expectBrandsError(api.brands.getBrand(UNKNOWN_ID, fresh), 404);
    await expectBrandsError(api.brands.activateBrand(UNKNOWN_ID, {}), 404);
    await expectBrandsError(api.brands.patchBrand(UNKNOWN_ID, [{ op: "replace", path: "/name", value: "x" }]), 404);
  });

  it("deletes a brand (204); it is then 404", async () => {
    const c = await api.brands.createBrand({ name: uniqueName("brand"), logo: blob(PNG, "image/png") });
    const del = await api.brands.deleteBrand(c.data.id);
    assert.equal(del.status, 204);
    await expectBrandsError(api.brands.getBrand(c.data.id, fresh), 404);
    await expectBrandsError(api.brands.deleteBrand(c.data.id), 404);
    const raw = await rawGet(`/api/v1/brands/${c.data.id}/files/logo`);
    assert.equal(raw.status, 404);
  });
});
