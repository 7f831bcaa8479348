package qext_test

import (
	"bytes"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// A test for a route that the resource tests did not reach with a success
// response (route coverage, see pkg/sim/routes_test.go).

func TestExtensionsListAndDownload(t *testing.T) {
	e := newEnv(t, core.Options{})
	if l := e.Must(200, e.Do("GET", "/api/v1/extensions", nil)); len(simtest.List(l, "data")) != 0 || l["links"] != nil {
		t.Errorf("empty list = %s", l)
	}
	z := simtest.BuildZip(t, simtest.ZipEntry{"kpi.qext", `{"name":"KPI","type":"visualization","version":"1.2.0"}`}, simtest.ZipEntry{"kpi.js", "js"})
	x := e.Must(201, simtest.SendMultipart(e, "POST", "/api/v1/extensions", z, nil))
	l := e.Must(200, e.Do("GET", "/api/v1/extensions", nil))
	if d := simtest.List(l, "data"); len(d) != 1 || d[0].(map[string]any)["id"] != x["id"] {
		t.Errorf("list = %v", l)
	}
	dl := e.Do("GET", "/api/v1/extensions/"+simtest.Str(x["id"])+"/file", nil)
	if dl.Status != 200 || dl.Header.Get("Content-Type") != "application/zip" || !bytes.Equal(dl.Raw, z) {
		t.Errorf("download: %d %q", dl.Status, dl.Header.Get("Content-Type"))
	}
	e.Must(204, e.Do("DELETE", "/api/v1/extensions/"+simtest.Str(x["id"]), nil))
	QxErrBody(t, e.Do("GET", "/api/v1/extensions/"+simtest.Str(x["id"])+"/file", nil), 410)
}
