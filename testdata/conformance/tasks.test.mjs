// Reload schedules through @qlik/api: the tasks API /api/v1/tasks (tasks.js: getTasks with
// paging and the resourceId filter, createTask 201, getTask, updateTask PUT
// 200, deleteTask 204; a task is one EVENT state running app.reload) and the
// deprecated reload-tasks API /api/v1/reload-tasks (reload-tasks.js: getReloadTasks, createReloadTask
// 201, getReloadTask, updateReloadTask PUT 200 with state, deleteReloadTask
// 204). Errors: tasks answer errors[{code (a number), title, context}] and a
// traceId; reload-tasks errors[{code, title, detail}] and a traceId.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { api, fresh, quietly, expectHttpError, collectPages, assertPaging, UNKNOWN_ID } from "./lib.mjs";

const createdTasks = [];
const createdReloadTasks = [];
after(async () => {
  for (const id of createdTasks) await quietly(() => api.tasks.deleteTask(id));
  for (const id of createdReloadTasks) await quietly(() => api.reloadTasks.deleteReloadTask(id));
});

// appId finds an app by name, and by space when the name is not unique
// (Pipeline Review has a published copy in Executive Dashboards).
async function appId(name, space) {
  const query = { resourceType: "app", name, limit: 100 };
  if (space) {
    const s = await api.spaces.getSpaces({ name: space, limit: 100 }, fresh);
    assert.equal(s.data.data.length, 1, `one space named ${space}`);
    query.spaceId = s.data.data[0].id;
  }
  const r = await api.items.getItems(query, fresh);
  assert.equal(r.data.data.length, 1, `one app named ${name}${space ? " in " + space : ""}`);
  return r.data.data[0].resourceId;
}

// The tasks API's errors: errors[HttpResult{code: the status as a number,
// title, context}] and a traceId (spec ErrorResponse_2).
async function expectTasksError(promise, status) {
  let err;
  try {
    const r = await promise;
    assert.fail(`expected HTTP ${status}, got ${r?.status}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  assert.equal(err.status, status);
  assert.equal(err.data.errors[0].code, status, JSON.stringify(err.data));
  assert.equal(typeof err.data.errors[0].title, "string");
  assert.equal(typeof err.data.traceId, "string");
  return err;
}

function reloadTask(name, app, cron) {
  return {
    name, specVersion: "0.8", version: "1.0.0", enabled: true,
    start: { schedule: { cron, timezone: "UTC" } },
    states: [{ name: "reload", type: "EVENT", end: true, onEvents: [{ eventRefs: ["schedule"],
      actions: [{ name: "reload-app", functionRef: { refName: "app.reload", arguments: { appId: app, partial: false } } }] }] }],
  };
}

describe("tasks", () => {
  it("lists the seeded schedule with its app, cron and time zone", async () => {
    const r = await api.tasks.getTasks({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const t = r.data.data.find((x) => x.name === "nightly-reload");
    assert.ok(t, "seeded task listed");
    assert.equal(t.resourceId, await appId("Profit and Loss"));
    assert.equal(t.start.schedule.cron, "0 2 * * 1-5");
    assert.equal(t.start.schedule.timezone, "Europe/London");
    assert.equal(t.enabled, true);
    assert.equal(typeof t.metadata.ownerId, "string");
  });

  it("creates (201), pages, filters by resourceId, gets, replaces (200) and deletes (204)", async () => {
    const cash = await appId("Cash Flow");
    for (const n of ["conf-a", "conf-b"]) {
      const c = await api.tasks.createTask({}, reloadTask(n, cash, "0 5 * * *"));
      assert.equal(c.status, 201);
      assert.equal(c.data.resourceId, cash);
      createdTasks.push(c.data.id);
    }
    const pages = await collectPages(await api.tasks.getTasks({ limit: 1 }, fresh));
    const ids = assertPaging(pages, 1);
    for (const id of createdTasks) assert.ok(ids.includes(id));
    const byApp = await api.tasks.getTasks({ resourceId: cash }, fresh);
    assert.deepEqual(byApp.data.data.map((t) => t.id).sort(), [...createdTasks].sort());
    const id = createdTasks[0];
    assert.equal((await api.tasks.getTask(id, fresh)).data.name, "conf-a");
    const body = reloadTask("conf-a", cash, "15 5 * * *");
    body.enabled = false;
    const u = await api.tasks.updateTask(id, body);
    assert.equal(u.status, 200);
    assert.equal(u.data.enabled, false);
    assert.equal(u.data.start.schedule.cron, "15 5 * * *");
    assert.equal((await api.tasks.deleteTask(id)).status, 204);
    createdTasks.shift();
    await expectTasksError(api.tasks.getTask(id, fresh), 404);
  });

  it("refuses a name outside the kebab pattern and a task of no app (400)", async () => {
    const cash = await appId("Cash Flow");
    await expectTasksError(api.tasks.createTask({}, reloadTask("Not Kebab", cash, "0 1 * * *")), 400);
    await expectTasksError(api.tasks.createTask({}, reloadTask("orphan", UNKNOWN_ID, "0 1 * * *")), 400);
  });
});

describe("reload-tasks (deprecated)", () => {
  it("lists the seeded RRULE schedule", async () => {
    const r = await api.reloadTasks.getReloadTasks({ limit: 100 }, fresh);
    assert.equal(r.status, 200);
    const t = r.data.data.find((x) => x.timeZone === "America/New_York");
    assert.ok(t, "seeded reload task listed");
    assert.equal(t.appId, await appId("Pipeline Review", "Sales Analytics"));
    assert.deepEqual(t.recurrence, ["RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;BYHOUR=7;BYMINUTE=30;BYSECOND=0"]);
    assert.equal(t.state, "Enabled");
    assert.equal(typeof t.links.self.href, "string");
  });

  it("creates (201), gets, disables with PUT (200) and deletes (204)", async () => {
    const cash = await appId("Cash Flow");
    const body = { appId: cash, timeZone: "Europe/Oslo", recurrence: ["RRULE:FREQ=DAILY;BYHOUR=5"], startDateTime: "2026-03-02T05:00:00" };
    const c = await api.reloadTasks.createReloadTask(body);
    assert.equal(c.status, 201);
    assert.equal(c.data.state, "Enabled");
    createdReloadTasks.push(c.data.id);
    assert.equal((await api.reloadTasks.getReloadTask(c.data.id, fresh)).data.appId, cash);
    const u = await api.reloadTasks.updateReloadTask(c.data.id, { ...body, state: "Disabled" });
    assert.equal(u.status, 200);
    assert.equal(u.data.state, "Disabled");
    assert.equal((await api.reloadTasks.deleteReloadTask(c.data.id)).status, 204);
    createdReloadTasks.pop();
    const gone = await expectHttpError(api.reloadTasks.getReloadTask(c.data.id, fresh), 404);
    assert.equal(typeof gone.data.errors[0].code, "string");
    await expectHttpError(api.reloadTasks.createReloadTask({ appId: cash }), 400);
  });
});
