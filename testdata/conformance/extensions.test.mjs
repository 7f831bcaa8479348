// Extensions (/api/v1/extensions) through @qlik/api's extensions module: the
// same service pattern as themes; PATCH answers with the Extension itself.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, makeZip, expectQextError } from "./lib.mjs";



function extZip(qf, name, version, { folder = "" } = {}) {
  return makeZip({
    [`${folder}${qf}.qext`]: JSON.stringify({ name, type: "visualization", version, description: "conformance" }),
    [`${folder}${qf}.js`]: "define([], function () { return { paint: function () {} }; });\n",
    [`${folder}style.css`]: ".c { }\n",
  });
}

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.extensions.deleteExtension(id));
});

describe("extensions", () => {
  it("lists extensions as {data:[…]} including the seeded one", async () => {
    const r = await api.extensions.getExtensions(fresh);
    assert.equal(r.status, 200);
    assert.equal(r.data.links, undefined);
    const kpi = r.data.data.find((e) => e.qextFilename === "kpi-tile");
    assert.ok(kpi, "the demo seed's extension is listed");
    assert.equal(kpi.type, "visualization");
    const byName = await api.extensions.getExtension("kpi-tile", fresh);
    assert.equal(byName.data.id, kpi.id);
    const js = await api.extensions.downloadFileFromExtension("kpi-tile", "kpi-tile.js", fresh);
    assert.equal(js.status, 200);
    assert.match(String(js.data), /define\(/);
  });

  it("uploads, downloads byte-exact, patches (200 Extension) and deletes", async () => {
    const qf = uniqueName("ext");
    const zip = extZip(qf, `Ext ${qf}`, "1.0.0", { folder: "dist/" });
    const up = await api.extensions.uploadExtension({ file: zip });
    assert.equal(up.status, 201);
    created.push(up.data.id);
    assert.equal(up.data.qextFilename, qf);
    assert.equal(up.data.name, `Ext ${qf}`);

    const dl = await api.extensions.downloadExtension(qf, fresh);
    assert.deepEqual(Buffer.from(await dl.data.arrayBuffer()), Buffer.from(zip));
    const css = await api.extensions.downloadFileFromExtension(up.data.id, "style.css", fresh);
    assert.equal(css.status, 200);

    const zip2 = extZip(qf, `Ext ${qf}`, "1.1.0");
    const p = await api.extensions.patchExtension(qf, { file: zip2, data: { tags: ["x"] } });
    assert.equal(p.status, 200);
    assert.equal(p.data.id, up.data.id);
    assert.equal(p.data.version, "1.1.0");
    assert.deepEqual(p.data.tags, ["x"]);
    const dl2 = await api.extensions.downloadExtension(up.data.id, fresh);
    assert.deepEqual(Buffer.from(await dl2.data.arrayBuffer()), Buffer.from(zip2));

    const del = await api.extensions.deleteExtension(up.data.id);
    assert.equal(del.status, 204);
    await expectQextError(api.extensions.getExtension(up.data.id, fresh), 410);
    created.pop();
  });

  it("409 on a duplicate name; 400 on zip-slip, absolute paths and a missing .qext; 404 unknown", async () => {
    const qf = uniqueName("ext");
    const up = await api.extensions.uploadExtension({ file: extZip(qf, `Dup ${qf}`, "1.0.0") });
    created.push(up.data.id);
    await expectQextError(api.extensions.uploadExtension({ file: extZip(`${qf}-2`, `Dup ${qf}`, "1.0.0") }), 409);
    await expectQextError(api.extensions.uploadExtension({ data: { name: `Dup ${qf}` } }), 409);
    await expectQextError(
      api.extensions.uploadExtension({ file: makeZip({ "a.qext": "{}", "sub/../../x.js": "x" }) }),
      400,
    );
    await expectQextError(api.extensions.uploadExtension({ file: makeZip({ "a.qext": "{}", "/abs.js": "x" }) }), 400);
    await expectQextError(api.extensions.uploadExtension({ file: makeZip({ "a.js": "x" }) }), 400);
    await expectQextError(api.extensions.getExtension(uniqueName("none"), fresh), 404);
  });
});
