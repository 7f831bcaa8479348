// Report templates (/api/v1/report-templates) through @qlik/api's
// reportTemplates module: list (limit, the sourceAppId filter), create from
// a temp-contents upload (tempContents.uploadTempFile, then
// createReportTemplate with temporaryContentId: 201), get, replace the file
// with PUT (201, as the spec says), patch the name (204), download the file
// (POST actions/download: 200, the uploaded bytes), delete (204). Errors are
// ErrorResult: errors[{code,title,detail}] and statusCode, no traceId.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, quietly, expectHttpError, uniqueName, UNKNOWN_ID } from "./lib.mjs";

const rt = api.reportTemplates;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => rt.deleteReportTemplate(id));
});

async function appId(name) {
  const r = await api.items.getItems({ resourceType: "app", name, limit: 100 }, fresh);
  assert.equal(r.data.data.length, 1, `one app named ${name}`);
  return r.data.data[0].resourceId;
}

async function bytesOf(data) {
  if (data instanceof Blob) return Buffer.from(await data.arrayBuffer());
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(String(data));
}

async function upload(filename, bytes) {
  const up = await api.tempContents.uploadTempFile({ filename }, new Blob([bytes], { type: "application/octet-stream" }));
  assert.equal(up.status, 201);
  return up.headers.get("location").split("/").pop();
}

function assertRtError(body, status) {
  assert.ok(Array.isArray(body.errors) && body.errors.length >= 1, JSON.stringify(body));
  assert.equal(body.statusCode, status);
  assert.equal(body.traceId, undefined, "report-templates errors carry no traceId");
}

describe("report templates", () => {
  it("lists the seeded template with its source app and downloads its file", async () => {
    const pnl = await appId("Profit and Loss");
    const r = await rt.getReportTemplates({ limit: 100, sourceAppId: pnl }, fresh);
    assert.equal(r.status, 200);
    const t = r.data.data.find((x) => x.name === "Monthly P&L pack");
    assert.ok(t, "seeded template listed");
    assert.equal(t.type, "excel");
    assert.equal(t.sourceAppName, "Profit and Loss");
    const dl = await rt.downloadReportTemplate(t.id);
    assert.equal(dl.status, 200);
    const bytes = await bytesOf(dl.data);
    assert.equal(bytes.subarray(0, 2).toString(), "PK", "the seeded workbook is a zip");
  });

  it("creates from temp contents (201), gets, replaces the file (PUT 201), patches (204), deletes (204)", async () => {
    const cash = await appId("Cash Flow");
    const name = uniqueName("tpl");
    const v1 = Buffer.from("deck v1 \u0000\u00ff");
    const c = await rt.createReportTemplate({ name, sourceAppId: cash, sourceAppAction: "replace", temporaryContentId: await upload("deck.pptx", v1) });
    assert.equal(c.status, 201);
    assert.equal(c.data.type, "powerPoint");
    created.push(c.data.id);
    assert.deepEqual(await bytesOf((await rt.downloadReportTemplate(c.data.id)).data), v1);
    assert.equal((await rt.getReportTemplate(c.data.id, fresh)).data.sourceAppId, cash);
    const v2 = Buffer.from("deck v2");
    const u = await rt.updateReportTemplate(c.data.id, { name, description: "v2", temporaryContentId: await upload("deck.pptx", v2) });
    assert.equal(u.status, 201);
    assert.equal(u.data.description, "v2");
    assert.equal(u.data.sourceAppId, cash, "PUT keeps the source app");
    assert.deepEqual(await bytesOf((await rt.downloadReportTemplate(c.data.id)).data), v2);
    const p = await rt.patchReportTemplate(c.data.id, [{ op: "replace", path: "/name", value: name + "-2" }]);
    assert.equal(p.status, 204);
    assert.equal((await rt.getReportTemplate(c.data.id, fresh)).data.name, name + "-2");
    assert.equal((await rt.deleteReportTemplate(c.data.id)).status, 204);
    created.pop();
    assertRtError((await expectHttpError(rt.getReportTemplate(c.data.id, fresh), 404)).data, 404);
  });

  it("refuses a create without a file or with an unknown source app (400)", async () => {
    assertRtError((await expectHttpError(rt.createReportTemplate({ name: uniqueName("nofile") }), 400)).data, 400);
    const tmp = await upload("x.xlsx", Buffer.from("x"));
    assertRtError((await expectHttpError(rt.createReportTemplate({ name: uniqueName("noapp"), sourceAppId: UNKNOWN_ID, temporaryContentId: tmp }), 400)).data, 400);
  });
});
