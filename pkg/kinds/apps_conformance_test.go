package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
	simapps "github.com/qlikops/qlikops/pkg/sim/services/apps"
)

const (
	appName   = "Conformance Forecast"
	appScript = "///$tab Main\r\nLIB CONNECT TO 'Finance:Finance Snowflake';\r\nForecast:\r\nSQL SELECT * FROM FINANCE.FC.LINES;\r\n"
	// appScript2 changes one line of appScript.
	appScript2 = "///$tab Main\r\nLIB CONNECT TO 'Finance:Finance Snowflake';\r\nForecast:\r\nSQL SELECT * FROM FINANCE.FC.LINES_V2;\r\n"
)

// appDoc is an app document as Read returns it: its side files are the
// script and the app file qliksim exports for it.
func appDoc(space, desc, owner, script string) resource.Document {
	d := inSpace(resource.New("App", appName, "", spec{
		"description":     desc,
		"owner":           owner,
		"usage":           "ANALYTICS",
		"dataConnections": list{map[string]any{"space": "Finance", "name": "Finance Snowflake"}},
	}), space)
	d.Files = map[string][]byte{"script.qvs": []byte(script), "app.qvf": simapps.AppFile(appName, desc, "ANALYTICS", script)}
	return d
}

var appsFixture = kindtest.Fixture{
	Seed:     demoSeed,
	New:      appDoc("Finance", "Rolling forecast.", "user:jane.doe@example.com", appScript),
	Modified: appDoc("Finance", "Rolling forecast, v2 lines.", "user:bob.smith@example.com", appScript2),
	// Content beyond the script (a sheet) cannot be written in place: the
	// handler must say so, not succeed silently.
	Partial: []resource.Document{func() resource.Document {
		d := appDoc("Finance", "Rolling forecast.", "user:jane.doe@example.com", appScript)
		d.Files["app.qvf"] = append([]byte(nil), d.Files["app.qvf"]...)
		d.Files["app.qvf"][len(d.Files["app.qvf"])-1] ^= 1
		return d
	}()},
	Twin:      ptr(appDoc("Sales Analytics", "The twin.", "user:carol.white@example.com", appScript)),
	FailPaths: []string{"/api/v1/items", "/api/v1/apps/*/scripts/current", "/api/v1/temp-contents/*", "/api/v1/spaces"},
}

func TestConformanceApps(t *testing.T) { kindtest.Run(t, kinds.Apps, appsFixture) }
