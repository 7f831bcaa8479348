// Space assignments (/api/v1/spaces/{spaceId}/assignments) through @qlik/api's spaces module.
import { describe, it, before, after } from "node:test";
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
} from "./lib.mjs";

const SHARED_ROLES = ["codeveloper", "consumer", "dataconsumer", "facilitator", "producer"];
const MANAGED_ROLES = ["basicconsumer", "consumer", "contributor", "dataconsumer", "facilitator", "publisher"];

const spaces = [];
let shared; // a fresh shared space
let managed; // a fresh managed space
let others; // users other than the caller (the owner of new spaces)
let group;

before(async () => {
  const owner = await me();
  const s = await api.spaces.createSpace({ name: uniqueName("asg-shared"), type: "shared" });
  shared = s.data;
  spaces.push(shared.id);
  const m = await api.spaces.createSpace({ name: uniqueName("asg-managed"), type: "managed" });
  managed = m.data;
  spaces.push(managed.id);
  const users = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
  others = users.filter((u) => u.id !== owner.id);
  assert.ok(others.length >= 4, `seed needs at least 5 users, found ${users.length}`);
  const groups = (await api.groups.getGroups({ limit: 100 }, fresh)).data.data;
  group = groups.find((g) => g.id !== "000000000000000000000001") || groups[0];
  assert.ok(group, "seed needs at least one group");
});

after(async () => {
  for (const id of spaces) {
    // A space with assignments is not empty (412 on delete): remove them first.
    await quietly(async () => {
      const l = await api.spaces.getSpaceAssignments(id, { limit: 100 }, fresh);
      for (const a of l.data.data) await quietly(() => api.spaces.deleteSpaceAssignment(id, a.id));
    });
    await quietly(() => api.spaces.deleteSpace(id));
  }
});

function assertAssignmentShape(a, spaceId) {
  assert.equal(typeof a.id, "string");
  assert.ok(a.id.length > 0);
  assert.equal(a.spaceId, spaceId);
  assert.equal(typeof a.tenantId, "string", "tenantId is required");
  assert.ok(["user", "group", "bot"].includes(a.type), `assignment type, got ${a.type}`);
  assert.equal(typeof a.assigneeId, "string");
  assert.ok(Array.isArray(a.roles));
  const self = assertAbsoluteHref(a.links?.self?.href, "assignment links.self.href");
  assert.equal(self.pathname, `/api/v1/spaces/${spaceId}/assignments/${a.id}`);
}

describe("space assignments", () => {
  it("space meta.assignableRoles follows the space type", async () => {
    const s = await api.spaces.getSpace(shared.id, fresh);
    const sr = s.data.meta?.assignableRoles;
    assert.ok(Array.isArray(sr), "GET space returns meta.assignableRoles");
    for (const r of ["consumer", "producer", "facilitator"]) assert.ok(sr.includes(r), `shared allows ${r}: ${sr}`);
    for (const r of ["contributor", "publisher"]) assert.ok(!sr.includes(r), `shared must not allow ${r}: ${sr}`);
    const m = await api.spaces.getSpace(managed.id, fresh);
    const mr = m.data.meta?.assignableRoles;
    assert.ok(Array.isArray(mr), "GET space returns meta.assignableRoles");
    for (const r of ["consumer", "contributor", "publisher"]) assert.ok(mr.includes(r), `managed allows ${r}: ${mr}`);
    for (const r of ["producer", "codeveloper"]) assert.ok(!mr.includes(r), `managed must not allow ${r}: ${mr}`);
  });

  it("creates, gets, updates (PUT) and deletes a user assignment", async () => {
    const user = others[0];
    const c = await api.spaces.createSpaceAssignment(shared.id, { type: "user", assigneeId: user.id, roles: ["consumer"] });
    assert.equal(c.status, 201);
    assertAssignmentShape(c.data, shared.id);
    assert.equal(c.data.type, "user");
    assert.equal(c.data.assigneeId, user.id);
    assert.deepEqual(c.data.roles, ["consumer"]);
    const id = c.data.id;

    const g = await api.spaces.getSpaceAssignment(shared.id, id, fresh);
    assert.equal(g.status, 200);
    assertAssignmentShape(g.data, shared.id);
    assert.equal(g.data.id, id);
    assert.equal(g.data.assigneeId, user.id);
    assert.deepEqual(g.data.roles, ["consumer"]);

    // PUT is the only update; the full role list is sent.
    const u = await api.spaces.updateSpaceAssignment(shared.id, id, { roles: ["consumer", "producer"] });
    assert.equal(u.status, 200);
    assert.equal(u.data.id, id);
    assert.deepEqual([...u.data.roles].sort(), ["consumer", "producer"]);
    const g2 = await api.spaces.getSpaceAssignment(shared.id, id, fresh);
    assert.deepEqual([...g2.data.roles].sort(), ["consumer", "producer"]);
    assert.equal(g2.data.assigneeId, user.id, "assigneeId is fixed after create");

    const d = await api.spaces.deleteSpaceAssignment(shared.id, id);
    assert.equal(d.status, 204);
    await expectHttpError(api.spaces.getSpaceAssignment(shared.id, id, fresh), 404);
    const l = await api.spaces.getSpaceAssignments(shared.id, { assigneeId: user.id }, fresh);
    assert.equal(l.data.data.length, 0, "deleted assignment is gone from the list");
  });

  it("lists assignments exactly once when paging with limit 2, and filters by type and assigneeId", async () => {
    const owner = await me();
    const want = [
      { type: "user", assigneeId: others[1].id, roles: ["consumer"] },
      { type: "user", assigneeId: others[2].id, roles: ["producer"] },
      { type: "user", assigneeId: others[3].id, roles: ["facilitator", "consumer"] },
      { type: "group", assigneeId: group.id, roles: ["dataconsumer"] },
      { type: "user", assigneeId: others[0].id, roles: ["codeveloper"] },
    ];
    const made = [];
    try {
      for (const body of want) {
        const c = await api.spaces.createSpaceAssignment(shared.id, body);
        assert.equal(c.status, 201, `create ${body.type} ${body.assigneeId}`);
        made.push(c.data);
      }

      const first = await api.spaces.getSpaceAssignments(shared.id, { limit: 2 }, fresh);
      assert.equal(first.status, 200);
      assert.equal(first.data.meta?.count, want.length, "meta.count is the number of assignments");
      const pages = await collectPages(first);
      const ids = assertPaging(pages, 2);
      assert.deepEqual([...ids].sort(), made.map((a) => a.id).sort(), "every assignment seen exactly once");
      const assignees = pages.flatMap((p) => p.data.data.map((a) => a.assigneeId));
      assert.ok(!assignees.includes(owner.id), "the space owner has no assignment row");
      for (const p of pages) for (const a of p.data.data) assertAssignmentShape(a, shared.id);

      const groupsOnly = await api.spaces.getSpaceAssignments(shared.id, { type: "group", limit: 100 }, fresh);
      assert.deepEqual(groupsOnly.data.data.map((a) => a.assigneeId), [group.id], "type=group filter");
      assert.equal(groupsOnly.data.data[0].type, "group");

      const one = await api.spaces.getSpaceAssignments(shared.id, { assigneeId: others[2].id }, fresh);
      assert.equal(one.data.data.length, 1, "assigneeId filter");
      assert.deepEqual(one.data.data[0].roles, ["producer"]);

      for (const a of [...made]) {
        const d = await api.spaces.deleteSpaceAssignment(shared.id, a.id);
        assert.equal(d.status, 204);
        made.splice(made.indexOf(a), 1);
      }
      const empty = await api.spaces.getSpaceAssignments(shared.id, {}, fresh);
      assert.equal(empty.data.data.length, 0);
      assert.equal(empty.data.meta?.count, 0);
    } finally {
      // Leave the space clean for the next test even when an assertion failed.
      for (const a of made) await quietly(() => api.spaces.deleteSpaceAssignment(shared.id, a.id));
    }
  });

  it("409 on a second assignment for the same assignee in the same space", async () => {
    const user = others[1];
    const c = await api.spaces.createSpaceAssignment(managed.id, { type: "user", assigneeId: user.id, roles: ["consumer"] });
    assert.equal(c.status, 201);
    let c2;
    try {
      await expectHttpError(
        api.spaces.createSpaceAssignment(managed.id, { type: "user", assigneeId: user.id, roles: ["contributor"] }),
        409,
      );
      const l = await api.spaces.getSpaceAssignments(managed.id, { assigneeId: user.id }, fresh);
      assert.equal(l.data.data.length, 1, "still exactly one assignment");
      assert.deepEqual(l.data.data[0].roles, ["consumer"], "the first assignment is unchanged");

      // One assignment per space: the same user may be assigned in another space.
      c2 = await api.spaces.createSpaceAssignment(shared.id, { type: "user", assigneeId: user.id, roles: ["consumer"] });
      assert.equal(c2.status, 201);
    } finally {
      if (c2) await quietly(() => api.spaces.deleteSpaceAssignment(shared.id, c2.data.id));
      await quietly(() => api.spaces.deleteSpaceAssignment(managed.id, c.data.id));
    }
  });

  it("400 for a role that the space type does not allow", async () => {
    const user = others[2];
    // contributor/publisher exist only in managed (and data) spaces.
    await expectHttpError(
      api.spaces.createSpaceAssignment(shared.id, { type: "user", assigneeId: user.id, roles: ["contributor"] }),
      400,
    );
    // producer/codeveloper do not exist in managed spaces.
    await expectHttpError(
      api.spaces.createSpaceAssignment(managed.id, { type: "user", assigneeId: user.id, roles: ["codeveloper"] }),
      400,
    );
    // Nothing was created.
    for (const s of [shared.id, managed.id]) {
      const l = await api.spaces.getSpaceAssignments(s, { assigneeId: user.id }, fresh);
      assert.equal(l.data.data.length, 0, "a refused assignment must not be stored");
    }
    // PUT with a role the type does not allow is refused too, and the roles stay.
    const c = await api.spaces.createSpaceAssignment(managed.id, { type: "user", assigneeId: user.id, roles: ["publisher"] });
    assert.equal(c.status, 201);
    await expectHttpError(api.spaces.updateSpaceAssignment(managed.id, c.data.id, { roles: ["producer"] }), 400);
    const g = await api.spaces.getSpaceAssignment(managed.id, c.data.id, fresh);
    assert.deepEqual(g.data.roles, ["publisher"]);
    await api.spaces.deleteSpaceAssignment(managed.id, c.data.id);
  });

  it("all documented roles of each type are accepted", async () => {
    for (const [space, roles] of [
      [shared, SHARED_ROLES],
      [managed, MANAGED_ROLES],
    ]) {
      const c = await api.spaces.createSpaceAssignment(space.id, { type: "user", assigneeId: others[3].id, roles });
      assert.equal(c.status, 201, `${space.type}: ${roles}`);
      assert.deepEqual([...c.data.roles].sort(), [...roles].sort());
      await api.spaces.deleteSpaceAssignment(space.id, c.data.id);
    }
  });

  it("404 for an unknown space or assignment id", async () => {
    await expectHttpError(api.spaces.getSpaceAssignments(UNKNOWN_ID, {}, fresh), 404);
    await expectHttpError(
      api.spaces.createSpaceAssignment(UNKNOWN_ID, { type: "user", assigneeId: others[0].id, roles: ["consumer"] }),
      404,
    );
    await expectHttpError(api.spaces.getSpaceAssignment(shared.id, UNKNOWN_ID, fresh), 404);
    await expectHttpError(api.spaces.updateSpaceAssignment(shared.id, UNKNOWN_ID, { roles: ["consumer"] }), 404);
    await expectHttpError(api.spaces.deleteSpaceAssignment(shared.id, UNKNOWN_ID), 404);
  });
});
