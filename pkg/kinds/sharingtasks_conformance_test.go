package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func TestConformanceSharingTasks(t *testing.T) {
	kindtest.Run(t, kinds.SharingTasks, sharingTasksFixture)
}
func TestConformanceSheetSharingTasks(t *testing.T) {
	kindtest.Run(t, kinds.SharingTasks, sheetSharingTasksFixture)
}

func sharingTaskDoc(name string, s spec) resource.Document {
	return resource.New("SharingTask", name, "", s)
}

// A subscription to the demo's report template; the modified one changes
// what PATCH covers: recipients (a group, which the create body cannot
// carry, is patched in), schedule, enabled, tags.
var sharingTasksFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: sharingTaskDoc("P&L weekly", spec{"type": "template-sharing", "enabled": true,
		"app":       spec{"space": "Finance", "name": "Profit and Loss"},
		"templates": list{spec{"type": "excel", "reportTemplate": "Monthly P&L pack", "fileName": "pnl"}},
		"recipients": spec{"users": list{"bob.smith@example.com"}, "groups": list{"Executives"},
			"emails": list{"cfo@example.com"}},
		"schedule":     spec{"recurrence": list{"RRULE:FREQ=WEEKLY;BYDAY=MO"}, "timeZone": "Europe/Paris", "startDateTime": "2026-03-02T07:00:00"},
		"emailContent": spec{"subject": "P&L", "body": "Attached."},
		"state":        spec{"selections": list{}}, "transportChannels": list{"email"}}),
	Modified: sharingTaskDoc("P&L weekly", spec{"type": "template-sharing", "enabled": false, "tags": list{"finance"},
		"app":          spec{"space": "Finance", "name": "Profit and Loss"},
		"templates":    list{spec{"type": "excel", "reportTemplate": "Monthly P&L pack", "fileName": "pnl-weekly"}},
		"recipients":   spec{"groups": list{"Executives", "Finance Analysts"}},
		"schedule":     spec{"recurrence": list{"RRULE:FREQ=WEEKLY;BYDAY=FR"}, "timeZone": "Europe/Paris"},
		"emailContent": spec{"subject": "P&L", "body": "Attached."},
		"state":        spec{"selections": list{}}, "transportChannels": list{"email"}}),
	FailPaths: []string{"/api/v1/sharing-tasks"},
}

// A sheet shared on a schedule; the modified one changes the sheet data
// (patched in /templates, with the app id put back) and a recipient.
var sheetSharingTasksFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: sharingTaskDoc("Cash sheet", spec{"type": "sheet-sharing", "enabled": true,
		"app":        spec{"space": "Finance", "name": "Cash Flow"},
		"templates":  list{spec{"type": "sheet", "sheetData": spec{"sheetId": "s-cash", "widthPx": 1584}}},
		"recipients": spec{"users": list{"jane.doe@example.com"}},
		"state":      spec{"selections": list{spec{"name": "Country", "values": list{"Germany"}, "isNumeric": false, "stateName": "$"}}}}),
	Modified: sharingTaskDoc("Cash sheet", spec{"type": "sheet-sharing", "enabled": true,
		"app":        spec{"space": "Finance", "name": "Cash Flow"},
		"templates":  list{spec{"type": "sheet", "sheetData": spec{"sheetId": "s-cash", "widthPx": 800}}},
		"recipients": spec{"users": list{"carol.white@example.com", "jane.doe@example.com"}},
		"state":      spec{"selections": list{spec{"name": "Country", "values": list{"Germany"}, "isNumeric": false, "stateName": "$"}}}}),
	FailPaths: []string{"/api/v1/sharing-tasks"},
}

// A task exported without its app, or a template-sharing task without its
// report template, is reported as not recreatable instead of planned.
func TestSharingTaskCannotRecreate(t *testing.T) {
	reg := kinds.Default()
	ok := sharingTasksFixture.New
	if why := reg.CannotRecreate(ok); why != "" {
		t.Errorf("a whole task: %q", why)
	}
	noApp := sharingTaskDoc("x", spec{"type": "chart-sharing", "enabled": true, "templates": list{spec{"type": "chart"}}, "recipients": spec{}})
	if why := reg.CannotRecreate(noApp); why == "" {
		t.Error("a task without its app is recreatable")
	}
	noTemplate := sharingTaskDoc("y", spec{"type": "template-sharing", "enabled": true, "app": spec{"space": "Finance", "name": "Cash Flow"},
		"templates": list{spec{"type": "excel"}}, "recipients": spec{}})
	if why := reg.CannotRecreate(noTemplate); why == "" {
		t.Error("a template-sharing task without its report template is recreatable")
	}
}
