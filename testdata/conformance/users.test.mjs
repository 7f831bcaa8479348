// Users (/api/v1/users) through @qlik/api's users module.
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
  for (const id of created) await quietly(() => api.users.deleteUser(id));
});

const idErr = { numericStatusField: true }; // users errors carry a numeric status

function assertUserShape(u) {
  assert.equal(typeof u.id, "string");
  assert.ok(u.id.length > 0);
  assert.equal(typeof u.name, "string", "name is required");
  assert.equal(typeof u.subject, "string", "subject is required");
  assert.equal(typeof u.tenantId, "string", "tenantId is required");
  if (u.status !== undefined) {
    assert.ok(["active", "invited", "disabled", "deleted", "provisioned"].includes(u.status), `status ${u.status}`);
  }
}

describe("users", () => {
  it("GET /api/v1/users/me returns the API key's user, who is also in the list", async () => {
    const r = await api.users.getMyUser(fresh);
    assert.equal(r.status, 200);
    assertUserShape(r.data);
    const g = await api.users.getUser(r.data.id, {}, fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.id, r.data.id);
    assert.equal(g.data.subject, r.data.subject);
    assert.equal(g.data.email, r.data.email);
    const all = await api.users.getUsers({ limit: 100 }, fresh);
    assert.ok(
      all.data.data.some((u) => u.id === r.data.id),
      "the caller appears in GET /api/v1/users",
    );
  });

  it("lists every user exactly once when paging with limit 5 via next()", async () => {
    const first = await api.users.getUsers({ limit: 5, totalResults: true }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.totalResults;
    assert.equal(typeof total, "number", "totalResults=true returns a top-level totalResults");
    assert.ok(total >= 11, `seed should have ~15 users (>= 3 pages of 5), totalResults=${total}`);
    assert.equal(first.data.data.length, 5);
    assert.equal(typeof first.next, "function", "first page must offer next()");
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 5);
    assert.equal(ids.length, total, "users seen across pages == totalResults");
    for (const p of pages) for (const u of p.data.data) assertUserShape(u);
    const self = assertAbsoluteHref(first.data.links?.self?.href, "links.self.href");
    assert.equal(self.pathname, "/api/v1/users");

    const all = await api.users.getUsers({ limit: 100 }, fresh);
    assert.deepEqual([...ids].sort(), all.data.data.map((u) => u.id).sort(), "paged ids == single-page ids");
    assert.equal(all.data.links?.next, undefined);
  });

  it("keeps the sort order across pages (sort=-name, limit 4)", async () => {
    const first = await api.users.getUsers({ limit: 4, sort: "-name" }, fresh);
    const pages = await collectPages(first);
    const paged = assertPaging(pages, 4);
    const single = (await api.users.getUsers({ limit: 100, sort: "-name" }, fresh)).data.data;
    assert.deepEqual(paged, single.map((u) => u.id), "paged order == single-page order for sort=-name");
    const asc = (await api.users.getUsers({ limit: 100, sort: "+name" }, fresh)).data.data;
    const names = asc.map((u) => u.name);
    assert.equal(new Set(names).size, names.length, "seed user names are unique");
    assert.deepEqual(single.map((u) => u.id), asc.map((u) => u.id).reverse(), "-name is the reverse of +name");
    const dflt = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    assert.deepEqual(dflt.map((u) => u.id), asc.map((u) => u.id), "the default sort is +name");
  });

  it("GET /api/v1/users/actions/count equals the number of listed users", async () => {
    const c = await api.users.countUsers({}, fresh);
    assert.equal(c.status, 200);
    assert.equal(typeof c.data.total, "number");
    const all = await api.users.getUsers({ limit: 100 }, fresh);
    assert.equal(c.data.total, all.data.data.length);
    const c2 = await api.users.countUsersWithoutQuery(fresh);
    assert.equal(c2.data.total, c.data.total);
  });

  it("seed users include admin@example.com", async () => {
    const all = await api.users.getUsers({ limit: 100 }, fresh);
    const emails = all.data.data.map((u) => u.email);
    assert.ok(emails.includes("admin@example.com"), `emails: ${emails.join(", ")}`);
    assert.equal(new Set(emails).size, emails.length, "seed emails are unique");
  });

  it("filters by email with a SCIM filter", async () => {
    const all = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    const target = all.find((u) => u.email);
    assert.ok(target, "a user with an email");
    const r = await api.users.getUsers({ filter: `email eq "${target.email}"` }, fresh);
    assert.equal(r.status, 200);
    assert.deepEqual(r.data.data.map((u) => u.id), [target.id]);
  });

  it("creates, gets, patches and deletes a user", async () => {
    const name = uniqueName("user");
    const subject = `auth0|${name}`;
    const email = `${name}@example.com`;
    const c = await api.users.createUser({ subject, name, email });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    assertUserShape(c.data);
    assert.equal(c.data.subject, subject);
    assert.equal(c.data.name, name);
    assert.equal(c.data.email, email);
    const id = c.data.id;

    const g = await api.users.getUser(id, {}, fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.id, id);
    assert.equal(g.data.subject, subject);
    assert.equal(g.data.email, email);

    // PATCH /name -> 204, no body.
    const newName = `${name} Renamed`;
    const p = await api.users.patchUser(id, [{ op: "replace", path: "/name", value: newName }]);
    assert.equal(p.status, 204);
    const g2 = await api.users.getUser(id, {}, fresh);
    assert.equal(g2.data.name, newName);
    assert.equal(g2.data.subject, subject, "subject unchanged by a name patch");

    // PATCH /assignedRoles by role name; the user then carries {id,name}.
    const roles = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const role = roles.find((r) => r.type === "default" && r.name !== "TenantAdmin") || roles[0];
    assert.ok(role, "at least one role exists");
    const pr = await api.users.patchUser(id, [{ op: "replace", path: "/assignedRoles", value: [{ name: role.name }] }]);
    assert.equal(pr.status, 204);
    const g3 = await api.users.getUser(id, {}, fresh);
    assert.ok(Array.isArray(g3.data.assignedRoles), "assignedRoles is an array");
    assert.deepEqual(
      g3.data.assignedRoles.map((r) => [r.id, r.name]),
      [[role.id, role.name]],
      "assignedRoles holds the patched role by id and name",
    );

    const d = await api.users.deleteUser(id);
    assert.equal(d.status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(api.users.getUser(id, {}, fresh), 404, idErr);
    const all = await api.users.getUsers({ limit: 100 }, fresh);
    assert.ok(!all.data.data.some((u) => u.id === id), "deleted user is gone from the list");
  });

  it("creates a user with assignedRoles given by name", async () => {
    const roles = (await api.roles.getRoles({ limit: 100 }, fresh)).data.data;
    const role = roles.find((r) => r.type === "default" && r.name !== "TenantAdmin");
    const name = uniqueName("roleuser");
    const c = await api.users.createUser({ subject: `auth0|${name}`, name, assignedRoles: [{ name: role.name }] });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    const g = await api.users.getUser(c.data.id, {}, fresh);
    assert.deepEqual(g.data.assignedRoles.map((r) => r.name), [role.name]);
    assert.deepEqual(g.data.assignedRoles.map((r) => r.id), [role.id]);
  });

  it("409 on a duplicate subject", async () => {
    const name = uniqueName("dupuser");
    const subject = `auth0|${name}`;
    const c = await api.users.createUser({ subject, name, email: `${name}@example.com` });
    assert.equal(c.status, 201);
    created.push(c.data.id);
    await expectHttpError(api.users.createUser({ subject, name: `${name}-2`, email: `${name}-2@example.com` }), 409, idErr);
  });

  it("400 for a user without a subject, and for a PATCH path outside the schema", async () => {
    const name = uniqueName("nosubject");
    await expectHttpError(api.users.createUser({ name, email: `${name}@example.com` }), 400, idErr);
    const all = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    assert.ok(!all.some((u) => u.name === name), "a refused user must not be stored");

    const c = await api.users.createUser({ subject: `auth0|${name}`, name });
    created.push(c.data.id);
    await expectHttpError(api.users.patchUser(c.data.id, [{ op: "replace", path: "/subject", value: "auth0|other" }]), 400, idErr);
    const g = await api.users.getUser(c.data.id, {}, fresh);
    assert.equal(g.data.subject, `auth0|${name}`, "a refused patch changes nothing");
  });

  it("404 for an unknown user id (get, patch, delete)", async () => {
    const e = await expectHttpError(api.users.getUser(UNKNOWN_ID, {}, fresh), 404, idErr);
    assert.equal(e.data.errors[0].status, 404, "users errors carry status 404");
    await expectHttpError(api.users.patchUser(UNKNOWN_ID, [{ op: "replace", path: "/name", value: "x" }]), 404, idErr);
    await expectHttpError(api.users.deleteUser(UNKNOWN_ID), 404, idErr);
  });

  it("PATCH /status and /assignedGroups, as qlikops sends them (204)", async () => {
    const name = uniqueName("user-groups");
    const c = await api.users.createUser({ subject: `auth0|${name}`, name });
    created.push(c.data.id);
    const id = c.data.id;
    const grp = await api.groups.createGroup({ name: uniqueName("ug"), providerType: "custom" });
    try {
      // status: only active and disabled are set through the API.
      const ps = await api.users.patchUser(id, [{ op: "replace", path: "/status", value: "disabled" }]);
      assert.equal(ps.status, 204);
      assert.equal((await api.users.getUser(id, {}, fresh)).data.status, "disabled");
      await expectHttpError(api.users.patchUser(id, [{ op: "replace", path: "/status", value: "invited" }]), 400, idErr);
      assert.equal((await api.users.patchUser(id, [{ op: "replace", path: "/status", value: "active" }])).status, 204);
      assert.equal((await api.users.getUser(id, {}, fresh)).data.status, "active");

      // assignedGroups: replaced by group references {id}.
      const pg = await api.users.patchUser(id, [{ op: "replace", path: "/assignedGroups", value: [{ id: grp.data.id }] }]);
      assert.equal(pg.status, 204);
      const g = await api.users.getUser(id, {}, fresh);
      assert.deepEqual(g.data.assignedGroups.map((x) => x.id), [grp.data.id]);
      assert.equal(g.data.assignedGroups[0].name, grp.data.name);
      const clear = await api.users.patchUser(id, [{ op: "replace", path: "/assignedGroups", value: [] }]);
      assert.equal(clear.status, 204);
      assert.deepEqual((await api.users.getUser(id, {}, fresh)).data.assignedGroups ?? [], []);
      await expectHttpError(
        api.users.patchUser(id, [{ op: "replace", path: "/assignedGroups", value: [{ id: UNKNOWN_ID }] }]),
        400,
        idErr,
      );
    } finally {
      await quietly(() => api.groups.deleteGroup(grp.data.id));
    }
  });
});
