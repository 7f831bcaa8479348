// OAuth clients (/api/v1/oauth-clients) through @qlik/api's oauth-clients
// module: list (next/prev cursor, filter, totalResults), create returning the
// generated clientSecret once, get and list never returning it, JSON Patch
// (204, or 202 with a new secret), client secrets (max 5, 409), publish,
// connection config, delete with qlik-confirm-delete, and the errors[] body
// without traceId.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, quietly, rawGet, expectHttpError, collectPages, assertPaging } from "./lib.mjs";

const SEED_SECRET = "seed-oauth-secret-91c2";
const confirm = (id) => ({ headers: { "qlik-confirm-delete": id } });

const created = [];
after(async () => {
  for (const id of created) await quietly(() => api.oauthClients.deleteOAuthClient(id, confirm(id)));
});

const oc = api.oauthClients;

async function expectOAuthError(promise, status) {
  const err = await expectHttpError(promise, status);
  assert.equal(err.data.traceId, undefined, "oauth-clients errors carry no traceId");
  return err;
}

async function createWeb(extra = {}) {
  const r = await oc.createOAuthClient({ appType: "web", clientName: uniqueName("m2m"), allowedGrantTypes: ["client_credentials"], ...extra });
  assert.equal(r.status, 201);
  created.push(r.data.clientId);
  return r;
}

describe("oauth-clients", () => {
  it("lists the seeded clients without any secret", async () => {
    const r = await oc.getOAuthClients({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    assert.ok(!JSON.stringify(r.data).includes(SEED_SECRET), "the list never holds a secret");
    const bot = r.data.data.find((c) => c.clientName === "Nightly Export Bot");
    const spa = r.data.data.find((c) => c.clientName === "Sales Portal");
    assert.ok(bot && spa, "both seeded clients are listed");
    assert.equal(bot.appType, "web");
    assert.deepEqual(bot.allowedGrantTypes, ["client_credentials"]);
    assert.deepEqual(bot.clientSecrets.map((s) => s.hint), ["91c2"], "only the hint of the seeded secret");
    assert.equal(bot.clientSecret, undefined);
    assert.equal(spa.appType, "spa");
    assert.deepEqual(spa.allowedOrigins, ["https://portal.example.com"]);
    assert.equal(spa.redirectUris.length, 2);
    assert.equal(spa.connectionConfig.consentMethod, "trusted");
  });

  it("pages with next/prev, filters by appType and counts with totalResults", async () => {
    for (let i = 0; i < 2; i++) await createWeb();
    const first = await oc.getOAuthClients({ limit: 2, totalResults: true }, fresh);
    const pages = await collectPages(first);
    const ids = assertPaging(pages, 2, { itemsOf: (p) => p.data.data.map((c) => ({ id: c.clientId })) });
    assert.equal(first.data.totalResults, ids.length);
    const spas = await oc.getOAuthClients({ filter: 'appType eq "spa"' }, fresh);
    assert.ok(spas.data.data.length >= 1);
    assert.ok(spas.data.data.every((c) => c.appType === "spa"));
    assert.equal(spas.data.totalResults, undefined, "no count unless asked");
  });

  it("returns a generated clientSecret once, on create; GET and list never do", async () => {
    const c = await createWeb({ description: "conformance", allowedScopes: ["user_default"] });
    const { clientId, clientSecret } = c.data;
    assert.equal(typeof clientSecret, "string");
    assert.equal(clientSecret.length, 64);
    assert.deepEqual(c.data.allowedAuthMethods, ["client_secret"]);
    assert.deepEqual(c.data.clientSecrets.map((s) => s.hint), [clientSecret.slice(-4)]);
    const g = await oc.getOAuthClient(clientId, fresh);
    assert.equal(g.status, 200);
    assert.equal(g.data.clientSecret, undefined, "GET does not return the secret");
    assert.ok(!JSON.stringify(g.data).includes(clientSecret));
    const l = await oc.getOAuthClients({ limit: 100 }, fresh);
    assert.ok(!JSON.stringify(l.data).includes(clientSecret), "the list does not return it either");
    const raw = await rawGet(`/api/v1/oauth-clients/${clientId}`);
    assert.ok(!JSON.stringify(raw.body).includes(clientSecret));
  });

  it("creates a public SPA client: no secret", async () => {
    const r = await oc.createOAuthClient({
      appType: "spa", clientName: uniqueName("spa"),
      redirectUris: ["https://app.example.com/callback"], allowedOrigins: ["https://app.example.com"],
    });
    created.push(r.data.clientId);
    assert.equal(r.data.clientSecret, "");
    assert.deepEqual(r.data.clientSecrets, []);
    await expectOAuthError(oc.createOAuthClientSecret(r.data.clientId), 400);
  });

  it("adds secrets up to 5 (then 409) and deletes one by hint", async () => {
    const c = await createWeb();
    const id = c.data.clientId;
    const extra = [];
    for (let i = 0; i < 4; i++) {
      const s = await oc.createOAuthClientSecret(id);
      assert.equal(s.status, 201);
      assert.equal(s.data.clientId, id);
      assert.equal(s.data.clientSecret.length, 64);
      extra.push(s.data);
    }
    await expectOAuthError(oc.createOAuthClientSecret(id), 409);
    const g = await oc.getOAuthClient(id, fresh);
    assert.equal(g.data.clientSecrets.length, 5);
    for (const s of extra) assert.ok(!JSON.stringify(g.data).includes(s.clientSecret));
    const del = await oc.deleteOAuthClientSecret(id, extra[0].hint);
    assert.equal(del.status, 204);
    await expectOAuthError(oc.deleteOAuthClientSecret(id, extra[0].hint), 404);
    assert.equal((await oc.getOAuthClient(id, fresh)).data.clientSecrets.length, 4);
  });

  it("patches fields (204); enabling client_secret answers 202 with a new secret once", async () => {
    const c = await createWeb({ allowedAuthMethods: ["private_key_jwt"], jwksUri: "https://keys.example.com/jwks.json" });
    const id = c.data.clientId;
    assert.equal(c.data.clientSecret, "");
    const name = uniqueName("renamed");
    const p = await oc.patchOAuthClient(id, [
      { op: "replace", path: "/clientName", value: name },
      { op: "replace", path: "/redirectUris", value: ["https://svc.example.com/cb"] },
    ]);
    assert.equal(p.status, 204);
    const g = await oc.getOAuthClient(id, fresh);
    assert.equal(g.data.clientName, name);
    assert.deepEqual(g.data.redirectUris, ["https://svc.example.com/cb"]);
    const p2 = await oc.patchOAuthClient(id, [{ op: "add", path: "/allowedAuthMethods", value: "client_secret" }]);
    assert.equal(p2.status, 202);
    assert.equal(p2.data.clientSecret.length, 64);
    assert.ok(!JSON.stringify((await oc.getOAuthClient(id, fresh)).data).includes(p2.data.clientSecret));
    await expectOAuthError(oc.patchOAuthClient(id, [{ op: "replace", path: "/appType", value: "spa" }]), 400);
  });

  it("publishes and sets the connection config", async () => {
    const c = await createWeb();
    const id = c.data.clientId;
    const pub = await oc.publishOAuthClient(id);
    assert.equal(pub.status, 201);
    assert.equal(typeof pub.data.publishedAt, "string");
    const cc = await oc.getOAuthClientConnectionConfig(id, fresh);
    assert.equal(cc.data.consentMethod, "required");
    const p = await oc.patchOAuthClientConnectionConfig(id, [{ op: "replace", path: "/consentMethod", value: "trusted" }]);
    assert.equal(p.status, 204);
    assert.equal((await oc.getOAuthClientConnectionConfig(id, fresh)).data.consentMethod, "trusted");
    assert.equal((await oc.deleteOAuthClientConnectionConfig(id)).status, 204);
    await expectOAuthError(oc.getOAuthClientConnectionConfig(id, fresh), 404);
  });

  it("refuses bad input (400) and unknown ids (404); delete needs qlik-confirm-delete", async () => {
    await expectOAuthError(oc.createOAuthClient({ appType: "confidential", clientName: "x" }), 400);
    await expectOAuthError(oc.createOAuthClient({ appType: "web", clientName: "x", allowedOrigins: ["https://a.example.com"] }), 400);
    await expectOAuthError(oc.getOAuthClient("0123456789abcdef0123456789abcdef", fresh), 404);
    const c = await oc.createOAuthClient({ appType: "native", clientName: uniqueName("native"), redirectUris: ["com.example.app:/cb"] });
    const id = c.data.clientId;
    await expectOAuthError(oc.deleteOAuthClient(id), 400);
    const del = await oc.deleteOAuthClient(id, confirm(id));
    assert.equal(del.status, 204);
    await expectOAuthError(oc.getOAuthClient(id, fresh), 404);
  });
});
