package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func TestConformanceReloadTasks(t *testing.T) {
	kindtest.Run(t, kinds.ReloadTasks, reloadTasksFixture)
}
func TestConformanceLegacyReloadTasks(t *testing.T) {
	kindtest.Run(t, kinds.ReloadTasks, legacyReloadTasksFixture)
}

func reloadTaskDoc(name string, s spec) resource.Document {
	d := resource.New("ReloadTask", name, "", s)
	d.Metadata.Space = "Finance"
	return d
}

// A schedule of the tasks API: a cron expression in a time zone.
var reloadTasksFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: reloadTaskDoc("Cash Flow/cash-morning", spec{"enabled": true, "description": "Before the treasury call.",
		"schedule": spec{"cron": "30 6 * * 1-5", "timeZone": "Europe/Paris", "startDateTime": "2026-03-02T06:30:00"}}),
	Modified: reloadTaskDoc("Cash Flow/cash-morning", spec{"enabled": false, "partial": true,
		"schedule": spec{"interval": "PT4H", "timeZone": "UTC"}}),
	FailPaths: []string{"/api/v1/tasks", "/api/v1/reload-tasks"},
}

// A schedule of the deprecated reload-tasks API: RRULE lines only.
var legacyReloadTasksFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: reloadTaskDoc("Cash Flow/scheduled-reload", spec{"enabled": true,
		"schedule": spec{"recurrence": list{"RRULE:FREQ=DAILY;INTERVAL=1;BYHOUR=5;BYMINUTE=0;BYSECOND=0"}, "timeZone": "Europe/Oslo",
			"startDateTime": "2026-03-02T05:00:00"}}),
	Modified: reloadTaskDoc("Cash Flow/scheduled-reload", spec{"enabled": false, "partial": true,
		"schedule": spec{"recurrence": list{"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU;BYHOUR=13;BYMINUTE=17;BYSECOND=0"}, "timeZone": "Europe/Oslo"}}),
	FailPaths: []string{"/api/v1/reload-tasks"},
}
