// Collections and tags (/api/v1/collections) through @qlik/api's collections
// module: list with type/types/name filters and next() paging; create (201),
// get, PATCH (200: description, type private → publicgoverned once it holds
// an item), PUT (200), delete (204); items: add by item id (201), list in the
// order added, get, delete (204); 409 for a second tag of one name, 400 for a
// collection turned into a tag, in the collections error shape (errors[]
// only).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, expectHttpError, quietly } from "./lib.mjs";

const col = api.collections;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => col.deleteCollection(id));
});

async function appItem(name) {
  const r = await api.items.getItems({ resourceType: "app", name }, fresh);
  assert.equal(r.data.data.length, 1, `one app named ${name}`);
  return r.data.data[0];
}

describe("collections", () => {
  it("lists the seeded tag and governed collection, filters by type and pages with next()", async () => {
    const tags = await col.getCollections({ type: "public", limit: 100 }, fresh);
    assert.deepEqual(tags.data.data.map((c) => c.name), ["certified"]);
    // apps.test.mjs may have Profit and Loss in the recycle bin meanwhile.
    assert.ok([1, 2].includes(tags.data.data[0].itemCount), JSON.stringify(tags.data.data[0]));
    const gov = await col.getCollections({ type: "publicgoverned", name: "Month-end close" }, fresh);
    assert.equal(gov.data.data.length, 1);
    const items = await col.getCollectionItems(gov.data.data[0].id, { limit: 100 }, fresh);
    const names = items.data.data.map((i) => i.name).filter((n) => n !== "Profit and Loss");
    assert.deepEqual(names, ["Cash Flow", "Board Pack"], "in the order they were added");
    for (let i = 0; i < 2; i++) {
      const c = await col.createCollection({ name: uniqueName("page"), type: "private" });
      created.push(c.data.id);
    }
    const pages = await collectPages(await col.getCollections({ limit: 2 }, fresh));
    const ids = pages.flatMap((p) => p.data.data.map((c) => c.id));
    for (const id of created) assert.ok(ids.includes(id));
  });

  it("creates, adds items, publishes, patches, replaces and deletes", async () => {
    const c = await col.createCollection({ name: uniqueName("col"), type: "private", description: "conformance" });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    const cash = await appItem("Cash Flow");
    await expectHttpError(col.patchCollection(c.data.id, [{ op: "replace", path: "/type", value: "publicgoverned" }]), 400);
    const add = await col.addCollectionItem(c.data.id, { id: cash.id });
    assert.equal(add.status, 201);
    assert.equal(add.data.id, cash.id);
    await expectHttpError(col.addCollectionItem(c.data.id, { id: cash.id }), 409);
    const p = await col.patchCollection(c.data.id, [{ op: "replace", path: "/type", value: "publicgoverned" }, { op: "replace", path: "/description", value: "ours" }]);
    assert.equal(p.status, 200);
    assert.equal(p.data.type, "publicgoverned");
    assert.equal(p.data.itemCount, 1);
    const u = await col.updateCollection(c.data.id, { name: c.data.name, description: "replaced" });
    assert.equal(u.data.description, "replaced");
    const g = await col.getCollectionItem(c.data.id, cash.id, fresh);
    assert.equal(g.data.resourceType, "app");
    assert.equal((await col.deleteCollectionItem(c.data.id, cash.id)).status, 204);
    assert.equal((await col.getCollection(c.data.id, fresh)).data.itemCount, 0);
    assert.equal((await col.deleteCollection(c.data.id)).status, 204);
    created.pop();
  });

  it("a tag name is unique among tags, and a collection never becomes a tag", async () => {
    const e = await expectHttpError(col.createCollection({ name: "Certified", type: "public" }), 409);
    assert.deepEqual(Object.keys(e.data), ["errors"]);
    const c = await col.createCollection({ name: "certified", type: "private" });
    created.push(c.data.id);
    await expectHttpError(col.patchCollection(c.data.id, [{ op: "replace", path: "/type", value: "public" }]), 400);
  });
});
