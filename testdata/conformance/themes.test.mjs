// Themes (/api/v1/themes) through @qlik/api's themes module: multipart upload
// (zip in `file`, JSON model in `data`), get by id and by qextFilename, PATCH,
// byte-exact download, one file from the archive, soft delete (410), and the
// service's single-object error body.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, rawGet } from "./lib.mjs";

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
