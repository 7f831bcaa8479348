// Roles (/api/v1/roles) through @qlik/api's roles module: list and get; custom
// roles created (201), patched (204: replace, add to /assignedScopes/-, remove-value),
// deleted (204) once unassigned; default roles refuse writes; a duplicate name is 409.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import {
  api,
  fresh,
  UNKNOWN_ID,
  collectPages,
  assertPaging,
  assertAbsoluteHref,
  expectHttpError,
  uniqueName,
  quietly,
} from "./lib.mjs";

const createdRoles = [];
after(async () => {
  for (const id of createdRoles) await quietly(() => api.roles.deleteRole(id));
});

function assertRoleShape(r) {
  assert.equal(typeof r.id, "string");
  assert.ok(r.id.length > 0);
  assert.equal(typeof r.name, "string");
  assert.equal(typeof r.description, "string", "description is required");
  assert.equal(typeof r.tenantId, "string", "tenantId is required");
  assert.ok(["default", "custom"].includes(r.type), `type, got ${r.type}`);
  assert.equal(typeof r.createdAt, "string", "createdAt is required");
  assert.equal(typeof r.lastUpdatedAt, "string", "lastUpdatedAt is required");
  assertAbsoluteHref(r.links?.self?.href, "role links.self.href");
}

describe("roles", () => {
  it("lists every role exactly once when paging with limit 3 via next()", async () => {
    const first = await api.roles.getRoles({ limit: 3, totalResults: true }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.totalResults;
    assert.equal(typeof total, "number", "totalResults=true returns a top-level totalResults");
    assert.ok(total > 3, `several default roles expected, totalResults=${total}`);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 3);
    assert.equal(ids.length, total);
    const roles = pages.flatMap((p) => p.data.data);
    for (const r of roles) assertRoleShape(r);
    const names = roles.map((r) => r.name);
    assert.ok(names.includes("TenantAdmin"), `default roles include TenantAdmin: ${names.join(", ")}`);
    assert.equal(new Set(names).size, names.length, "role names are unique");

    const all = await api.roles.getRoles({ limit: 100 }, fresh);
    assert.deepEqual([...ids].sort(), all.data.data.map((r) => r.id).sort());
  });

  it("gets one role by id", async () => {
    const all = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const admin = all.find((r) => r.name === "TenantAdmin");
    assert.ok(admin);
    const g = await api.roles.getRole(admin.id, fresh);
    assert.equal(g.status, 200);
    assertRoleShape(g.data);
    assert.equal(g.data.id, admin.id);
    assert.equal(g.data.name, "TenantAdmin");
    assert.equal(g.data.type, "default");
    assert.equal(g.data.level, "admin");
  });

  it("404 for an unknown role id", async () => {
    await expectHttpError(api.roles.getRole(UNKNOWN_ID, fresh), 404);
  });

  it("lists the seeded custom role with its scopes", async () => {
    const all = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const custom = all.filter((r) => r.type === "custom");
    const reviewer = custom.find((r) => r.name === "Report Reviewer");
    assert.ok(reviewer, `seeded custom role listed: ${custom.map((r) => r.name).join(", ")}`);
    assert.deepEqual([...reviewer.assignedScopes].sort(), ["reports:read", "sharing:read"]);
    assert.equal(reviewer.canEdit, true);
  });

  it("creates, patches and deletes a custom role", async () => {
    const name = uniqueName("role");
    const c = await api.roles.createRole({ name, description: "first", assignedScopes: ["a:read"] });
    assert.equal(c.status, 201);
    createdRoles.push(c.data.id);
    assertRoleShape(c.data);
    assert.equal(c.data.type, "custom");
    assert.deepEqual(c.data.assignedScopes, ["a:read"]);
    await expectHttpError(api.roles.createRole({ name: name.toUpperCase() }), 409);

    const p = await api.roles.patchRole(c.data.id, [
      { op: "replace", path: "/description", value: "second" },
      { op: "add", path: "/assignedScopes/-", value: "b:write" },
      { op: "remove-value", path: "/assignedScopes", value: "a:read" },
    ]);
    assert.equal(p.status, 204);
    const g = await api.roles.getRole(c.data.id, fresh);
    assert.equal(g.data.description, "second");
    assert.deepEqual(g.data.assignedScopes, ["b:write"]);

    const d = await api.roles.deleteRole(c.data.id);
    assert.equal(d.status, 204);
    await expectHttpError(api.roles.getRole(c.data.id, fresh), 404);
  });

  it("refuses to change or delete a default role", async () => {
    const all = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const admin = all.find((r) => r.name === "TenantAdmin");
    await expectHttpError(api.roles.patchRole(admin.id, [{ op: "replace", path: "/description", value: "x" }]), 403);
    await expectHttpError(api.roles.deleteRole(admin.id), 403);
  });
});
