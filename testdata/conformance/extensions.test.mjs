// Extensions (/api/v1/extensions) through @qlik/api's extensions module: the
// same service pattern as themes; PATCH answers with the Extension itself.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly } from "./lib.mjs";

// A minimal zip writer (stored entries) so the tests need no dependency.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function makeZip(entries) {
  const files = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const nameBuf = Buffer.from(name, "utf8");
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time/date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(0, 10);
    cen.writeUInt32LE(0, 12);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(data.length, 20);
    cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(nameBuf.length, 28);
    cen.writeUInt32LE(offset, 42);
    files.push(local, nameBuf, data);
    central.push(cen, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cenBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cenBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...files, cenBuf, end]));
}

/** Await a rejected themes/extensions call: status and the single-object error body. */
async function expectQextError(promise, status) {
  let err;
  try {
    const r = await promise;
    assert.fail(`expected HTTP ${status}, got ${r?.status}: ${JSON.stringify(r?.data)?.slice(0, 300)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err.status, status, `HTTP status (body: ${JSON.stringify(err.data)?.slice(0, 300)})`);
  assert.equal(typeof err.data, "object");
  assert.equal(err.data.errors, undefined, "themes/extensions errors are a single object, not an errors array");
  assert.equal(typeof err.data.title, "string");
  assert.equal(typeof err.data.code, "string", "the spec requires code");
  assert.equal(err.data.status, status, "status is the number");
  assert.equal(typeof err.data.traceId, "string");
  return err;
}


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
