// Themes (/api/v1/themes) through @qlik/api's themes module: multipart upload
// (zip in `file`, JSON model in `data`), get by id and by qextFilename, PATCH,
// byte-exact download, one file from the archive, soft delete (410), and the
// service's single-object error body.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, rawGet, makeZip, expectQextError } from "./lib.mjs";


const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c63f8cfc0f01f0005000201" + "5c8d2f4e0000000049454e44ae426082",
  "hex",
);

function themeZip(qextFilename, name, version) {
  return makeZip({
    [`${qextFilename}.qext`]: JSON.stringify({ name, type: "theme", version, author: "conformance" }),
    "theme.json": JSON.stringify({ _inherit: true, color: "#123456" }),
    "css/custom.css": ".x { color: red; }\n",
    "img/logo.png": PNG,
  });
}

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.themes.deleteTheme(id));
});

describe("themes", () => {
  it("lists themes as {data:[…]} without paging, including the seeded one", async () => {
    const r = await api.themes.getThemes(fresh);
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.data.data));
    assert.equal(r.data.links, undefined, "themes are not paged");
    assert.equal(r.next, undefined);
    const seeded = r.data.data.find((t) => t.qextFilename === "corporate-blue");
    assert.ok(seeded, "the demo seed's theme is listed");
    assert.equal(seeded.name, "Corporate Blue");
    assert.equal(seeded.type, "theme");
  });

  it("uploads a zip (multipart) and serves it back byte for byte; get by id and qextFilename", async () => {
    const qf = uniqueName("theme");
    const zip = themeZip(qf, `Theme ${qf}`, "1.0.0");
    const up = await api.themes.uploadTheme({ file: zip });
    assert.equal(up.status, 201);
    created.push(up.data.id);
    assert.equal(up.data.name, `Theme ${qf}`);
    assert.equal(up.data.qextFilename, qf);
    assert.equal(up.data.version, "1.0.0");
    assert.equal(typeof up.data.tenantId, "string");

    const byId = await api.themes.getTheme(up.data.id, fresh);
    assert.equal(byId.data.qextFilename, qf);
    const byName = await api.themes.getTheme(qf, fresh);
    assert.equal(byName.data.id, up.data.id);

    const dl = await api.themes.downloadTheme(up.data.id, fresh);
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get("content-type"), "application/zip");
    const got = new Uint8Array(await dl.data.arrayBuffer());
    assert.deepEqual(Buffer.from(got), Buffer.from(zip), "the archive is returned exactly as uploaded");

    const png = await api.themes.downloadFileFromTheme(qf, "img/logo.png", fresh);
    assert.equal(png.status, 200);
    assert.deepEqual(Buffer.from(await png.data.arrayBuffer()), PNG, "binary file byte-exact");
    const json = await api.themes.downloadFileFromTheme(qf, "theme.json", fresh);
    assert.equal(json.data.color, "#123456");
    await expectQextError(api.themes.downloadFileFromTheme(qf, "missing.css", fresh), 404);
  });

  it("uploads with a data part only, and the data part overrides the qext", async () => {
    const qf = uniqueName("theme");
    const up = await api.themes.uploadTheme({ file: themeZip(qf, `T ${qf}`, "1.0.0"), data: { description: "from data", tags: ["a"] } });
    created.push(up.data.id);
    assert.equal(up.data.description, "from data");
    assert.deepEqual(up.data.tags, ["a"]);
    const onlyData = await api.themes.uploadTheme({ data: { name: uniqueName("data-only") } });
    assert.equal(onlyData.status, 201);
    created.push(onlyData.data.id);
  });

  it("PATCH with a new zip and with data answers 200 with Themes {data:[…]}", async () => {
    const qf = uniqueName("theme");
    const up = await api.themes.uploadTheme({ file: themeZip(qf, `P ${qf}`, "1.0.0") });
    created.push(up.data.id);
    const zip2 = themeZip(qf, `P ${qf}`, "2.0.0");
    const p = await api.themes.patchTheme(up.data.id, { file: zip2 });
    assert.equal(p.status, 200);
    assert.equal(p.data.data.length, 1);
    assert.equal(p.data.data[0].version, "2.0.0");
    const dl = await api.themes.downloadTheme(qf, fresh);
    assert.deepEqual(Buffer.from(await dl.data.arrayBuffer()), Buffer.from(zip2));
    const p2 = await api.themes.patchTheme(qf, { data: { description: "patched" } });
    assert.equal(p2.data.data[0].description, "patched");
    assert.equal(p2.data.data[0].version, "2.0.0");
  });

  it("refuses a duplicate name (409), an unsafe archive (400), a zip without .qext (400)", async () => {
    const seeded = themeZip("corporate-blue", "Corporate Blue", "9.9.9");
    await expectQextError(api.themes.uploadTheme({ file: seeded }), 409);
    const slip = makeZip({ "x.qext": JSON.stringify({ name: uniqueName("slip") }), "../evil.js": "x" });
    await expectQextError(api.themes.uploadTheme({ file: slip }), 400);
    const noQext = makeZip({ "theme.json": "{}" });
    await expectQextError(api.themes.uploadTheme({ file: noQext }), 400);
  });

  it("deletes (204); the id is then gone (410) and unknown ids are 404", async () => {
    const qf = uniqueName("theme");
    const up = await api.themes.uploadTheme({ file: themeZip(qf, `D ${qf}`, "1.0.0") });
    const del = await api.themes.deleteTheme(up.data.id);
    assert.equal(del.status, 204);
    await expectQextError(api.themes.getTheme(up.data.id, fresh), 410);
    await expectQextError(api.themes.getTheme(uniqueName("nope"), fresh), 404);
    const list = await api.themes.getThemes(fresh);
    assert.ok(!list.data.data.some((t) => t.id === up.data.id), "a deleted theme is not listed");
    const raw = await rawGet(`/api/v1/themes/${up.data.id}`);
    assert.equal(raw.status, 410);
  });
});
