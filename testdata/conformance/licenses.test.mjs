// Licence assignments (/api/v1/licenses/assignments) and the licence overview
// through @qlik/api's licenses module: page-cursor paging with next(), filter
// and sort; the add, update and delete actions (207, one status per entry,
// seats counted per type: 403 LICENSES-011 when none is left, 404
// LICENSES-016 for no such assignment); GET /api/v1/licenses/overview (units used follow the
// assignments) and status; 400 in the licenses error shape (errors, error,
// message; no traceId).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, collectPages, expectHttpError, quietly } from "./lib.mjs";

const l = api.licenses;
const added = [];
after(async () => {
  for (const subject of added) await quietly(() => l.deleteLicenseAssignments({ delete: [{ subject }] }));
});

async function seats(name) {
  const ov = await l.getLicenseOverview(fresh);
  assert.equal(ov.status, 200);
  const a = ov.data.allotments.find((x) => x.name === name);
  assert.ok(a, `allotment ${name} in ${JSON.stringify(ov.data.allotments)}`);
  return a;
}

describe("licences", () => {
  it("lists the seeded assignments, pages with limit 2 through next(), filters and sorts", async () => {
    const all = await l.getLicenseAssignments({ limit: 100 }, fresh);
    assert.equal(all.status, 200);
    const admin = all.data.data.find((a) => a.subject === "auth0|admin");
    assert.deepEqual({ type: admin.type, excess: admin.excess }, { type: "professional", excess: false });
    assert.equal(typeof admin.created, "string");
    const pages = await collectPages(await l.getLicenseAssignments({ limit: 2, sort: "+subject" }, fresh));
    const subjects = pages.flatMap((p) => p.data.data.map((a) => a.subject));
    assert.deepEqual(subjects, all.data.data.map((a) => a.subject).sort());
    for (const p of pages.slice(0, -1)) assert.equal(p.data.data.length, 2);
    const pro = await l.getLicenseAssignments({ filter: 'type eq "professional"', limit: 100 }, fresh);
    assert.ok(pro.data.data.length >= 3 && pro.data.data.every((a) => a.type === "professional"));
  });

  it("the overview counts units used per type, and the status answers", async () => {
    const all = await l.getLicenseAssignments({ limit: 100 }, fresh);
    const pro = await seats("professional");
    assert.equal(pro.units, 5);
    assert.equal(pro.usageClass, "assigned");
    assert.equal(pro.unitsUsed, all.data.data.filter((a) => a.type === "professional").length);
    const ov = await l.getLicenseOverview(fresh);
    assert.equal(ov.data.licenseNumber, "9999000000001204");
    const st = await l.getLicenseStatus(fresh);
    assert.equal(st.status, 200);
    assert.equal(st.data.status, "Ok");
  });

  it("add, update and delete answer 207 entry by entry, within the seats", async () => {
    const pro = await seats("professional");
    const free = pro.units - pro.unitsUsed;
    const want = ["auth0|henry.king", "auth0|jack.moore", "auth0|karen.nash", "auth0|mia.perez"].slice(0, free + 1);
    const r = await l.addLicenseAssignments({ add: want.map((subject) => ({ subject, type: "professional" })) });
    assert.equal(r.status, 207);
    const statuses = r.data.data.map((d) => d.status);
    for (const d of r.data.data) if (d.status === 201) added.push(d.subject);
    assert.deepEqual(statuses, [...Array(free).fill(201), 403]);
    const last = r.data.data.at(-1);
    assert.equal(last.code, "LICENSES-011");
    assert.equal(typeof last.title, "string");
    assert.equal((await seats("professional")).unitsUsed, pro.units);

    // Moving one out of professional frees the seat the refused one gets.
    const moved = added[0];
    const up = await l.updateLicenseAssignments({ update: [{ subject: moved, sourceType: "professional", type: "analyzer" }] });
    assert.deepEqual(up.data.data.map((d) => [d.status, d.type, d.sourceType]), [[200, "analyzer", "professional"]]);
    const again = await l.addLicenseAssignments({ add: [{ subject: last.subject, type: "professional" }] });
    assert.equal(again.data.data[0].status, 201);
    added.push(last.subject);
    const missing = await l.updateLicenseAssignments({ update: [{ subject: "auth0|nobody", sourceType: "analyzer", type: "professional" }] });
    assert.equal(missing.data.data[0].status, 404);
    assert.equal(missing.data.data[0].code, "LICENSES-016");

    const del = await l.deleteLicenseAssignments({ delete: added.map((subject) => ({ subject })) });
    assert.equal(del.status, 207);
    assert.ok(del.data.data.every((d) => d.status === 200), JSON.stringify(del.data));
    added.length = 0;
    assert.equal((await seats("professional")).unitsUsed, pro.unitsUsed);
  });

  it("refuses a bad query or body with 400 in the licenses error shape", async () => {
    const e = await expectHttpError(l.getLicenseAssignments({ limit: 101 }), 400);
    assert.equal(typeof e.data.message, "string", "licence errors keep the deprecated message");
    assert.equal(e.data.traceId, undefined);
    await expectHttpError(l.addLicenseAssignments({ add: [{ type: "analyzer" }] }), 400);
  });
});
