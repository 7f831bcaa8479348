// Data connections (/api/v1/data-connections) through @qlik/api's dataConnections module.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import {
  api,
  fresh,
  uniqueName,
  collectPages,
  assertPaging,
  assertAbsoluteHref,
  expectHttpError,
  me,
  quietly,
  rawGet,
} from "./lib.mjs";

const dc = api.dataConnections;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => dc.deleteDataConnection(id, {}));
});

// A well-formed UUID that is never issued (data connection ids are UUIDs).
const UNKNOWN_QID = "0f0e0d0c-0b0a-4909-8807-060504030201";

async function spaceByName(name) {
  const r = await api.spaces.getSpaces({ name, limit: 100 }, fresh);
  const s = r.data.data.find((x) => x.name === name);
  assert.ok(s, `seeded space ${name}`);
  return s;
}

/** The test-only secrets view; null when this qliksim does not serve it. */
async function simSecrets(id) {
  const r = await rawGet(`/_sim/data-connections/${id}/secrets`);
  if (r.status === 404 && !r.body?.errors?.[0]?.code?.startsWith("DCERROR")) return null;
  assert.equal(r.status, 200, `/_sim secrets: ${JSON.stringify(r.body)}`);
  return r.body;
}

function body(name, space, extra = {}) {
  return {
    qName: name,
    qType: "QvOdbcConnectorPackage.exe",
    datasourceID: "snowflake",
    qConnectStatement: 'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;server=x;PWD=conf-inline-pw;"',
    space,
    qUsername: "conf-user",
    qPassword: "conf-password-secret",
    qConnectionSecret: "conf-connection-secret",
    qLogOn: "0",
    tags: ["conf"],
    ...extra,
  };
}

function assertConnShape(c, { single = false } = {}) {
  assert.match(c.qID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "qID is a UUID");
  assert.equal(c.qEngineObjectID, c.qID, "qEngineObjectID == qID");
  for (const f of ["qName", "qType", "qConnectStatement", "tenant"]) assert.equal(typeof c[f], "string", f);
  assert.ok([0, 1].includes(c.qLogOn), `qLogOn is the number 0|1, got ${JSON.stringify(c.qLogOn)}`);
  assert.ok([0, 1].includes(c.qArchitecture), "qArchitecture 0|1");
  assert.ok(Array.isArray(c.privileges), "privileges");
  assertAbsoluteHref(c.links?.self?.href, "links.self.href");
  assert.equal(c.qPassword, undefined, "qPassword is write-only");
  assert.equal(c.qUsername, undefined, "qUsername is not part of ConnectionGet");
  if (!single) assert.equal(c.qConnectionSecret, undefined, "qConnectionSecret is never in the list");
}

describe("data connections", () => {
  it("lists every connection exactly once when paging with limit 2 via next()", async () => {
    const first = await dc.getDataConnections({ limit: 2 }, fresh);
    assert.equal(first.status, 200);
    const total = first.data.meta?.count;
    assert.equal(typeof total, "number", "meta.count");
    assert.ok(total >= 3, `the demo seed has at least 3 connections, meta.count=${total}`);
    const nextUrl = assertAbsoluteHref(first.data.links.next.href, "links.next.href");
    assert.ok(nextUrl.searchParams.get("page"), `links.next.href carries a page cursor: ${nextUrl}`);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2, { itemsOf: (p) => p.data.data.map((c) => ({ ...c, id: c.qID })) });
    assert.equal(ids.length, total);
    for (const p of pages) for (const c of p.data.data) assertConnShape(c);

    // No limit: Qlik's v1 returns everything at once.
    const all = await dc.getDataConnections({}, fresh);
    assert.deepEqual(all.data.data.map((c) => c.qID).sort(), [...ids].sort());
    assert.equal(all.data.links?.next, undefined);

    // prev() of page 2 is page 1.
    const second = await first.next();
    assert.equal(typeof second.prev, "function");
    const back = await second.prev();
    assert.deepEqual(back.data.data.map((c) => c.qID), first.data.data.map((c) => c.qID));
  });

  it("seeded connections: secrets are never listed; qConnectionSecret only on GET one", async () => {
    const all = (await dc.getDataConnections({}, fresh)).data.data;
    const text = JSON.stringify(all);
    assert.ok(!text.includes("FAKE-crm-api-token-0000"), "the list leaks a connection secret");
    const rest = all.find((c) => c.qName === "CRM REST API");
    const snow = all.find((c) => c.qName === "Finance Snowflake");
    assert.ok(rest && snow, "seeded connections");
    const g = await dc.getDataConnection(rest.qID, {}, fresh);
    assert.equal(g.status, 200);
    assertConnShape(g.data, { single: true });
    assert.equal(g.data.qConnectionSecret, "FAKE-crm-api-token-0000");
    const s = await dc.getDataConnection(snow.qID, {}, fresh);
    assert.match(s.data.qConnectStatement, /PWD=/, "the connect statement comes back as stored");
    assert.equal(s.data.qPassword, undefined);
    const fin = await spaceByName("Finance");
    assert.equal(snow.space, fin.id);
    const inFin = await dc.getDataConnections({ spaceId: fin.id }, fresh);
    assert.ok(inFin.data.data.every((c) => c.space === fin.id), "spaceId filter");
    assert.equal(inFin.data.meta.count, inFin.data.data.length);
  });

  it("the read qlikops does: noDatafiles=true with limit 100, following next()", async () => {
    // qliksim holds no datafiles connections, so noDatafiles hides nothing here.
    const all = (await dc.getDataConnections({}, fresh)).data.data;
    const first = await dc.getDataConnections({ noDatafiles: true, limit: 100 }, fresh);
    assert.equal(first.status, 200);
    const pages = await collectPages(first);
    const ids = pages.flatMap((p) => p.data.data.map((c) => c.qID));
    assert.deepEqual([...ids].sort(), all.map((c) => c.qID).sort());
    for (const p of pages) for (const c of p.data.data) assertConnShape(c);
  });

  it("creates, gets (by id and by name), puts, patches and deletes a connection", async () => {
    const owner = await me();
    const sales = await spaceByName("Sales Analytics");
    const name = uniqueName("dc");
    const c = await dc.createDataConnection(body(name, sales.id));
    assert.equal(c.status, 201);
    created.push(c.data.qID);
    const id = c.data.qID;
    assert.equal(c.data.qName, name);
    assert.equal(c.data.user, owner.id, "the creator is the user");
    assert.equal(c.data.qPassword, undefined);
    assert.equal(c.data.qConnectionSecret, undefined);

    const g = await dc.getDataConnection(id, {}, fresh);
    assertConnShape(g.data, { single: true });
    assert.equal(g.data.qConnectionSecret, "conf-connection-secret");
    assert.equal(g.data.space, sales.id);
    const byName = await dc.getDataConnection(name, { type: "connectionname", spaceId: sales.id }, fresh);
    assert.equal(byName.data.qID, id);

    const sec = await simSecrets(id);
    if (sec) {
      assert.equal(sec.qPassword, "conf-password-secret");
      assert.equal(sec.qUsername, "conf-user");
    }

    // PUT without qPassword keeps it; qConnectionSecret "" clears it. 204.
    const u = await dc.updateDataConnection(id, {}, {
      qID: id,
      qEngineObjectID: id,
      qName: `${name}-put`,
      qType: "QvOdbcConnectorPackage.exe",
      qConnectStatement: 'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;server=y;"',
      qConnectionSecret: "",
    });
    assert.equal(u.status, 204);
    const g2 = await dc.getDataConnection(id, {}, fresh);
    assert.equal(g2.data.qName, `${name}-put`);
    assert.equal(g2.data.qConnectionSecret, undefined, "qConnectionSecret \"\" cleared it");
    const sec2 = await simSecrets(id);
    if (sec2) assert.equal(sec2.qPassword, "conf-password-secret", "PUT without qPassword keeps the password");

    // PATCH (JSON Patch add/replace) -> 204.
    const p = await dc.patchDataConnection(id, {}, [
      { op: "replace", path: "/qName", value: `${name}-patched` },
      { op: "add", path: "/tags", value: ["x", "y"] },
    ]);
    assert.equal(p.status, 204);
    const g3 = await dc.getDataConnection(id, {}, fresh);
    assert.equal(g3.data.qName, `${name}-patched`);
    assert.deepEqual(g3.data.tags, ["x", "y"]);

    const d = await dc.deleteDataConnection(id, {});
    assert.equal(d.status, 204);
    created.splice(created.indexOf(id), 1);
    await expectHttpError(dc.getDataConnection(id, {}, fresh), 404);
  });

  it("409 on a duplicate name in the same space; the name is free in another space", async () => {
    const sales = await spaceByName("Sales Analytics");
    const fin = await spaceByName("Finance");
    const name = uniqueName("dup");
    const a = await dc.createDataConnection(body(name, sales.id));
    created.push(a.data.qID);
    await expectHttpError(dc.createDataConnection(body(name, sales.id)), 409);
    const b = await dc.createDataConnection(body(name, fin.id));
    assert.equal(b.status, 201);
    created.push(b.data.qID);
    await expectHttpError(dc.patchDataConnection(b.data.qID, {}, [{ op: "replace", path: "/space", value: sales.id }]), 409);
  });

  it("412 when deleting a space that holds a connection", async () => {
    const sp = await api.spaces.createSpace({ name: uniqueName("dc-space"), type: "shared" });
    const c = await dc.createDataConnection(body(uniqueName("dc"), sp.data.id));
    await expectHttpError(api.spaces.deleteSpace(sp.data.id), 412);
    await dc.deleteDataConnection(c.data.qID, {});
    const d = await api.spaces.deleteSpace(sp.data.id);
    assert.equal(d.status, 204);
  });

  it("error statuses: 400 missing fields / bad qID, 404 unknown, 403 unknown space", async () => {
    const b = body(uniqueName("bad"), undefined);
    delete b.qConnectStatement;
    const e = await expectHttpError(dc.createDataConnection(b), 400, { numericStatusField: true });
    assert.equal(e.data.errors[0].status, 400, "data-connections errors carry a numeric status");
    await expectHttpError(dc.getDataConnection(UNKNOWN_QID, {}, fresh), 404);
    await expectHttpError(dc.getDataConnection("not-a-uuid", {}, fresh), 400);
    await expectHttpError(dc.deleteDataConnection(UNKNOWN_QID, {}), 404);
    await expectHttpError(
      dc.patchDataConnection(UNKNOWN_QID, {}, [{ op: "replace", path: "/qName", value: "x" }]),
      404,
    );
    await expectHttpError(dc.createDataConnection(body(uniqueName("nospace"), "0123456789abcdef01234567")), 403);
    await expectHttpError(dc.getDataConnections({ limit: 101 }, fresh), 400);
  });
});
