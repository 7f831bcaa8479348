// Package tasks serves Qlik's reload schedules: the tasks API
// (/api/v1/tasks, a task whose state runs app.reload on a schedule) and the
// deprecated reload-tasks API (/api/v1/reload-tasks, RRULE recurrence
// lines), both on the core's generic handler. A task names its app by id;
// a task whose app is deleted goes with it (Qlik removes an app's
// schedules with the app; a guess for the recycle bin, which then restores
// the app without them). Seeded from tasks.yaml.
//
// It registers itself with pkg/sim through its Service value.
package tasks
