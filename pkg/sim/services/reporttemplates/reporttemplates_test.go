package reporttemplates_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/report-templates"

func appID(t *testing.T, e *simtest.Env, name string) string {
	t.Helper()
	for _, it := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/items?resourceType=app&limit=100", nil)), "data") {
		if m := it.(map[string]any); m["name"] == name {
			return simtest.Str(m["resourceId"])
		}
	}
	t.Fatalf("no app %q", name)
	return ""
}

// upload stages data in temp contents and returns its id.
func upload(t *testing.T, e *simtest.Env, name string, data []byte) string {
	t.Helper()
	req, _ := http.NewRequest("POST", e.Ts.URL+"/api/v1/temp-contents?filename="+name, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+e.Key)
	req.Header.Set("Content-Type", "application/octet-stream")
	r := simtest.SendRequest(e, req)
	if r.Status != 201 {
		t.Fatalf("upload = %d %s", r.Status, r.Raw)
	}
	loc := r.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

func download(t *testing.T, e *simtest.Env, id string) []byte {
	t.Helper()
	r := e.Do("POST", base+"/"+id+"/actions/download", nil)
	if r.Status != 200 {
		t.Fatalf("download = %d %s", r.Status, r.Raw)
	}
	return r.Raw
}

func TestSeededTemplateAndItsFile(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", base, nil)), "data")
	if len(l) != 1 {
		t.Fatalf("templates = %v", l)
	}
	tpl := l[0].(map[string]any)
	if tpl["name"] != "Monthly P&L pack" || tpl["type"] != "excel" || tpl["sourceAppId"] != appID(t, e, "Profit and Loss") || tpl["sourceAppName"] != "Profit and Loss" {
		t.Errorf("template = %v", tpl)
	}
	want, err := os.ReadFile("../../../../examples/demo-tenant/report-templates/pnl-monthly.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if got := download(t, e, simtest.Str(tpl["id"])); !bytes.Equal(got, want) {
		t.Errorf("download is %d bytes, the seed file %d", len(got), len(want))
	}
}

func TestTemplateCreatePutPatchDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	cash := appID(t, e, "Cash Flow")
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "Cash deck", "sourceAppId": cash, "sourceAppAction": "replace",
		"temporaryContentId": upload(t, e, "cash.pptx", []byte("deck v1"))}))
	id := simtest.Str(c["id"])
	if c["type"] != "powerPoint" || c["sourceAppName"] != "Cash Flow" || string(download(t, e, id)) != "deck v1" {
		t.Errorf("created = %v", c)
	}
	e.Must(200, e.Do("GET", base+"/"+id, nil))
	u := e.Must(201, e.Do("PUT", base+"/"+id, map[string]any{"name": "Cash deck", "description": "v2",
		"temporaryContentId": upload(t, e, "cash.pptx", []byte("deck v2"))}))
	if u["sourceAppId"] != cash || u["description"] != "v2" || string(download(t, e, id)) != "deck v2" {
		t.Errorf("put = %v", u)
	}
	if r := e.Do("PATCH", base+"/"+id, []any{map[string]any{"op": "replace", "path": "/name", "value": "Cash deck 2"}}); r.Status != 204 {
		t.Errorf("patch = %d %s", r.Status, r.Raw)
	}
	if g := e.Must(200, e.Do("GET", base+"/"+id, nil)); g["name"] != "Cash deck 2" {
		t.Errorf("after patch = %v", g)
	}
	for _, bad := range []map[string]any{{"name": "no file"}, {"name": "x", "temporaryContentId": "nope"},
		{"name": "x", "sourceAppId": "nope", "temporaryContentId": upload(t, e, "x.xlsx", []byte("x"))}} {
		if r := e.Do("POST", base, bad); r.Status != 400 {
			t.Errorf("bad create %v = %d %s", bad, r.Status, r.Raw)
		}
	}
	if r := e.Do("DELETE", base+"/"+id, nil); r.Status != 204 {
		t.Errorf("delete = %d", r.Status)
	}
	if r := e.Do("POST", base+"/"+id+"/actions/download", nil); r.Status != 404 {
		t.Errorf("download of a deleted template = %d", r.Status)
	}
}
