// Spaces (/api/v1/spaces) through @qlik/api's spaces module.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import {
  api,
  fresh,
  uniqueName,
  UNKNOWN_ID,
  collectPages,
  assertPaging,
  assertAbsoluteHref,
  expectHttpError,
  me,
  quietly,
  HOST,
} from "./lib.mjs";

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.spaces.deleteSpace(id));
});

function assertSpaceShape(s) {
  assert.match(s.id, /^[0-9a-f]{24}$/, "space id is 24 hex digits like Qlik's");
  assert.equal(typeof s.name, "string");
  assert.equal(typeof s.tenantId, "string", "tenantId is required");
  assert.ok(s.tenantId.length > 0, "tenantId is required");
  assertAbsoluteHref(s.links?.self?.href, "space links.self.href");
  assertAbsoluteHref(s.links?.assignments?.href, "space links.assignments.href");
  assert.ok(["shared", "managed", "data"].includes(s.type), `space type, got ${s.type}`);
}

describe("spaces", () => {
  it("GET /api/v1/spaces/types lists shared, managed and data", async () => {
    const r = await api.spaces.getSpaceTypes(fresh);
    assert.equal(r.status, 200);
    assert.deepEqual([...r.data.data].sort(), ["data", "managed", "shared"]);
  });

  it("lists every space exactly once when paging with limit 2 via next()", async () => {
    const first = await api.spaces.getSpaces({ limit: 2 }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.meta?.count;
    assert.equal(typeof total, "number", "meta.count is the total number of matching spaces");
    assert.ok(total >= 3, `seed must have at least 3 spaces to page with limit 2, meta.count=${total}`);
    assert.equal(typeof first.next, "function", "first page must offer next()");
    const nextUrl = assertAbsoluteHref(first.data.links.next.href, "links.next.href");
    assert.ok(nextUrl.searchParams.get("next"), `links.next.href must carry a next cursor: ${nextUrl}`);
    assert.equal(first.prev, undefined, "first page must not offer prev()");

    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2);
    assert.equal(ids.length, total, "items seen across pages must equal meta.count");
    for (const p of pages) assert.equal(p.data.meta.count, total, "meta.count is stable across pages");
    for (const p of pages) for (const s of p.data.data) assertSpaceShape(s);

    // Cross-check against one big page.
    const all = await api.spaces.getSpaces({ limit: 100 }, fresh);
    assert.deepEqual([...ids].sort(), all.data.data.map((s) => s.id).sort(), "paged ids == single-page ids");
    assert.equal(all.data.links?.next, undefined, "single big page has no next link");
  });

  it("the type filter (comma list) returns only spaces of those types", async () => {
    const all = (await api.spaces.getSpaces({ limit: 100 }, fresh)).data.data;
    for (const t of ["shared", "managed", "data"]) {
      const r = await api.spaces.getSpaces({ type: t, limit: 100 }, fresh);
      assert.equal(r.status, 200);
      const want = all.filter((s) => s.type === t).map((s) => s.id).sort();
      assert.deepEqual(r.data.data.map((s) => s.id).sort(), want, `type=${t}`);
      assert.equal(r.data.meta.count, want.length);
    }
    const two = await api.spaces.getSpaces({ type: "shared,managed", limit: 100 }, fresh);
    assert.equal(two.data.data.length, all.filter((s) => s.type !== "data").length, "type=shared,managed");
  });

  it("seeded spaces cover every type, have existing owners and members", async () => {
    const all = (await api.spaces.getSpaces({ limit: 100 }, fresh)).data.data;
    assert.deepEqual([...new Set(all.map((s) => s.type))].sort(), ["data", "managed", "shared"]);
    const userIds = new Set((await api.users.getUsers({ limit: 100 }, fresh)).data.data.map((u) => u.id));
    let members = 0;
    for (const s of all) {
      assert.ok(userIds.has(s.ownerId), `owner ${s.ownerId} of space ${s.name} is a user`);
      const a = await api.spaces.getSpaceAssignments(s.id, { limit: 100 }, fresh);
      assert.equal(a.data.meta.count, a.data.data.length);
      for (const x of a.data.data) {
        assert.ok(s.meta.assignableRoles.length > 0);
        for (const role of x.roles) assert.ok(s.meta.assignableRoles.includes(role), `${s.type} space ${s.name}: role ${role}`);
        assert.notEqual(x.assigneeId, s.ownerId, "the owner has no assignment row");
      }
      members += a.data.data.length;
    }
    assert.ok(members > 0, "the seed has space members");
  });

  it("prev() on the second page returns the first page", async () => {
    const first = await api.spaces.getSpaces({ limit: 2 }, fresh);
    const second = await first.next();
    assert.equal(typeof second.prev, "function", "second page must offer prev()");
    assertAbsoluteHref(second.data.links.prev.href, "links.prev.href");
    const back = await second.prev();
    assert.equal(back.status, 200);
    assert.deepEqual(
      back.data.data.map((s) => s.id),
      first.data.data.map((s) => s.id),
      "prev() of page 2 must be page 1",
    );
  });

  it("creates, gets, patches, puts and deletes a space", async () => {
    const owner = await me();
    const name = uniqueName("space");
    const c = await api.spaces.createSpace({ name, description: "made by conformance", type: "shared" });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    assertSpaceShape(c.data);
    assert.equal(c.data.name, name);
    assert.equal(c.data.description, "made by conformance");
    assert.equal(c.data.type, "shared");
    assert.equal(c.data.ownerId, owner.id, "the creator owns the new space");
    const id = c.data.id;
    assert.ok(c.data.links.self.href.endsWith(`/api/v1/spaces/${id}`), `links.self.href: ${c.data.links.self.href}`);
    assert.ok(
      c.data.links.assignments.href.endsWith(`/api/v1/spaces/${id}/assignments`),
      `links.assignments.href: ${c.data.links.assignments.href}`,
    );

    const g = await api.spaces.getSpace(id, fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.id, id);
    assert.equal(g.data.name, name);
    assert.equal(g.data.type, "shared");

    // It shows up in the list, and the name filter (case-insensitive contains) finds it.
    const byName = await api.spaces.getSpaces({ name: name.toUpperCase(), limit: 100 }, fresh);
    assert.deepEqual(byName.data.data.map((s) => s.id), [id], "name filter finds exactly the new space");
    assert.equal(byName.data.meta.count, 1);

    // PATCH: JSON Patch, replace /name and /description -> 200 + Space.
    const patchedName = `${name}-patched`;
    const p = await api.spaces.patchSpace(id, [
      { op: "replace", path: "/name", value: patchedName },
      { op: "replace", path: "/description", value: "patched" },
    ]);
    assert.equal(p.status, 200);
    assert.equal(p.data.id, id);
    assert.equal(p.data.name, patchedName);
    assert.equal(p.data.description, "patched");
    const g2 = await api.spaces.getSpace(id, fresh);
    assert.equal(g2.data.name, patchedName);
    assert.equal(g2.data.description, "patched");

    // PUT: full update -> 200 + Space. type is immutable.
    const putName = `${name}-put`;
    const u = await api.spaces.updateSpace(id, { name: putName, description: "put", ownerId: owner.id });
    assert.equal(u.status, 200);
    assert.equal(u.data.id, id);
    assert.equal(u.data.name, putName);
    assert.equal(u.data.description, "put");
    assert.equal(u.data.type, "shared", "type is immutable");
    const g3 = await api.spaces.getSpace(id, fresh);
    assert.equal(g3.data.name, putName);
    assert.equal(g3.data.description, "put");
    assert.equal(g3.data.ownerId, owner.id);

    // DELETE -> 204, then GET -> 404.
    const d = await api.spaces.deleteSpace(id);
    assert.equal(d.status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(api.spaces.getSpace(id, fresh), 404);
    const gone = await api.spaces.getSpaces({ name: putName, limit: 100 }, fresh);
    assert.equal(gone.data.data.length, 0, "deleted space is gone from the list");
  });

  it("PATCH /ownerId moves the space to another user", async () => {
    const owner = await me();
    const users = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    const other = users.find((u) => u.id !== owner.id);
    assert.ok(other, "seed needs a second user");
    const c = await api.spaces.createSpace({ name: uniqueName("owner"), type: "managed" });
    created.push(c.data.id);
    assert.equal(c.data.type, "managed");
    const p = await api.spaces.patchSpace(c.data.id, [{ op: "replace", path: "/ownerId", value: other.id }]);
    assert.equal(p.status, 200);
    assert.equal(p.data.ownerId, other.id);
    const g = await api.spaces.getSpace(c.data.id, fresh);
    assert.equal(g.data.ownerId, other.id);
  });

  it("409 on a duplicate space name", async () => {
    const name = uniqueName("dup");
    const c = await api.spaces.createSpace({ name, type: "shared" });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    await expectHttpError(api.spaces.createSpace({ name, type: "managed" }), 409);
    // Only one space carries the name afterwards.
    const l = await api.spaces.getSpaces({ name, limit: 100 }, fresh);
    assert.equal(l.data.data.filter((s) => s.name === name).length, 1);
  });

  it("412 when deleting a space that holds apps; members alone do not block", async () => {
    // The demo seed gives Finance two apps (content qlikops does not manage
    // yet); Qlik refuses to delete a space that still contains assets.
    const finance = (await api.spaces.getSpaces({ name: "Finance", limit: 100 }, fresh)).data.data.find((s) => s.name === "Finance");
    assert.ok(finance, "seeded Finance space");
    await expectHttpError(api.spaces.deleteSpace(finance.id), 412);
    const still = await api.spaces.getSpace(finance.id, fresh);
    assert.equal(still.status, 200, "a refused delete keeps the space");

    const owner = await me();
    const users = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    const member = users.find((u) => u.id !== owner.id);
    const c = await api.spaces.createSpace({ name: uniqueName("members-only"), type: "shared" });
    created.push(c.data.id);
    const a = await api.spaces.createSpaceAssignment(c.data.id, { type: "user", assigneeId: member.id, roles: ["consumer"] });
    assert.equal(a.status, 201);
    const d = await api.spaces.deleteSpace(c.data.id);
    assert.equal(d.status, 204);
    created.splice(created.indexOf(c.data.id), 1);
    await expectHttpError(api.spaces.getSpaceAssignment(c.data.id, a.data.id, fresh), 404);
  });

  it("404 for an unknown space id (get, patch, put, delete)", async () => {
    await expectHttpError(api.spaces.getSpace(UNKNOWN_ID, fresh), 404);
    await expectHttpError(
      api.spaces.patchSpace(UNKNOWN_ID, [{ op: "replace", path: "/description", value: "x" }]),
      404,
    );
    await expectHttpError(api.spaces.updateSpace(UNKNOWN_ID, { name: uniqueName("nope") }), 404);
    await expectHttpError(api.spaces.deleteSpace(UNKNOWN_ID), 404);
  });

  it("links.self.href of the list is absolute on the tenant", async () => {
    const r = await api.spaces.getSpaces({ limit: 2 }, fresh);
    const u = assertAbsoluteHref(r.data.links?.self?.href, "links.self.href");
    assert.equal(u.pathname, "/api/v1/spaces");
    assert.equal(new URL(HOST).host, u.host);
  });
});
