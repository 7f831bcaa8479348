// Apps through @qlik/api: the items list of apps (resourceType=app, cursor
// paging with links.next, filters), apps CRUD (apps.js: createApp,
// getAppInfo, updateAppInfo, updateAppOwner, moveAppToSpace,
// removeAppFromSpace, deleteApp), the scripts API with versions
// (getAppScriptHistory, updateAppScript, getAppScript), export to temp
// contents (exportApp: 201 + Location; temp-contents.js downloadTempFile,
// getTempFileDetails), import (uploadTempFile + importApp ?fileId=&spaceId=),
// soft delete and the recycle-bin restore (analytics/apps.js restoreApp),
// publishing (publishApp, republishApp: a copy in a managed space whose
// originAppId names its source),
// and the 412 of a space an app keeps non-empty. qliksim's app file is its
// own format (a deterministic zip), opaque to the client.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, expectHttpError, collectPages, assertPaging, rawGet, me, UNKNOWN_ID } from "./lib.mjs";

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.apps.deleteApp(id));
});

async function allAppItems(query = {}) {
  const pages = await collectPages(await api.items.getItems({ resourceType: "app", limit: 2, ...query }, fresh));
  return { pages, items: pages.flatMap((p) => p.data.data) };
}

async function spaceId(name) {
  const r = await api.spaces.getSpaces({ name, limit: 100 }, fresh);
  const sp = r.data.data.find((s) => s.name === name);
  assert.ok(sp, `space ${name}`);
  return sp.id;
}

async function appNamed(name) {
  const { items } = await allAppItems({ name });
  assert.equal(items.length, 1, `one app named ${name}`);
  return items[0];
}

async function bytesOf(data) {
  if (data instanceof Blob) return Buffer.from(await data.arrayBuffer());
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(String(data));
}

// exportFile exports an app and downloads the file its Location names.
async function exportFile(appId) {
  const ex = await api.apps.exportApp(appId, { NoData: true });
  assert.equal(ex.status, 201, "export answers 201 Created");
  const loc = ex.headers.get("location");
  assert.match(loc, /^\/api\/v1\/temp-contents\/[0-9a-f]+$/);
  const fileId = loc.split("/").pop();
  const details = await api.tempContents.getTempFileDetails(fileId, fresh);
  assert.equal(details.status, 200);
  assert.match(details.data.Name, /\.qvf$/);
  const dl = await api.tempContents.downloadTempFile(fileId, {}, fresh);
  assert.equal(dl.status, 200);
  const bytes = await bytesOf(dl.data);
  assert.equal(String(bytes.length), details.data.Size);
  assert.equal(bytes.subarray(0, 2).toString(), "PK", "qliksim's app file is a zip");
  return bytes;
}

describe("apps", () => {
  it("lists the seeded apps as items, paged with links.next, with their timestamps", async () => {
    const { pages, items } = await allAppItems();
    assertPaging(pages, 2);
    const pnl = items.find((i) => i.name === "Profit and Loss");
    assert.ok(pnl, "Profit and Loss is listed");
    assert.equal(pnl.resourceType, "app");
    assert.notEqual(pnl.resourceId, pnl.id, "the item id is not the app id");
    assert.equal(pnl.spaceId, await spaceId("Finance"));
    for (const f of ["createdAt", "updatedAt", "resourceCreatedAt", "resourceUpdatedAt"]) {
      assert.ok(!Number.isNaN(Date.parse(pnl[f])), `${f} is a time: ${pnl[f]}`);
    }
    assert.ok(Date.parse(pnl.resourceAttributes.modifiedDate) > 0, "resourceAttributes.modifiedDate");
    assert.equal(typeof pnl.ownerId, "string");
    const personal = (await allAppItems({ spaceId: "personal" })).items.map((i) => i.name);
    assert.ok(personal.includes("Scratch Analysis"), `personal apps: ${personal}`);
    assert.ok(!personal.includes("Profit and Loss"));
    const finance = (await allAppItems({ spaceId: await spaceId("Finance") })).items.map((i) => i.name).sort();
    assert.deepEqual(finance.filter((n) => !n.startsWith("conf-")), ["Cash Flow", "Profit and Loss"]);
  });

  it("reads a seeded app's script with its lib:// connection paths", async () => {
    const pnl = await appNamed("Profit and Loss");
    const cur = await api.apps.getAppScript(pnl.resourceId, "current", fresh);
    assert.equal(cur.status, 200);
    assert.match(cur.data.script, /LIB CONNECT TO 'Finance:Finance Snowflake';/);
    assert.match(cur.data.script, /lib:\/\/Finance:DataFiles\/chart_of_accounts\.qvd/);
    const hist = await api.apps.getAppScriptHistory(pnl.resourceId, {}, fresh);
    assert.equal(hist.status, 200);
    assert.ok(hist.data.scripts.length >= 1);
  });

  it("creates, reads, updates, re-owns, moves and deletes an app", async () => {
    const name = uniqueName("app");
    const finance = await spaceId("Finance");
    const c = await api.apps.createApp({ attributes: { name, description: "conformance", spaceId: finance } });
    assert.equal(c.status, 200, "apps create answers 200");
    const id = c.data.attributes.id;
    created.push(id);
    assert.equal(c.data.attributes.spaceId, finance);
    const g = await api.apps.getAppInfo(id, fresh);
    assert.equal(g.data.attributes.name, name);
    const u = await api.apps.updateAppInfo(id, { attributes: { description: "changed" } });
    assert.equal(u.status, 200);
    assert.equal(u.data.attributes.description, "changed");
    assert.equal(u.data.attributes.name, name, "PUT leaves out what it does not name");
    const users = (await api.users.getUsers({ limit: 100 }, fresh)).data.data;
    const bob = users.find((x) => x.email === "bob.smith@example.com");
    const o = await api.apps.updateAppOwner(id, { ownerId: bob.id });
    assert.equal(o.data.attributes.ownerId, bob.id);
    const sales = await spaceId("Sales Analytics");
    const m = await api.apps.moveAppToSpace(id, { spaceId: sales });
    assert.equal(m.data.attributes.spaceId, sales);
    assert.equal((await appNamed(name)).spaceId, sales, "the item follows the move");
    const p = await api.apps.removeAppFromSpace(id);
    assert.equal(p.status, 200);
    assert.equal((await appNamed(name)).spaceId, undefined, "a personal app has no spaceId");
    await expectHttpError(api.apps.updateAppOwner(id, { ownerId: UNKNOWN_ID }), 404);
    await expectHttpError(api.apps.createApp({ attributes: { description: "no name" } }), 400);
    const d = await api.apps.deleteApp(id);
    assert.equal(d.status, 200, "apps delete answers 200");
    await expectHttpError(api.apps.getAppInfo(id, fresh), 404);
  });

  it("saves script versions; the current one is the latest", async () => {
    const c = await api.apps.createApp({ attributes: { name: uniqueName("script") } });
    const id = c.data.attributes.id;
    created.push(id);
    const script = "///$tab Main\nLOAD * FROM [lib://Finance:DataFiles/x.qvd] (qvd);\n";
    const s = await api.apps.updateAppScript(id, { script, versionMessage: "conformance v2" });
    assert.equal(s.status, 200);
    const cur = await api.apps.getAppScript(id, "current", fresh);
    assert.deepEqual(cur.data, { script, versionMessage: "conformance v2" });
    const hist = await api.apps.getAppScriptHistory(id, {}, fresh);
    assert.equal(hist.data.scripts.length, 2);
    assert.equal(hist.data.scripts[0].versionMessage, "conformance v2", "latest first");
    assert.equal(hist.data.scripts[0].size, script.length);
    const first = await api.apps.getAppScript(id, hist.data.scripts[1].scriptId, fresh);
    assert.notEqual(first.data.script, script);
    await expectHttpError(api.apps.getAppScript(id, "no-such-version", fresh), 404);
  });

  it("exports to temp contents and imports the file into a space: the same bytes back", async () => {
    const pnl = await appNamed("Profit and Loss");
    const file = await exportFile(pnl.resourceId);
    assert.deepEqual(await exportFile(pnl.resourceId), file, "export is deterministic");
    const up = await api.tempContents.uploadTempFile({ filename: "pnl.qvf" }, new Blob([file], { type: "application/octet-stream" }));
    assert.equal(up.status, 201);
    const fileId = up.headers.get("location").split("/").pop();
    const sales = await spaceId("Sales Analytics");
    const name = uniqueName("imported");
    const imp = await api.apps.importApp({ fileId, spaceId: sales, name });
    assert.equal(imp.status, 200, "apps import answers 200");
    const id = imp.data.attributes.id;
    created.push(id);
    assert.notEqual(id, pnl.resourceId);
    assert.equal(imp.data.attributes.spaceId, sales);
    assert.equal(imp.data.attributes.ownerId, (await me()).id, "the importer owns the new app");
    const srcScript = (await api.apps.getAppScript(pnl.resourceId, "current", fresh)).data.script;
    assert.equal((await api.apps.getAppScript(id, "current", fresh)).data.script, srcScript);
    // Without a name the import keeps the file's: it exports the same bytes.
    const same = await api.apps.importApp({ fileId, spaceId: sales });
    created.push(same.data.attributes.id);
    assert.equal(same.data.attributes.name, "Profit and Loss");
    assert.deepEqual(await exportFile(same.data.attributes.id), file, "export, import, export: identical bytes");
    await api.apps.deleteApp(same.data.attributes.id);
    await expectHttpError(api.apps.importApp({ fileId: UNKNOWN_ID }), 404);
    await expectHttpError(api.tempContents.downloadTempFile(UNKNOWN_ID, {}, fresh), 404);
  });

  it("soft-deletes an app and restores it from the recycle bin with the same id", async () => {
    const finance = await spaceId("Finance");
    const c = await api.apps.createApp({ attributes: { name: uniqueName("bin"), spaceId: finance } });
    const id = c.data.attributes.id;
    created.push(id);
    await api.apps.updateAppScript(id, { script: "LOAD 1 AS x AUTOGENERATE 1;\n", versionMessage: "before delete" });
    await api.apps.deleteApp(id);
    assert.ok(!(await allAppItems({ spaceId: finance })).items.some((i) => i.resourceId === id), "a deleted app is not listed");
    const r = await api.analytics.apps.restoreApp(id);
    assert.equal(r.status, 200);
    assert.equal(r.data.attributes.id, id, "same id");
    assert.equal(r.data.attributes.spaceId, finance, "same space");
    assert.equal((await api.apps.getAppScript(id, "current", fresh)).data.script, "LOAD 1 AS x AUTOGENERATE 1;\n");
    await expectHttpError(api.analytics.apps.restoreApp(id), 404); // live again: not in the bin
  });

  it("publishes an app to a managed space and republishes it (publishApp, republishApp)", async () => {
    const exec = await spaceId("Executive Dashboards");
    const seededCopy = (await allAppItems({ spaceId: exec })).items.find((i) => i.name === "Pipeline Review");
    assert.ok(seededCopy, "the demo tenant's published copy of Pipeline Review");
    const source = (await allAppItems({ spaceId: await spaceId("Sales Analytics") })).items.find((i) => i.name === "Pipeline Review");
    assert.equal(seededCopy.resourceAttributes.originAppId, source.resourceId, "the copy names its source");
    assert.ok(Date.parse(seededCopy.resourceAttributes.publishTime) > 0, "publishTime");

    const c = await api.apps.createApp({ attributes: { name: uniqueName("pub"), spaceId: await spaceId("Sales Analytics") } });
    const src = c.data.attributes.id;
    created.push(src);
    await api.apps.updateAppScript(src, { script: "LOAD 1 AS v1 AUTOGENERATE 1;\n", versionMessage: "v1" });
    const p = await api.apps.publishApp(src, { spaceId: exec, attributes: { name: uniqueName("published") } });
    assert.equal(p.status, 200, "publish answers 200 with the copy");
    const copy = p.data.attributes.id;
    created.push(copy);
    assert.notEqual(copy, src);
    assert.equal(p.data.attributes.originAppId, src);
    assert.equal(p.data.attributes.spaceId, exec);
    assert.equal((await api.apps.getAppScript(copy, "current", fresh)).data.script, "LOAD 1 AS v1 AUTOGENERATE 1;\n");
    await expectHttpError(api.apps.publishApp(src, { spaceId: await spaceId("Sales Analytics") }), 400); // not managed

    await api.apps.updateAppScript(src, { script: "LOAD 2 AS v2 AUTOGENERATE 1;\n", versionMessage: "v2" });
    const r = await api.apps.republishApp(src, { targetId: copy });
    assert.equal(r.status, 200, "republish answers 200");
    assert.equal((await api.apps.getAppScript(copy, "current", fresh)).data.script, "LOAD 2 AS v2 AUTOGENERATE 1;\n");
    // Another source: refused by the origin check, re-pointed without it.
    await expectHttpError(api.apps.republishApp(source.resourceId, { targetId: copy }), 400);
    const re = await api.apps.republishApp(source.resourceId, { targetId: copy, checkOriginAppId: false });
    assert.equal(re.data.attributes.originAppId, source.resourceId);
  });

  it("refuses to delete a space that holds an app (412)", async () => {
    const sp = await api.spaces.createSpace({ name: uniqueName("space"), type: "shared" });
    const c = await api.apps.createApp({ attributes: { name: uniqueName("holder"), spaceId: sp.data.id } });
    created.push(c.data.attributes.id);
    await expectHttpError(api.spaces.deleteSpace(sp.data.id), 412);
    await api.apps.deleteApp(c.data.attributes.id);
    const d = await api.spaces.deleteSpace(sp.data.id);
    assert.equal(d.status, 204, "the emptied space deletes");
    const raw = await rawGet(`/api/v1/items?resourceType=spaceship`);
    assert.equal(raw.status, 400, "an unknown resourceType is refused");
    assert.ok(Array.isArray(raw.body.errors) && raw.body.traceId === undefined, "items errors: errors[], no traceId");
  });
});
