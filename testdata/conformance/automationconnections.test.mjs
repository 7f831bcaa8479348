// Automation connections (/api/v1/automation-connections and
// /api/workflows/automation-connections) through @qlik/api.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, assertAbsoluteHref, expectHttpError, me, quietly, rawGet } from "./lib.mjs";

const ac = api.automationConnections;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => ac.deleteAutomationConnection(id, { forced: true }));
});

const UNKNOWN_UUID = "0f0e0d0c-0b0a-4909-8807-060504030201";
const SEEDED_SECRETS = ["FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123"];

async function simSecrets(id) {
  const r = await rawGet(`/_sim/automation-connections/${id}/secrets`);
  if (r.status === 404 && r.body?.errors?.[0]?.code === "HTTP-404") return null; // not served by this qliksim
  assert.equal(r.status, 200, `/_sim secrets: ${JSON.stringify(r.body)}`);
  return r.body.params;
}

describe("automation connections", () => {
  it("pages with limit 1 via next() over every connection (listAll)", async () => {
    const all = (await ac.getAutomationConnections({ listAll: true, limit: 200 }, fresh)).data.data;
    assert.ok(all.length >= 2, `seeded automation connections: ${all.length}`);
    const text = JSON.stringify(all);
    for (const s of SEEDED_SECRETS) assert.ok(!text.includes(s), "the list leaks a param value");
    let r = await ac.getAutomationConnections({ listAll: true, limit: 1 }, fresh);
    const ids = [];
    for (;;) {
      assert.equal(r.data.data.length, 1);
      ids.push(r.data.data[0].id);
      if (typeof r.next !== "function") break;
      const u = assertAbsoluteHref(r.data.links.next.href, "links.next.href");
      assert.ok(u.searchParams.get("cursor"));
      r = await r.next();
    }
    assert.ok(!r.data.links?.next?.href, "no next href on the last page");
    assert.deepEqual([...ids].sort(), all.map((c) => c.id).sort());
  });

  it("seeded secret params are never returned by GET", async () => {
    const all = (await ac.getAutomationConnections({ listAll: true, limit: 200 }, fresh)).data.data;
    const slack = all.find((c) => c.name === "Slack Notifications");
    assert.ok(slack, "seeded Slack Notifications");
    for (const c of all) {
      const g = await ac.getAutomationConnection(c.id, fresh);
      assert.equal(g.status, 200);
      const text = JSON.stringify(g.data);
      for (const s of SEEDED_SECRETS) assert.ok(!text.includes(s), `GET ${c.name} leaks a secret`);
      assert.ok(Array.isArray(g.data.params));
    }
    const g = await ac.getAutomationConnection(slack.id, fresh);
    const token = g.data.params.find((p) => p.name === "botToken");
    assert.equal(token.fieldType, "password");
    assert.equal(token.value, undefined, "secret param value is omitted");
    assert.equal(g.data.params.find((p) => p.name === "workspace").value, "acme-demo");
    const sec = await simSecrets(slack.id);
    if (sec) assert.equal(sec.botToken, "FAKE-xoxb-0000-not-a-real-token");
  });

  it("creates, gets, puts, checks, moves and deletes a connection", async () => {
    const owner = await me();
    const name = uniqueName("ac");
    const c = await ac.createAutomationConnection({
      connectorId: "0d86ee8a-27c0-11ea-921c-022e6b5ea1e2",
      name,
      params: [
        { name: "host", value: "conf.example.com" },
        { name: "password", value: "conf-ac-secret" },
      ],
    });
    assert.equal(c.status, 201);
    const id = c.data.id;
    created.push(id);
    assert.equal(c.data.ownerId, owner.id);
    assert.ok(!JSON.stringify(c.data).includes("conf-ac-secret"), "create response leaks the secret");

    const g = await ac.getAutomationConnection(id, fresh);
    const pw = g.data.params.find((p) => p.name === "password");
    assert.equal(pw.value, undefined);
    const mine = await ac.getAutomationConnections({ filter: `name eq "${name}"` }, fresh);
    assert.deepEqual(mine.data.data.map((x) => x.id), [id], "name filter, own connection listed without listAll");

    const u = await ac.updateAutomationConnection(id, { name: `${name}-put`, params: [{ id: pw.id, value: "conf-ac-secret-2" }] });
    assert.equal(u.status, 200);
    assert.equal(u.data.name, `${name}-put`);
    const sec = await simSecrets(id);
    if (sec) {
      assert.equal(sec.password, "conf-ac-secret-2");
      assert.equal(sec.host, "conf.example.com", "params not in the PUT keep their values");
    }

    const chk = await ac.checkAutomationConnection(id);
    assert.equal(chk.status, 200);
    assert.equal(chk.data.connected, true);

    const sales = (await api.spaces.getSpaces({ name: "Sales Analytics", limit: 100 }, fresh)).data.data.find((s) => s.name === "Sales Analytics");
    assert.equal((await ac.changeSpaceAutomationConnection(id, { spaceId: sales.id })).status, 204);
    assert.equal((await ac.getAutomationConnection(id, fresh)).data.spaceId, sales.id);
    assert.equal((await ac.changeOwnerAutomationConnection(id, { userId: owner.id })).status, 204);

    const w = await api.workflows.automationConnections.getAutomationConnection(id, fresh);
    assert.equal(w.data.name, `${name}-put`, "the namespaced family serves the same connection");

    assert.equal((await ac.deleteAutomationConnection(id, {})).status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(ac.getAutomationConnection(id, fresh), 404);
  });

  it("delete with forced=false, as qlikops sends it: 400 while an automation uses the connection", async () => {
    const c = await ac.createAutomationConnection({ connectorId: "0d86ee8a-27c0-11ea-921c-022e6b5ea1e2", name: uniqueName("ac-used") });
    const id = c.data.id;
    created.push(id);
    const a = await api.automations.createAutomation({
      name: uniqueName("uses-ac"),
      workspace: { blocks: [{ id: "b-1", type: "FormBlock", connectionId: id }] },
    });
    try {
      await expectHttpError(ac.deleteAutomationConnection(id, { forced: false }), 400);
      assert.equal((await ac.getAutomationConnection(id, fresh)).status, 200, "a refused delete keeps the connection");
    } finally {
      await quietly(() => api.automations.deleteAutomation(a.data.id));
    }
    assert.equal((await ac.deleteAutomationConnection(id, { forced: false })).status, 204, "unused: deleted");
    created.splice(created.indexOf(id), 1);
    await expectHttpError(ac.deleteAutomationConnection(id, { forced: false }), 404);
  });

  it("error statuses: 404 unknown id, 400 bad input", async () => {
    await expectHttpError(ac.getAutomationConnection(UNKNOWN_UUID, fresh), 404);
    await expectHttpError(ac.deleteAutomationConnection(UNKNOWN_UUID, {}), 404);
    await expectHttpError(ac.updateAutomationConnection(UNKNOWN_UUID, { name: "x" }), 404);
    await expectHttpError(ac.createAutomationConnection({ name: "no connector" }), 400);
    await expectHttpError(ac.getAutomationConnections({ limit: 0 }, fresh), 400);
  });
});
