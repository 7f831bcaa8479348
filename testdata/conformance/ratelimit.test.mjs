// Rate limits: a second, private qliksim with tiny per-tier limits, driven by
// @qlik/api. @qlik/api 2.19.0 has no 429 handling of its own (no retry, no
// Retry-After use), so the client must surface 429 with Qlik's body and header.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createQlikApi } from "@qlik/api";
import { assertServiceErrorBody, expectHttpError, uniqueName } from "./lib.mjs";

const BIN = process.env.QLIKSIM_BIN;
const SEED = process.env.QLIKSIM_SEED;
const KEY = "ratelimit-test-key";

let proc;
let host;

async function startSim(args) {
  const p = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  p.stderr.on("data", (d) => (stderr += d));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qliksim did not start within 10 s: ${stderr}`)), 10_000);
    const rl = createInterface({ input: p.stdout });
    rl.once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    p.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`qliksim exited with ${code}: ${stderr}`));
    });
  });
  const m = /^qliksim listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(m, `first line: ${line}`);
  return { p, host: m[1] };
}

describe("rate limits (private simulator with --tier1 3 --tier2 2)", { skip: !BIN ? "QLIKSIM_BIN not set (run through run.sh)" : false }, () => {
  before(async () => {
    const args = ["--addr", "127.0.0.1:0", "--api-key", KEY, "--tier1", "3", "--tier2", "2"];
    if (SEED) args.push("--seed", SEED);
    ({ p: proc, host } = await startSim(args));
  });
  after(() => {
    if (proc && proc.exitCode === null) proc.kill("SIGTERM");
  });

  function assertQlik429(err) {
    const ra = err.headers.get("retry-after");
    assert.match(String(ra), /^\d+$/, `Retry-After is whole seconds, got ${ra}`);
    assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `Retry-After within the one-minute window, got ${ra}`);
    assert.equal(err.data.errors[0].code, "HTTP-429");
    assert.equal(err.data.errors[0].title, "API rate limit reached.");
    assert.equal(typeof err.data.errors[0].detail, "string");
  }

  it("429 with Retry-After and Qlik's body once a tier is used up; tiers are separate", async () => {
    const api = createQlikApi({ hostConfig: { authType: "apikey", host, apiKey: KEY } });
    const fresh = { noCache: true };
    for (let i = 0; i < 3; i++) {
      const r = await api.spaces.getSpaces({ limit: 1 }, fresh);
      assert.equal(r.status, 200, `GET ${i + 1} of 3 is within tier 1`);
    }
    assertQlik429(await expectHttpError(api.users.getUsers({ limit: 1 }, fresh), 429));

    // Tier 2 is counted separately: writes still pass while tier 1 is blocked.
    const c = await api.spaces.createSpace({ name: uniqueName("rl"), type: "shared" });
    assert.equal(c.status, 201);
    const d = await api.spaces.deleteSpace(c.data.id);
    assert.equal(d.status, 204);
    assertQlik429(await expectHttpError(api.spaces.createSpace({ name: uniqueName("rl2"), type: "shared" }), 429));

    // The client does not retry a 429 by itself: exactly two requests were throttled.
    const stats = await (await fetch(`${host}/_sim/stats`)).json();
    assert.equal(stats.throttled, 2, JSON.stringify(stats));
  });

  it("the 429 body per service: Qlik's documented body, but themes/extensions' single object", async () => {
    // Tier 1 is still blocked from the test above (the block lasts up to a minute).
    const api = createQlikApi({ hostConfig: { authType: "apikey", host, apiKey: KEY } });
    const fresh = { noCache: true };
    for (const [service, call] of [
      ["glossaries", () => api.glossaries.getGlossaries({}, fresh)],
      ["data-connections", () => api.dataConnections.getDataConnections({}, fresh)],
      ["automations", () => api.automations.getAutomations({}, fresh)],
    ]) {
      const err = await expectHttpError(call(), 429);
      assertQlik429(err);
      assertServiceErrorBody(service, err.data, 429);
      assert.deepEqual(Object.keys(err.data), ["errors"], `${service}: exactly the documented body`);
    }
    for (const [service, call] of [
      ["themes", () => api.themes.getThemes(fresh)],
      ["extensions", () => api.extensions.getExtensions(fresh)],
    ]) {
      let err;
      try {
        await call();
        assert.fail(`${service}: expected 429`);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        err = e;
      }
      assert.equal(err.status, 429);
      assert.match(String(err.headers.get("retry-after")), /^\d+$/);
      assertServiceErrorBody(service, err.data, 429);
      assert.equal(err.data.code, "HTTP-429");
      assert.equal(err.data.title, "API rate limit reached.");
      assert.match(err.data.meta.message, /^You need to wait \d+ seconds until limit is lifted\.$/);
    }
  });
});
