// Shared helpers for the qliksim conformance tests.
//
// Every test talks to the simulator through Qlik's own TypeScript client,
// @qlik/api (pinned in package.json / package-lock.json). Raw fetch is used only
// where the client cannot express the check (a deliberately broken request, the
// test-only /_sim endpoints, or an independent cross-check of a client result).
import assert from "node:assert/strict";
import { createQlikApi } from "@qlik/api";

function requireEnv(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run these tests through testdata/conformance/run.sh`);
  }
  return v;
}

export const HOST = requireEnv("QLIK_HOST").replace(/\/+$/, "");
export const API_KEY = requireEnv("QLIK_API_KEY");
export const CLIENT_ID = process.env.QLIK_CLIENT_ID || "";
export const CLIENT_SECRET = process.env.QLIK_CLIENT_SECRET || "";

// The documented way to bind @qlik/api 2.19.0 to one tenant (the README example
// that passes the host config directly is outdated; see DESIGN.md section 4).
export function apiKeyApi(apiKey = API_KEY) {
  return createQlikApi({ hostConfig: { authType: "apikey", host: HOST, apiKey } });
}

export const api = apiKeyApi();

// Options that bypass the client's GET cache (needed after any write).
export const fresh = { noCache: true };

// A run tag keeps names unique even against a long-lived simulator.
export const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
export function uniqueName(prefix) {
  return `conf-${prefix}-${RUN}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

// An id that is well formed (24 hex digits, like Qlik's) but never issued.
export const UNKNOWN_ID = "0123456789abcdef01234567";

/**
 * Follow `next()` from a first list response until there is no next page.
 * Returns the array of page responses (first included).
 */
export async function collectPages(first, { maxPages = 200 } = {}) {
  const pages = [first];
  let resp = first;
  while (typeof resp.next === "function") {
    const href = resp.data?.links?.next?.href;
    assertAbsoluteHref(href, "links.next.href");
    if (pages.length >= maxPages) {
      throw new Error(`more than ${maxPages} pages: paging does not terminate (last next=${href})`);
    }
    resp = await resp.next();
    assert.equal(resp.status, 200, "status of a next() page");
    pages.push(resp);
  }
  // next() exists exactly when links.next.href does.
  assert.equal(resp.data?.links?.next, undefined, "last page must not carry links.next");
  return pages;
}

/** A page link must be an absolute URL on the tenant (the client follows it verbatim). */
export function assertAbsoluteHref(href, what) {
  assert.equal(typeof href, "string", `${what} must be a string`);
  let u;
  try {
    u = new URL(href);
  } catch {
    assert.fail(`${what} is not an absolute URL: ${JSON.stringify(href)}`);
  }
  assert.equal(u.origin, new URL(HOST).origin, `${what} must point at the tenant host: ${href}`);
  return u;
}

/** Check that every page but the last has exactly `limit` items and ids are unique. */
export function assertPaging(pages, limit, { itemsOf = (p) => p.data.data } = {}) {
  const ids = [];
  pages.forEach((p, i) => {
    const items = itemsOf(p);
    assert.ok(Array.isArray(items), `page ${i + 1}: data must be an array`);
    if (i < pages.length - 1) {
      assert.equal(items.length, limit, `page ${i + 1} of ${pages.length} must be full (limit=${limit})`);
    } else {
      assert.ok(items.length >= 1 && items.length <= limit, `last page must have 1..${limit} items, got ${items.length}`);
    }
    for (const it of items) ids.push(it.id);
  });
  const seen = new Set();
  const dups = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  assert.deepEqual(dups, [], "no item may be returned twice across pages");
  assert.equal(pages.length, Math.ceil(ids.length / limit), "number of pages");
  return ids;
}

/**
 * Await a promise that must reject with an HTTP error from @qlik/api, and check
 * the status and that the body parses with Qlik's error shape:
 * { errors: [ { code: string, title: string, ... } ], ... }.
 * Returns the thrown error.
 */
export async function expectHttpError(promise, status, { numericStatusField = false } = {}) {
  let err;
  try {
    const resp = await promise;
    assert.fail(`expected HTTP ${status}, but the call succeeded with ${resp?.status}: ${JSON.stringify(resp?.data)?.slice(0, 300)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err.status, status, `HTTP status (error: ${err.message}; body: ${JSON.stringify(err.data)?.slice(0, 300)})`);
  assertQlikErrorBody(err.data, status, { numericStatusField });
  return err;
}

export function assertQlikErrorBody(body, status, { numericStatusField = false } = {}) {
  assert.equal(typeof body, "object", `error body must be JSON, got ${JSON.stringify(body)?.slice(0, 200)}`);
  assert.ok(body !== null, "error body must not be null");
  assert.ok(Array.isArray(body.errors), `error body must have an errors array: ${JSON.stringify(body).slice(0, 300)}`);
  assert.ok(body.errors.length >= 1, "errors array must not be empty");
  for (const e of body.errors) {
    assert.equal(typeof e.code, "string", `errors[].code must be a string: ${JSON.stringify(e)}`);
    assert.ok(e.code.length > 0, "errors[].code must not be empty");
    assert.equal(typeof e.title, "string", `errors[].title must be a string: ${JSON.stringify(e)}`);
    assert.ok(e.title.length > 0, "errors[].title must not be empty");
    if (numericStatusField && e.status !== undefined) {
      // users/groups error elements carry the HTTP status as a number.
      assert.equal(e.status, status, `errors[].status must be the number ${status}`);
    }
  }
}

/**
 * Check an error body against the shape of one service (reference notes 0.3 and
 * each service's OpenAPI error schema). The shared middleware (401, unknown
 * route, 429) must answer in the same shape as the service's own handlers.
 * service: spaces | users | groups | roles | data-connections | automations |
 * automation-connections | glossaries | themes | extensions.
 */
export function assertServiceErrorBody(service, body, status) {
  const where = `${service} ${status}: ${JSON.stringify(body)?.slice(0, 300)}`;
  assert.equal(typeof body, "object", where);
  if (service === "themes" || service === "extensions") {
    // a single object {code, title, status, traceId, meta}, not an errors array
    assert.equal(body.errors, undefined, `themes/extensions errors are a single object: ${where}`);
    assert.equal(typeof body.code, "string", where);
    assert.equal(typeof body.title, "string", where);
    assert.equal(body.status, status, where);
    assert.equal(typeof body.traceId, "string", where);
    return;
  }
  assertQlikErrorBody(body, status);
  const e = body.errors[0];
  const allowed = {
    spaces: ["code", "title", "detail", "meta"],
    users: ["code", "title", "detail", "meta", "source", "status"],
    groups: ["code", "title", "detail", "meta", "source", "status"],
    roles: ["code", "title", "detail", "meta", "source"],
    "data-connections": ["code", "title", "detail", "status"],
    automations: ["code", "title", "detail"],
    "automation-connections": ["code", "title", "detail"],
    glossaries: ["code", "title", "detail"],
  }[service];
  assert.ok(allowed, `unknown service ${service}`);
  for (const k of Object.keys(e)) assert.ok(allowed.includes(k), `${service} error elements have no ${k}: ${where}`);
  if (status === 429) return; // the documented rate-limit body: errors[{code,title,detail}] only
  if (["users", "groups", "data-connections"].includes(service)) {
    assert.equal(e.status, status, `${service} errors carry the numeric status: ${where}`);
  }
  if (service === "data-connections") {
    assert.equal(body.traceId, undefined, `data-connections errors carry no traceId: ${where}`);
  } else {
    assert.equal(typeof body.traceId, "string", `traceId: ${where}`);
  }
  if (service === "spaces") {
    assert.equal(body.code, e.code, `spaces repeat code at the top level (deprecated): ${where}`);
  }
}

/** The calling user (the API key's owner). */
let meCache;
export async function me() {
  if (!meCache) {
    const r = await api.users.getMyUser(fresh);
    assert.equal(r.status, 200);
    meCache = r.data;
  }
  return meCache;
}

/** All users, through the client, one big page (at most 100). */
export async function allUsers() {
  const r = await api.users.getUsers({ limit: 100 }, fresh);
  assert.equal(r.status, 200);
  return r.data.data;
}

/** Best-effort cleanup that never masks a test failure. */
export async function quietly(fn) {
  try {
    await fn();
  } catch {
    // ignore
  }
}

/** Raw GET (not through the client), for cross-checks. */
export async function rawGet(path, { apiKey = API_KEY } = {}) {
  const res = await fetch(new URL(path, HOST), { headers: { Authorization: `Bearer ${apiKey}` } });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

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
export function makeZip(entries) {
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
export async function expectQextError(promise, status) {
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
