// Glossaries (/api/v1/glossaries) with categories and terms, through
// @qlik/api's glossaries module: cursor paging via next(), CRUD, BG-n error
// codes, change-status, export → import round trip, and the 412 on deleting
// a space that holds a glossary.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, assertPaging, expectHttpError, me, quietly } from "./lib.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const created = [];
const spaces = [];
after(async () => {
  for (const id of created) await quietly(() => api.glossaries.deleteGlossary(id));
  for (const id of spaces) await quietly(() => api.spaces.deleteSpace(id));
});

async function newGlossary(body = {}) {
  const r = await api.glossaries.createGlossary({ name: uniqueName("glossary"), ...body });
  assert.equal(r.status, 201);
  created.push(r.data.id);
  return r.data;
}

async function expectBG(promise, status, code) {
  const err = await expectHttpError(promise, status);
  assert.equal(err.data.errors[0].code, code, `error code (body ${JSON.stringify(err.data)})`);
  assert.equal(typeof err.data.traceId, "string");
  return err;
}

describe("glossaries", () => {
  it("lists the seeded Finance Glossary and pages with limit 2 via next()", async () => {
    for (let i = 0; i < 4; i++) await newGlossary();
    const first = await api.glossaries.getGlossaries({ limit: 2, countTotal: true }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.meta.countTotal;
    assert.ok(total >= 5, `countTotal ${total}`);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2);
    assert.equal(ids.length, total, "every glossary exactly once");
    const all = pages.flatMap((p) => p.data.data);
    const fin = all.find((g) => g.name === "Finance Glossary");
    assert.ok(fin, "the seeded glossary is listed");
    assert.match(fin.id, UUID);
    const spaces = await api.spaces.getSpaces({ name: "Finance", limit: 100 }, fresh);
    assert.equal(fin.spaceId, spaces.data.data.find((s) => s.name === "Finance").id);
  });

  it("creates (201, Etag), gets, PUTs (200), PATCHes (204) and deletes (204)", async () => {
    const g = await newGlossary({ description: "d", tags: ["t"] });
    assert.match(g.id, UUID);
    assert.equal(g.description, "d");
    assert.deepEqual(g.tags, ["t"]);
    const got = await api.glossaries.getGlossary(g.id, fresh);
    assert.ok(got.headers.get("etag"), "Etag header");
    assert.ok(got.headers.get("last-modified"), "Last-Modified header");
    const put = await api.glossaries.updateGlossary(g.id, { name: g.name, description: "put" });
    assert.equal(put.status, 200);
    assert.equal(put.data.description, "put");
    const patch = await api.glossaries.patchGlossary(g.id, [{ op: "replace", path: "/description", value: "patched" }]);
    assert.equal(patch.status, 204);
    assert.equal((await api.glossaries.getGlossary(g.id, fresh)).data.description, "patched");
    const del = await api.glossaries.deleteGlossary(g.id);
    assert.equal(del.status, 204);
    await expectBG(api.glossaries.getGlossary(g.id, fresh), 404, "BG-8");
  });

  it("refuses a glossary without a name (400 BG-6) and bad rich text (400 BG-21)", async () => {
    await expectBG(api.glossaries.createGlossary({ description: "nameless" }), 400, "BG-6");
    await expectBG(api.glossaries.createGlossary({ name: uniqueName("g"), overview: "not rich text" }), 400, "BG-21");
  });

  it("manages categories: nesting, BG-7, delete removes subcategories", async () => {
    const g = await newGlossary();
    const user = await me();
    const top = await api.glossaries.createGlossaryCategory(g.id, { name: "Top", stewards: [user.id] });
    assert.equal(top.status, 201);
    assert.deepEqual(top.data.stewards, [user.id]);
    const sub = await api.glossaries.createGlossaryCategory(g.id, { name: "Sub", parentId: top.data.id });
    assert.equal(sub.data.parentId, top.data.id);
    await expectBG(api.glossaries.createGlossaryCategory(g.id, { name: "Sub", parentId: top.data.id }), 400, "BG-7");
    const upd = await api.glossaries.updateGlossaryCategory(g.id, sub.data.id, { name: "Sub 2", parentId: top.data.id });
    assert.equal(upd.status, 200);
    assert.equal(upd.data.name, "Sub 2");
    const p = await api.glossaries.patchGlossaryCategory(g.id, sub.data.id, [{ op: "replace", path: "/description", value: "x" }]);
    assert.equal(p.status, 204);
    const list = await api.glossaries.getGlossaryCategories(g.id, { countTotal: true }, fresh);
    assert.equal(list.data.meta.countTotal, 2);
    assert.equal((await api.glossaries.deleteGlossaryCategory(g.id, top.data.id)).status, 204);
    await expectBG(api.glossaries.getGlossaryCategory(g.id, sub.data.id, fresh), 404, "BG-9");
  });

  it("manages terms: create, relations, change-status, PUT, PATCH, paging, delete", async () => {
    const g = await newGlossary();
    const user = await me();
    const cat = await api.glossaries.createGlossaryCategory(g.id, { name: "Metrics" });
    const rev = await api.glossaries.createGlossaryTerm(g.id, {
      name: "Revenue",
      abbreviation: "REV",
      categories: [cat.data.id],
      stewards: [user.id],
      linksTo: [{ resourceType: "app", resourceId: "some-app", type: "definition" }],
    });
    assert.equal(rev.status, 201);
    assert.equal(rev.data.status.type, "draft");
    assert.equal(rev.data.linksTo.length, 1);
    const gm = await api.glossaries.createGlossaryTerm(g.id, {
      name: "Gross Margin",
      relatesTo: [{ termId: rev.data.id, type: "definedBy" }],
    });
    const got = await api.glossaries.getGlossaryTerm(g.id, rev.data.id, fresh);
    assert.deepEqual(got.data.referredRelations, [{ termId: gm.data.id, type: "definedBy" }]);

    const st = await api.glossaries.changeGlossaryTermStatus(g.id, rev.data.id, { status: "verified" });
    assert.equal(st.status, 200);
    assert.equal(st.data.status.type, "verified");
    assert.equal(st.data.status.updatedBy, user.id);

    const put = await api.glossaries.updateGlossaryTerm(g.id, gm.data.id, { name: "Gross Margin", abbreviation: "GM" });
    assert.equal(put.status, 200);
    assert.equal(put.data.abbreviation, "GM");
    const patch = await api.glossaries.patchGlossaryTerm(g.id, rev.data.id, [{ op: "replace", path: "/description", value: "money in" }]);
    assert.equal(patch.status, 204);
    await expectBG(api.glossaries.createGlossaryTerm(g.id, { description: "no name" }), 400, "BG-13");

    for (let i = 0; i < 3; i++) await api.glossaries.createGlossaryTerm(g.id, { name: `Extra ${i}` });
    const first = await api.glossaries.getGlossaryTerms(g.id, { limit: 2, sort: "name" }, fresh);
    const pages = await collectPages(first);
    assert.equal(assertPaging(pages, 2).length, 5);
    const names = pages.flatMap((p) => p.data.data.map((t) => t.name));
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const filtered = await api.glossaries.getGlossaryTerms(g.id, { filter: 'status eq "verified"' }, fresh);
    assert.deepEqual(filtered.data.data.map((t) => t.id), [rev.data.id]);

    assert.equal((await api.glossaries.deleteGlossaryTerm(g.id, rev.data.id)).status, 204);
    await expectBG(api.glossaries.getGlossaryTerm(g.id, rev.data.id, fresh), 404, "BG-10");
  });

  it("exports the seeded glossary and imports it back to the same export (ids aside)", async () => {
    const list = await api.glossaries.getGlossaries({ limit: 100 }, fresh);
    const fin = list.data.data.find((g) => g.name === "Finance Glossary");
    const exp = await api.glossaries.exportGlossary(fin.id, fresh);
    assert.equal(exp.status, 200);
    assert.equal(exp.data.categories.length, 3);
    assert.equal(exp.data.terms.length, 5);
    const steward = exp.data.categories[0].stewardDetails[0];
    assert.deepEqual(Object.keys(steward).sort(), ["email", "name", "userId"]);

    const space = await api.spaces.createSpace({ name: uniqueName("gl-space"), type: "shared" });
    spaces.push(space.data.id);
    const doc = { ...exp.data, name: uniqueName("imported") };
    const imp = await api.glossaries.importGlossary({ spaceId: space.data.id, lookupUserOnEmail: true }, doc);
    assert.equal(imp.status, 201);
    created.push(imp.data.id);
    assert.notEqual(imp.data.id, fin.id);
    assert.equal(imp.data.spaceId, space.data.id);
    const exp2 = await api.glossaries.exportGlossary(imp.data.id, fresh);
    assert.deepEqual(normalize(exp2.data), normalize(exp.data));

    // A second import of the new export updates the same glossary.
    const again = await api.glossaries.importGlossary({ spaceId: space.data.id }, exp2.data);
    assert.equal(again.data.id, imp.data.id);
    const exp3 = await api.glossaries.exportGlossary(imp.data.id, fresh);
    assert.deepEqual(exp3.data.terms.map((t) => t.id), exp2.data.terms.map((t) => t.id), "term ids are kept on update");

    // The space now holds a glossary: deleting it is refused.
    await expectHttpError(api.spaces.deleteSpace(space.data.id), 412);
    await api.glossaries.deleteGlossary(imp.data.id);
    created.pop();
  });

  it("rejects an import with duplicate term ids (400 BG-15)", async () => {
    await expectBG(
      api.glossaries.importGlossary({}, { name: uniqueName("bad"), terms: [{ id: "a", name: "x" }, { id: "a", name: "y" }] }),
      400,
      "BG-15",
    );
  });
});

// normalize drops ids and timestamps and turns id references into names.
function normalize(exp) {
  const cat = Object.fromEntries(exp.categories.map((c) => [c.id, c.name]));
  const term = Object.fromEntries(exp.terms.map((t) => [t.id, t.name]));
  return {
    description: exp.description,
    overview: exp.overview,
    tags: exp.tags,
    termTemplate: exp.termTemplate,
    categories: exp.categories.map((c) => ({ ...c, id: undefined, parentId: cat[c.parentId] })),
    terms: exp.terms.map((t) => ({
      ...t,
      id: undefined,
      categories: t.categories.map((c) => cat[c]),
      relatesTo: t.relatesTo.map((r) => ({ type: r.type, term: term[r.termId] })),
    })),
  };
}
