// IP policies (/api/core/ip-policies) through @qlik/api's core.ipPolicies module:
// the seeded (disabled) policy, paging with the `page` cursor via next(), a SCIM
// filter, create (201), get, PATCH replace (204), delete (204); 400 for an address
// that is not IPv4, 404 for an unknown id, in the iam-resources error shape. Every
// policy here stays disabled or includes 127.0.0.1: an enabled policy without it
// would shut the suite out (the simulator enforces the allowlist).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, collectPages, assertPaging, expectHttpError, quietly } from "./lib.mjs";

const ip = api.core.ipPolicies;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => ip.deleteIpPolicy(id));
});

async function create(extra = {}) {
  const r = await ip.createIpPolicy({ name: uniqueName("ipp"), allowedIps: ["192.0.2.0/24"], ...extra });
  assert.equal(r.status, 201);
  created.push(r.data.id);
  return r.data;
}

describe("ip policies", () => {
  it("lists the seeded, disabled policy", async () => {
    const r = await ip.getIpPolicies({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const office = r.data.data.find((p) => p.name === "Office network");
    assert.ok(office, "seeded policy listed");
    assert.equal(office.enabled, false);
    assert.deepEqual([...office.allowedIps].sort(), ["198.51.100.7", "203.0.113.0/24"]);
  });

  it("pages with limit 1 through next() and filters with SCIM", async () => {
    const a = await create();
    await create();
    const pages = await collectPages(await ip.getIpPolicies({ limit: 1 }, fresh));
    const ids = assertPaging(pages, 1);
    for (const id of created) assert.ok(ids.includes(id));
    const byName = await ip.getIpPolicies({ filter: `name eq "${a.name}"` }, fresh);
    assert.deepEqual(byName.data.data.map((p) => p.id), [a.id]);
    const enabled = await ip.getIpPolicies({ filter: "enabled eq true" }, fresh);
    assert.deepEqual(enabled.data.data, []);
  });

  it("creates, gets, patches and deletes a policy", async () => {
    const p = await create();
    assert.equal(p.enabled, false);
    assert.equal(typeof p.tenantId, "string");
    const g = await ip.getIpPolicy(p.id, fresh);
    assert.equal(g.status, 200);
    assert.deepEqual(g.data.allowedIps, ["192.0.2.0/24"]);
    const patched = await ip.patchIpPolicy(p.id, [
      { op: "replace", path: "/allowedIps", value: ["192.0.2.0/24", "127.0.0.1"] },
      { op: "replace", path: "/enabled", value: true },
    ]);
    assert.equal(patched.status, 204);
    // Enabled and including 127.0.0.1: the suite still gets in.
    const after = await ip.getIpPolicy(p.id, fresh);
    assert.equal(after.data.enabled, true);
    await ip.patchIpPolicy(p.id, [{ op: "replace", path: "/enabled", value: false }]);
    const d = await ip.deleteIpPolicy(p.id);
    assert.equal(d.status, 204);
    await expectHttpError(ip.getIpPolicy(p.id, fresh), 404);
  });

  it("400 for an address that is not IPv4", async () => {
    await expectHttpError(ip.createIpPolicy({ name: uniqueName("bad"), allowedIps: ["::1"] }), 400);
  });
});
