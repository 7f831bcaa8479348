// Automations (/api/v1/automations and /api/workflows/automations) through
// @qlik/api's automations and workflows.automations modules.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, assertAbsoluteHref, expectHttpError, me, quietly, allUsers } from "./lib.mjs";

const au = api.automations;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => au.deleteAutomation(id));
});

const UNKNOWN_UUID = "0f0e0d0c-0b0a-4909-8807-060504030201";

/**
 * Follow next() until links.next.href is null/absent. The automations
 * services may send {"next":{"href":null}} on the last page (spec
 * PaginationLink), which the client treats as "no next page".
 */
async function pagesOf(first, maxPages = 100) {
  const pages = [first];
  let r = first;
  while (typeof r.next === "function") {
    assertAbsoluteHref(r.data.links.next.href, "links.next.href");
    assert.ok(pages.length < maxPages, "paging terminates");
    r = await r.next();
    assert.equal(r.status, 200);
    pages.push(r);
  }
  assert.ok(!r.data.links?.next?.href, "the last page has no next href");
  return pages;
}

describe("automations", () => {
  it("lists every automation once when paging with limit 2 via next(); the list hides definitions", async () => {
    const all = (await au.getAutomations({ limit: 200 }, fresh)).data.data;
    assert.ok(all.length >= 3, `seeded automations: ${all.length}`);
    const first = await au.getAutomations({ limit: 2 }, fresh);
    const u = assertAbsoluteHref(first.data.links.next.href, "links.next.href");
    assert.ok(u.searchParams.get("cursor"), "links.next.href carries a cursor");
    const pages = await pagesOf(first);
    const ids = pages.flatMap((p) => p.data.data.map((a) => a.id));
    pages.slice(0, -1).forEach((p) => assert.equal(p.data.data.length, 2, "full pages"));
    assert.equal(new Set(ids).size, ids.length, "no automation twice");
    assert.deepEqual([...ids].sort(), all.map((a) => a.id).sort());
    for (const a of all) {
      assert.equal(a.workspace, undefined, "the list does not carry workspace");
      assert.equal(a.executionToken, undefined, "the list does not carry executionToken");
      assert.ok(["manual", "scheduled", "triggered", "webhook"].includes(a.runMode));
    }
    const second = await first.next();
    const back = await second.prev();
    assert.deepEqual(back.data.data.map((a) => a.id), first.data.data.map((a) => a.id), "prev() of page 2 is page 1");
  });

  it("seed: another user's automation is listed but its definition is 403; disabled and scheduled ones", async () => {
    const owner = await me();
    const all = (await au.getAutomations({ limit: 200 }, fresh)).data.data;
    const digest = all.find((a) => a.name === "Sales Weekly Digest");
    assert.ok(digest, "seeded Sales Weekly Digest");
    assert.notEqual(digest.ownerId, owner.id, "owned by another user");
    const users = new Set((await allUsers()).map((x) => x.id));
    assert.ok(users.has(digest.ownerId), "its owner is a user");
    await expectHttpError(au.getAutomation(digest.id, fresh), 403);
    await expectHttpError(au.updateAutomation(digest.id, { name: "nope" }), 403);
    const legacy = all.find((a) => a.name === "Legacy Export (disabled)");
    assert.equal(legacy.state, "disabled");
    const nightly = all.find((a) => a.name === "Nightly Finance Reload");
    assert.equal(nightly.runMode, "scheduled");
    const g = await au.getAutomation(nightly.id, fresh);
    assert.equal(g.status, 200);
    assert.ok(Array.isArray(g.data.workspace.blocks) && g.data.workspace.blocks.length >= 2, "workspace blocks");
    assert.equal(g.data.schedules.length, 1);
    assert.equal(typeof g.data.executionToken, "string");
    const f = await au.getAutomations({ filter: `name eq "Sales Weekly Digest"`, limit: 200 }, fresh);
    assert.deepEqual(f.data.data.map((a) => a.id), [digest.id], "name filter");
    const byOwner = await au.getAutomations({ filter: `ownerId eq "${owner.id}"`, limit: 200 }, fresh);
    assert.ok(byOwner.data.data.every((a) => a.ownerId === owner.id), "ownerId filter");
  });

  it("creates, gets, puts, disables/enables, copies and deletes an automation", async () => {
    const owner = await me();
    const fin = (await api.spaces.getSpaces({ name: "Finance", limit: 100 }, fresh)).data.data.find((s) => s.name === "Finance");
    const name = uniqueName("auto");
    const workspace = { blocks: [{ id: "b-1", type: "StartBlock", name: "Start" }], variables: [] };
    const c = await au.createAutomation({
      name,
      description: "made by conformance",
      spaceId: fin.id,
      workspace,
      schedules: [{ interval: 3600, timezone: "UTC", startAt: "2026-01-01 00:00:00" }],
      maxConcurrentRuns: 1,
    });
    assert.equal(c.status, 201);
    const id = c.data.id;
    created.push(id);
    assert.equal(c.data.ownerId, owner.id);
    assert.equal(c.data.spaceId, fin.id);
    assert.equal(c.data.runMode, "scheduled");
    assert.equal(c.data.state, "available");
    assert.deepEqual(c.data.workspace, workspace, "workspace is stored verbatim");

    const g = await au.getAutomation(id, fresh);
    assert.deepEqual(g.data.workspace, workspace);
    assert.equal(g.data.schedules[0].interval, 3600);

    const u = await au.updateAutomation(id, { name: `${name}-put`, schedules: [], workspace: { blocks: [] } });
    assert.equal(u.status, 200);
    assert.equal(u.data.name, `${name}-put`);
    assert.equal(u.data.runMode, "manual", "no schedules: manual");
    assert.equal(u.data.description, "made by conformance", "PUT keeps omitted fields");

    assert.equal((await au.disableAutomation(id)).status, 204);
    assert.equal((await au.getAutomation(id, fresh)).data.state, "disabled");
    assert.equal((await au.enableAutomation(id)).status, 204);
    assert.equal((await au.getAutomation(id, fresh)).data.state, "available");

    const cp = await au.copyAutomation(id, { name: `${name}-copy` });
    assert.equal(cp.status, 201);
    created.push(cp.data.id);
    assert.equal((await au.getAutomation(cp.data.id, fresh)).data.name, `${name}-copy`);

    // The namespaced family serves the same automations.
    const w = await api.workflows.automations.getAutomation(id, fresh);
    assert.equal(w.data.name, `${name}-put`);

    // change-owner: afterwards the caller may no longer read the definition.
    const other = (await allUsers()).find((x) => x.id !== owner.id && x.status === "active");
    assert.equal((await au.changeOwnerAutomation(cp.data.id, { userId: other.id })).status, 204);
    await expectHttpError(au.getAutomation(cp.data.id, fresh), 403);
    const listed = await au.getAutomations({ filter: `name eq "${name}-copy"`, limit: 200 }, fresh);
    assert.equal(listed.data.data[0].ownerId, other.id, "still listed, with the new owner");

    assert.equal((await au.deleteAutomation(cp.data.id)).status, 204, "an admin may delete another user's automation");
    created.splice(created.indexOf(cp.data.id), 1);
    assert.equal((await au.deleteAutomation(id)).status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(au.getAutomation(id, fresh), 404);
  });

  it("change-space and move (the older change-owner); listAll with limit 200, as qlikops reads", async () => {
    const spaces = (await api.spaces.getSpaces({ limit: 100 }, fresh)).data.data;
    const fin = spaces.find((s) => s.name === "Finance");
    const sales = spaces.find((s) => s.name === "Sales Analytics");
    const c = await au.createAutomation({ name: uniqueName("auto-move"), spaceId: fin.id });
    const id = c.data.id;
    created.push(id);

    assert.equal((await au.changeSpaceAutomation(id, { spaceId: sales.id })).status, 204);
    assert.equal((await au.getAutomation(id, fresh)).data.spaceId, sales.id);
    await expectHttpError(au.changeSpaceAutomation(id, { spaceId: "0123456789abcdef01234567" }), 400);
    assert.equal((await au.getAutomation(id, fresh)).data.spaceId, sales.id, "a refused change-space changes nothing");

    // What qlikops reads: every automation of the tenant, once.
    const all = await au.getAutomations({ listAll: true, limit: 200 }, fresh);
    assert.equal(all.status, 200);
    assert.equal(all.data.data.filter((a) => a.id === id).length, 1);
    assert.ok(!all.data.links?.next?.href, "one page holds them all");

    const owner = await me();
    const other = (await allUsers()).find((x) => x.id !== owner.id && x.status === "active");
    assert.equal((await au.moveAutomation(id, { userId: other.id })).status, 204);
    const moved = await au.getAutomations({ filter: `name eq "${c.data.name}"`, listAll: true, limit: 200 }, fresh);
    assert.equal(moved.data.data[0].ownerId, other.id);
    await expectHttpError(au.moveAutomation(id, { userId: "nobody" }), 400);
    await expectHttpError(au.changeSpaceAutomation(UNKNOWN_UUID, { spaceId: sales.id }), 404);
  });

  it("412 when deleting a space that holds an automation", async () => {
    const sp = await api.spaces.createSpace({ name: uniqueName("auto-space"), type: "shared" });
    const a = await au.createAutomation({ name: uniqueName("auto"), spaceId: sp.data.id });
    await expectHttpError(api.spaces.deleteSpace(sp.data.id), 412);
    await au.deleteAutomation(a.data.id);
    assert.equal((await api.spaces.deleteSpace(sp.data.id)).status, 204);
  });

  it("error statuses: 404 unknown id, 400 bad input", async () => {
    await expectHttpError(au.getAutomation(UNKNOWN_UUID, fresh), 404);
    await expectHttpError(au.deleteAutomation(UNKNOWN_UUID), 404);
    await expectHttpError(au.enableAutomation(UNKNOWN_UUID), 404);
    await expectHttpError(au.createAutomation({ name: "x", workspace: "not an object" }), 400);
    await expectHttpError(au.createAutomation({ name: "x", spaceId: "0123456789abcdef01234567" }), 400);
    await expectHttpError(au.getAutomations({ limit: 201 }, fresh), 400);
    await expectHttpError(au.getAutomations({ filter: 'color eq "red"' }, fresh), 400);
  });
});
