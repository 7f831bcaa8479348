package apps_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// appItems lists every app item, following links.next, with the query q.
func appItems(t *testing.T, e *simtest.Env, q string) []map[string]any {
	t.Helper()
	var out []map[string]any
	next := "/api/v1/items?resourceType=app&limit=2" + q
	for i := 0; next != "" && i < 50; i++ {
		page := e.Must(200, e.Do("GET", next, nil))
		for _, d := range simtest.List(page, "data") {
			out = append(out, d.(map[string]any))
		}
		next = ""
		if l, ok := page["links"].(map[string]any)["next"].(map[string]any); ok {
			next = simtest.Str(l["href"])
		}
	}
	return out
}

func itemByName(t *testing.T, e *simtest.Env, name string) map[string]any {
	t.Helper()
	for _, it := range appItems(t, e, "") {
		if it["name"] == name {
			return it
		}
	}
	t.Fatalf("no app item %q", name)
	return nil
}

func names(items []map[string]any) string {
	var n []string
	for _, it := range items {
		n = append(n, simtest.Str(it["name"]))
	}
	return strings.Join(n, ", ")
}

func TestSeededAppsListedAsItems(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	all := appItems(t, e, "")
	if got := names(all); got != "Profit and Loss, Cash Flow, Pipeline Review, Pipeline Review, Board Pack, Scratch Analysis" {
		t.Fatalf("apps in creation order = %s", got)
	}
	pnl := all[0]
	if pnl["resourceType"] != "app" || pnl["resourceId"] == pnl["id"] || pnl["spaceId"] != e.SpaceID("Finance") ||
		pnl["resourceCreatedAt"] == nil || pnl["updatedAt"] == nil {
		t.Errorf("item = %v", pnl)
	}
	attrs := pnl["resourceAttributes"].(map[string]any)
	if attrs["id"] != pnl["resourceId"] || attrs["modifiedDate"] == nil || attrs["usage"] != "ANALYTICS" {
		t.Errorf("resourceAttributes = %v", attrs)
	}
	if got := names(appItems(t, e, "&spaceId="+e.SpaceID("Finance"))); got != "Profit and Loss, Cash Flow" {
		t.Errorf("Finance apps = %s", got)
	}
	if got := names(appItems(t, e, "&spaceId=personal")); got != "Scratch Analysis" {
		t.Errorf("personal apps = %s", got)
	}
	if got := names(appItems(t, e, "&sort=-name")); got != "Scratch Analysis, Profit and Loss, Pipeline Review, Pipeline Review, Cash Flow, Board Pack" {
		t.Errorf("by -name = %s", got)
	}
	if got := names(appItems(t, e, "&query=cash")); got != "Cash Flow" {
		t.Errorf("query=cash = %s", got)
	}
	if l := simtest.List(e.Must(200, e.Do("GET", "/api/v1/items?resourceType=automation", nil)), "data"); len(l) != 0 {
		t.Errorf("automation items = %v", l)
	}
	for _, bad := range []string{"resourceType=spaceship", "limit=0", "limit=101", "sort=size", "next=a&prev=b", "next=%25%25"} {
		e.Must(400, e.Do("GET", "/api/v1/items?"+bad, nil))
	}
}

func TestAppCRUDOwnerAndSpace(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	finance, sales := e.SpaceID("Finance"), e.SpaceID("Sales Analytics")
	c := e.Must(200, e.Do("POST", "/api/v1/apps", map[string]any{"attributes": map[string]any{
		"name": "Budget", "description": "FY budget", "spaceId": finance}}))
	attrs := c["attributes"].(map[string]any)
	id := simtest.Str(attrs["id"])
	if attrs["name"] != "Budget" || attrs["spaceId"] != finance || attrs["usage"] != "ANALYTICS" {
		t.Fatalf("created = %v", attrs)
	}
	got := e.Must(200, e.Do("GET", "/api/v1/apps/"+id, nil))["attributes"].(map[string]any)
	if got["description"] != "FY budget" {
		t.Errorf("get = %v", got)
	}
	// PUT changes only what it names.
	put := e.Must(200, e.Do("PUT", "/api/v1/apps/"+id, map[string]any{"attributes": map[string]any{"name": "Budget FY27"}}))
	if a := put["attributes"].(map[string]any); a["name"] != "Budget FY27" || a["description"] != "FY budget" {
		t.Errorf("put = %v", a)
	}
	bob := ""
	for _, u := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/users?email=bob.smith@example.com", nil)), "data") {
		bob = simtest.Str(u.(map[string]any)["id"])
	}
	o := e.Must(200, e.Do("PUT", "/api/v1/apps/"+id+"/owner", map[string]any{"ownerId": bob}))
	if o["attributes"].(map[string]any)["ownerId"] != bob || bob == "" {
		t.Errorf("owner = %v (bob %q)", o["attributes"], bob)
	}
	e.Must(404, e.Do("PUT", "/api/v1/apps/"+id+"/owner", map[string]any{"ownerId": "nobody"}))
	m := e.Must(200, e.Do("PUT", "/api/v1/apps/"+id+"/space", map[string]any{"spaceId": sales}))
	if m["attributes"].(map[string]any)["spaceId"] != sales || itemByName(t, e, "Budget FY27")["spaceId"] != sales {
		t.Errorf("moved = %v", m["attributes"])
	}
	e.Must(404, e.Do("PUT", "/api/v1/apps/"+id+"/space", map[string]any{"spaceId": "0123456789abcdef01234567"}))
	p := e.Must(200, e.Do("DELETE", "/api/v1/apps/"+id+"/space", nil))
	if _, has := itemByName(t, e, "Budget FY27")["spaceId"]; has || p["attributes"].(map[string]any)["spaceId"] != "" {
		t.Errorf("personal = %v", p["attributes"])
	}
	e.Must(400, e.Do("POST", "/api/v1/apps", map[string]any{"attributes": map[string]any{"name": " "}}))
	e.Must(400, e.Do("POST", "/api/v1/apps", map[string]any{"attributes": map[string]any{"name": "x", "usage": "GAMES"}}))
	e.Must(404, e.Do("POST", "/api/v1/apps", map[string]any{"attributes": map[string]any{"name": "x", "spaceId": "0123456789abcdef01234567"}}))
	e.Must(400, e.Do("PUT", "/api/v1/apps/"+id, map[string]any{"attributes": map[string]any{"name": ""}}))
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+id, nil))
	e.Must(404, e.Do("GET", "/api/v1/apps/"+id, nil))
}

func TestScriptVersions(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{Now: clock.Now})
	id := simtest.Str(itemByName(t, e, "Cash Flow")["resourceId"])
	before := itemByName(t, e, "Cash Flow")["updatedAt"]
	cur := e.Must(200, e.Do("GET", "/api/v1/apps/"+id+"/scripts/current", nil))
	if !strings.Contains(simtest.Str(cur["script"]), "lib://Finance:DataFiles/cash_positions.csv") {
		t.Fatalf("seeded script = %v", cur)
	}
	clock.Add(time.Minute)
	changed := strings.Replace(simtest.Str(cur["script"]), "balance", "balance, currency", 1)
	e.Must(200, e.Do("POST", "/api/v1/apps/"+id+"/scripts", map[string]any{"script": changed, "versionMessage": "add currency"}))
	if got := e.Must(200, e.Do("GET", "/api/v1/apps/"+id+"/scripts/current", nil)); got["script"] != changed || got["versionMessage"] != "add currency" {
		t.Errorf("current after POST = %v", got)
	}
	list := simtest.List(e.Must(200, e.Do("GET", "/api/v1/apps/"+id+"/scripts", nil)), "scripts")
	if len(list) != 2 || list[0].(map[string]any)["versionMessage"] != "add currency" || list[0].(map[string]any)["size"] != float64(len(changed)) {
		t.Fatalf("versions (latest first) = %v", list)
	}
	old := simtest.Str(list[1].(map[string]any)["scriptId"])
	if got := e.Must(200, e.Do("GET", "/api/v1/apps/"+id+"/scripts/"+old, nil)); got["script"] != cur["script"] {
		t.Errorf("old version = %v", got)
	}
	if after := itemByName(t, e, "Cash Flow")["updatedAt"]; after == before {
		t.Errorf("a script change must move the item's updatedAt (%v)", after)
	}
	e.Must(404, e.Do("GET", "/api/v1/apps/"+id+"/scripts/nope", nil))
	e.Must(400, e.Do("POST", "/api/v1/apps/"+id+"/scripts", map[string]any{"versionMessage": "no script"}))
}

// exportBytes exports an app and downloads the file its Location names.
func exportBytes(t *testing.T, e *simtest.Env, id string) []byte {
	t.Helper()
	r := e.Do("POST", "/api/v1/apps/"+id+"/export?NoData=true", nil)
	loc := r.Header.Get("Location")
	if r.Status != 201 || !strings.HasPrefix(loc, "/api/v1/temp-contents/") {
		t.Fatalf("export = %d %q %s", r.Status, loc, r.Raw)
	}
	d := e.Must(200, e.Do("GET", loc+"/details", nil))
	f := e.Do("GET", loc, nil)
	if f.Status != 200 || d["Size"] != fmt.Sprint(len(f.Raw)) || !strings.HasSuffix(simtest.Str(d["Name"]), ".qvf") {
		t.Fatalf("download = %d, details %v", f.Status, d)
	}
	return f.Raw
}

func TestExportImportIsDeterministic(t *testing.T) {
	clock := simtest.NewFakeClock()
	e := seededEnv(t, sim.Options{Now: clock.Now})
	id := simtest.Str(itemByName(t, e, "Profit and Loss")["resourceId"])
	before := e.S.Stats()
	qvf := exportBytes(t, e, id)
	// An export is a Tier-2 call that changes nothing: not a write.
	if after := e.S.Stats(); after.Tier2 != before.Tier2+1 || after.Writes != before.Writes {
		t.Errorf("export: tier2 %d -> %d, writes %d -> %d; want one more Tier-2 call and no write", before.Tier2, after.Tier2, before.Writes, after.Writes)
	}
	zr, err := zip.NewReader(bytes.NewReader(qvf), int64(len(qvf)))
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, f := range zr.File {
		entries = append(entries, f.Name)
	}
	if strings.Join(entries, ",") != "qliksim-qvf.json,app.json,script.qvs,objects.json" {
		t.Errorf("entries = %v", entries)
	}
	clock.Add(time.Hour)
	if again := exportBytes(t, e, id); !bytes.Equal(again, qvf) {
		t.Error("a second export an hour later differs")
	}
	// Upload to temp contents, import into another space: the new app has
	// the script and exports the same bytes.
	up := e.DoWith("POST", "/api/v1/temp-contents?filename=pnl.qvf", string(qvf), "application/octet-stream", "Bearer "+e.Key)
	fileID := up.Header.Get("Location")[strings.LastIndex(up.Header.Get("Location"), "/")+1:]
	if up.Status != 201 || fileID == "" {
		t.Fatalf("upload = %d %v", up.Status, up.Header)
	}
	sales := e.SpaceID("Sales Analytics")
	imp := e.Must(200, e.Do("POST", "/api/v1/apps/import?fileId="+fileID+"&spaceId="+sales, nil))["attributes"].(map[string]any)
	newID := simtest.Str(imp["id"])
	if newID == id || imp["name"] != "Profit and Loss" || imp["spaceId"] != sales {
		t.Fatalf("imported = %v", imp)
	}
	if !bytes.Equal(exportBytes(t, e, newID), qvf) {
		t.Error("the imported app exports different bytes")
	}
	src := e.Must(200, e.Do("GET", "/api/v1/apps/"+id+"/scripts/current", nil))["script"]
	if got := e.Must(200, e.Do("GET", "/api/v1/apps/"+newID+"/scripts/current", nil))["script"]; got != src {
		t.Errorf("imported script = %q", got)
	}
	// A raw body works too, with a name.
	raw := e.DoWith("POST", "/api/v1/apps/import?name="+url.QueryEscape("P&L copy"), string(qvf), "application/octet-stream", "Bearer "+e.Key)
	if raw.Status != 200 || raw.Obj()["attributes"].(map[string]any)["name"] != "P&L copy" {
		t.Errorf("raw import = %d %s", raw.Status, raw.Raw)
	}
	e.Must(400, e.DoWith("POST", "/api/v1/apps/import", "not a zip", "application/octet-stream", "Bearer "+e.Key))
	e.Must(400, e.Do("POST", "/api/v1/apps/import?fileId="+fileID+"&mode=AUTOREPLACE", nil))
	e.Must(404, e.Do("POST", "/api/v1/apps/import?fileId=0123456789abcdef01234567", nil))
	// Temp contents expire: 410.
	clock.Add(2 * time.Hour)
	e.Must(410, e.Do("GET", "/api/v1/temp-contents/"+fileID, nil))
	e.Must(400, e.DoWith("POST", "/api/v1/temp-contents?ttl=999999", "x", "application/octet-stream", "Bearer "+e.Key))
}

func TestSoftDeleteRestoreAndSpaceContent(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	finance := e.SpaceID("Finance")
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+finance, nil))
	pnl := simtest.Str(itemByName(t, e, "Profit and Loss")["resourceId"])
	cash := simtest.Str(itemByName(t, e, "Cash Flow")["resourceId"])
	script := e.Must(200, e.Do("GET", "/api/v1/apps/"+pnl+"/scripts/current", nil))["script"]
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+pnl, nil))
	if got := names(appItems(t, e, "&spaceId="+finance)); got != "Cash Flow" {
		t.Errorf("after delete, Finance apps = %s", got)
	}
	e.Must(404, e.Do("POST", "/api/analytics/apps/"+cash+"/actions/restore", nil)) // live: not in the bin
	r := e.Must(200, e.Do("POST", "/api/analytics/apps/"+pnl+"/actions/restore", nil))["attributes"].(map[string]any)
	if r["id"] != pnl || r["spaceId"] != finance || r["name"] != "Profit and Loss" {
		t.Errorf("restored = %v", r)
	}
	if got := e.Must(200, e.Do("GET", "/api/v1/apps/"+pnl+"/scripts/current", nil))["script"]; got != script {
		t.Errorf("restored script = %q", got)
	}
	// Deleting both apps empties the space; the bin does not keep it full,
	// and once the space is gone a restore is refused.
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+pnl, nil))
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+cash, nil))
	for _, dc := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/data-connections?space="+finance, nil)), "data") {
		e.Do("DELETE", "/api/v1/data-connections/"+simtest.Str(dc.(map[string]any)["id"]), nil)
	}
	// Other content (automations, glossaries) may still hold Finance; the
	// restore-after-space-delete check needs a space that only held apps.
	board := simtest.Str(itemByName(t, e, "Board Pack")["resourceId"])
	exec := e.SpaceID("Executive Dashboards")
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+exec, nil))
	e.Must(200, e.Do("DELETE", "/api/v1/apps/"+board, nil))
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+exec, nil)) // the published Pipeline Review
	for _, it := range appItems(t, e, "&spaceId="+exec) {
		e.Must(200, e.Do("DELETE", "/api/v1/apps/"+simtest.Str(it["resourceId"]), nil))
	}
	if r := e.Do("DELETE", "/api/v1/spaces/"+exec, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete the emptied space = %d %s", r.Status, r.Raw)
	}
	e.Must(403, e.Do("POST", "/api/analytics/apps/"+board+"/actions/restore", nil))
	// Emptying the recycle bin makes a restore impossible.
	req, _ := http.NewRequest("DELETE", e.Ts.URL+"/_sim/apps/recycle-bin", nil)
	if p := simtest.SendRequest(e, req); p.Status != 200 || p.Obj()["purged"] != float64(4) {
		t.Fatalf("purge = %d %s", p.Status, p.Raw)
	}
	e.Must(404, e.Do("POST", "/api/analytics/apps/"+cash+"/actions/restore", nil))
}
