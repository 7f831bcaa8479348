// Identity providers (/api/v1/identity-providers) through @qlik/api's
// identityProviders module: the seeded providers beside the built-in ones, the
// clientSecret never in clear (options and pendingOptions), create (201) for
// OIDC and jwtAuth, get, PATCH replace (204) of the claims mapping, delete
// (204), status and me/meta; 400 for a second active interactive provider and
// for deleting the active interactive one, 404 for an unknown id.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, uniqueName, expectHttpError, quietly, UNKNOWN_ID } from "./lib.mjs";

const idp = api.identityProviders;
const created = [];
after(async () => {
  for (const id of created) await quietly(() => idp.deleteIdp(id));
});

async function all() {
  const r = await idp.getIdps({ limit: 100 }, fresh);
  assert.equal(r.status, 200);
  return r.data.data;
}

describe("identity providers", () => {
  it("lists the seeded providers and the built-in ones, secrets masked", async () => {
    const list = await all();
    assert.ok(list.find((p) => p.provider === "qlik" && p.protocol === "OIDC"), "Qlik Account listed");
    const okta = list.find((p) => p.description === "Okta");
    assert.equal(okta.active, true);
    assert.equal(okta.options.clientSecret, "********");
    assert.equal(okta.pendingOptions.clientSecret, "********");
    assert.ok(!JSON.stringify(list).includes("seed-idp-"), "no client secret in clear");
    const saml = list.find((p) => p.protocol === "SAML");
    assert.match(saml.options.certificates[0].certificate, /^-----BEGIN CERTIFICATE-----\n/);
    const jwt = list.find((p) => p.protocol === "jwtAuth");
    assert.match(jwt.options.staticKeys[0].pem, /^-----BEGIN PUBLIC KEY-----\n/);
    const inactive = await idp.getIdps({ active: false }, fresh);
    assert.ok(inactive.data.data.every((p) => p.active === false));
    const st = await idp.getIdpStatuses(fresh);
    assert.equal(st.data.active_interactive_idps_count, 1);
    const me = await idp.getMyIdpMeta(fresh);
    assert.equal(me.status, 200);
    assert.equal(me.data.userPortalLink, undefined, "no portal link while a custom interactive provider is active");
  });

  it("creates, gets, patches and deletes OIDC and jwtAuth providers", async () => {
    const o = await idp.createIdp({
      protocol: "OIDC", provider: "keycloak", interactive: true, skipVerify: true, active: false,
      description: uniqueName("kc"),
      options: { clientId: "qlik", clientSecret: "conf-secret", claimsMapping: { sub: ["/sub"] } },
    });
    assert.equal(o.status, 201);
    created.push(o.data.id);
    assert.equal(o.data.options.clientSecret, "********");
    const p = await idp.patchIdp(o.data.id, [{ op: "replace", path: "/options/claimsMapping", value: { sub: ["/uid"] } }]);
    assert.equal(p.status, 204);
    const g = await idp.getIdp(o.data.id, fresh);
    assert.deepEqual(g.data.options.claimsMapping.sub, ["/uid"]);
    const j = await idp.createIdp({
      protocol: "jwtAuth", provider: "external", description: uniqueName("jwt"),
      options: { issuer: "https://conf.example.com", staticKeys: [{ kid: "k1", pem: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n" }] },
    });
    assert.equal(j.status, 201);
    assert.equal(j.data.active, true);
    for (const id of [o.data.id, j.data.id]) {
      const d = await idp.deleteIdp(id);
      assert.equal(d.status, 204);
      await expectHttpError(idp.getIdp(id, fresh), 404);
    }
  });

  it("400 for a second active interactive provider and for deleting the active one", async () => {
    await expectHttpError(idp.createIdp({
      protocol: "OIDC", provider: "auth0", interactive: true, skipVerify: true, description: uniqueName("a0"),
      options: { clientId: "x", clientSecret: "y", claimsMapping: { sub: ["/sub"] } },
    }), 400);
    const okta = (await all()).find((p) => p.description === "Okta");
    await expectHttpError(idp.deleteIdp(okta.id), 400);
    await expectHttpError(idp.getIdp(UNKNOWN_ID, fresh), 404);
  });
});
