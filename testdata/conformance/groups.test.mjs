// Groups (/api/v1/groups) through @qlik/api's groups module.
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
  quietly,
} from "./lib.mjs";

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.groups.deleteGroup(id));
});

const idErr = { numericStatusField: true }; // groups errors carry a numeric status

function assertGroupShape(g) {
  assert.equal(typeof g.id, "string");
  assert.ok(g.id.length > 0);
  assert.equal(typeof g.name, "string", "name is required");
  assert.equal(typeof g.tenantId, "string", "tenantId is required");
  assert.ok(["active", "disabled"].includes(g.status), `status is required, got ${g.status}`);
  assert.equal(typeof g.createdAt, "string", "createdAt is required");
  assert.equal(typeof g.lastUpdatedAt, "string", "lastUpdatedAt is required");
  assertAbsoluteHref(g.links?.self?.href, "group links.self.href");
}

describe("groups", () => {
  it("lists every group exactly once when paging with limit 2 via next()", async () => {
    const first = await api.groups.getGroups({ limit: 2, totalResults: true }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.totalResults;
    assert.equal(typeof total, "number", "totalResults=true returns a top-level totalResults");
    assert.ok(total >= 5, `seed has 5 groups, totalResults=${total}`);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2);
    assert.equal(ids.length, total, "groups seen across pages == totalResults");
    for (const p of pages) for (const g of p.data.data) assertGroupShape(g);

    const all = await api.groups.getGroups({ limit: 100 }, fresh);
    assert.deepEqual([...ids].sort(), all.data.data.map((g) => g.id).sort(), "paged ids == single-page ids");
  });

  it("creates, gets, patches and deletes a custom group", async () => {
    const name = uniqueName("group");
    const c = await api.groups.createGroup({ name, description: "conformance", providerType: "custom", status: "active" });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    assertGroupShape(c.data);
    assert.equal(c.data.name, name);
    assert.equal(c.data.providerType, "custom");
    assert.equal(c.data.status, "active");
    const id = c.data.id;

    const g = await api.groups.getGroup(id, fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.id, id);
    assert.equal(g.data.name, name);
    assert.equal(g.data.description, "conformance");

    // PATCH uses paths without a leading slash (the 2.19.0 enum) -> 204.
    const newName = `${name}-renamed`;
    const p = await api.groups.patchGroup(id, [
      { op: "replace", path: "name", value: newName },
      { op: "replace", path: "description", value: "patched" },
    ]);
    assert.equal(p.status, 204);
    const g2 = await api.groups.getGroup(id, fresh);
    assert.equal(g2.data.name, newName);
    assert.equal(g2.data.description, "patched");

    // assignedRoles by name; the group then carries the role by id and name.
    const roles = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const role = roles.find((r) => r.type === "default" && r.name !== "TenantAdmin") || roles[0];
    const pr = await api.groups.patchGroup(id, [{ op: "replace", path: "assignedRoles", value: [{ name: role.name }] }]);
    assert.equal(pr.status, 204);
    const g3 = await api.groups.getGroup(id, fresh);
    assert.deepEqual(
      (g3.data.assignedRoles || []).map((r) => [r.id, r.name]),
      [[role.id, role.name]],
      "assignedRoles holds the patched role",
    );

    const d = await api.groups.deleteGroup(id);
    assert.equal(d.status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(api.groups.getGroup(id, fresh), 404, idErr);
    const all = await api.groups.getGroups({ limit: 100 }, fresh);
    assert.ok(!all.data.data.some((x) => x.id === id), "deleted group is gone from the list");
  });

  it("PATCH /description and /assignedRoles with a leading slash, as qlikops sends them (204)", async () => {
    // The 2.19.0 enum has no slash; the spec's own example has one. Both work.
    const c = await api.groups.createGroup({ name: uniqueName("slash"), providerType: "custom" });
    created.push(c.data.id);
    const role = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data.find((r) => r.name !== "TenantAdmin");
    const p = await api.groups.patchGroup(c.data.id, [
      { op: "replace", path: "/description", value: "slashed" },
      { op: "replace", path: "/assignedRoles", value: [{ name: role.name }] },
    ]);
    assert.equal(p.status, 204);
    const g = await api.groups.getGroup(c.data.id, fresh);
    assert.equal(g.data.description, "slashed");
    assert.deepEqual(g.data.assignedRoles.map((r) => r.id), [role.id]);
  });

  it("the Everyone system group is listed only with systemGroups=true", async () => {
    const regular = (await api.groups.getGroups({ limit: 100 }, fresh)).data.data;
    assert.ok(!regular.some((g) => g.id === "000000000000000000000001"), "Everyone is not a regular group");
    const sys = await api.groups.getGroups({ systemGroups: true }, fresh);
    assert.equal(sys.status, 200);
    const everyone = sys.data.data.find((g) => g.id === "000000000000000000000001");
    assert.ok(everyone, "systemGroups=true lists Everyone (fixed id 000000000000000000000001)");
    assert.equal(everyone.name, "Everyone");
    const g = await api.groups.getGroup("000000000000000000000001", fresh);
    assert.equal(g.data.name, "Everyone");
  });

  it("creates a group with assignedRoles given by name", async () => {
    const roles = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const role = roles.find((r) => r.type === "default" && r.name !== "TenantAdmin");
    const c = await api.groups.createGroup({ name: uniqueName("rolegroup"), providerType: "custom", assignedRoles: [{ name: role.name }] });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    const g = await api.groups.getGroup(c.data.id, fresh);
    assert.deepEqual((g.data.assignedRoles || []).map((r) => [r.id, r.name]), [[role.id, role.name]]);
  });

  it("409 on a duplicate group name (names are case-sensitive)", async () => {
    const name = uniqueName("dupgroup");
    const c = await api.groups.createGroup({ name, providerType: "custom" });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    await expectHttpError(api.groups.createGroup({ name, providerType: "custom" }), 409, idErr);
    // A name that differs only in case is a different group.
    const upper = await api.groups.createGroup({ name: name.toUpperCase(), providerType: "custom" });
    assert.equal(upper.status, 201);
    created.push(upper.data.id);
    const all = (await api.groups.getGroups({ limit: 100 }, fresh)).data.data;
    assert.equal(all.filter((g) => g.name === name).length, 1, "exactly one group with the name");
  });

  it("400 for a group without a name, and for a PATCH op other than replace", async () => {
    await expectHttpError(api.groups.createGroup({ description: "no name", providerType: "custom" }), 400, idErr);
    const name = uniqueName("badpatch");
    const c = await api.groups.createGroup({ name, description: "keep", providerType: "custom" });
    created.push(c.data.id);
    await expectHttpError(api.groups.patchGroup(c.data.id, [{ op: "remove", path: "description" }]), 400, idErr);
    const g = await api.groups.getGroup(c.data.id, fresh);
    assert.equal(g.data.description, "keep", "a refused patch changes nothing");
  });

  it("404 for an unknown group id (get, patch, delete)", async () => {
    await expectHttpError(api.groups.getGroup(UNKNOWN_ID, fresh), 404, idErr);
    await expectHttpError(api.groups.patchGroup(UNKNOWN_ID, [{ op: "replace", path: "description", value: "x" }]), 404, idErr);
    await expectHttpError(api.groups.deleteGroup(UNKNOWN_ID), 404, idErr);
  });
});
