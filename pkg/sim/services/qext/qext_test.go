package qext_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/glossaries"
	"github.com/qlikops/qlikops/pkg/sim/services/qext"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const pngBytes = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\xff\xfe\x00"

func themeZip(t *testing.T, version string) []byte {
	return simtest.BuildZip(t,
		simtest.ZipEntry{"dark.qext", `{"name":"Dark","type":"theme","version":"` + version + `","author":"me","keywords":["a","b"]}`},
		simtest.ZipEntry{"theme.json", `{"_inherit":true}`},
		simtest.ZipEntry{"css/dark.css", "body{}"},
		simtest.ZipEntry{"img/logo.png", pngBytes})
}

func QxErrBody(t *testing.T, r simtest.Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	m := r.Obj()
	if m["title"] == nil || m["code"] == nil || m["status"] != float64(status) || m["traceId"] == nil || m["errors"] != nil {
		t.Errorf("themes/extensions error body = %s", r.Raw)
	}
}

func TestThemesUploadDownload(t *testing.T) {
	e := newEnv(t, core.Options{})
	z := themeZip(t, "1.0.0")
	th := e.Must(201, simtest.SendMultipart(e, "POST", "/api/v1/themes", z, nil))
	id := simtest.Str(th["id"])
	if th["name"] != "Dark" || th["qextFilename"] != "dark" || th["type"] != "theme" || th["version"] != "1.0.0" ||
		th["qextVersion"] != "1.0.0" || th["keywords"] != "a,b" || th["tenantId"] == "" || th["userId"] == "" {
		t.Errorf("created = %v", th)
	}
	// get by id and by qextFilename
	for _, ref := range []string{id, "dark"} {
		if g := e.Must(200, e.Do("GET", "/api/v1/themes/"+ref, nil)); g["id"] != id {
			t.Errorf("get %s = %v", ref, g)
		}
	}
	dl := e.Do("GET", "/api/v1/themes/dark/file", nil)
	if dl.Status != 200 || dl.Header.Get("Content-Type") != "application/zip" || !bytes.Equal(dl.Raw, z) {
		t.Errorf("download: %d %s, byte-exact %v", dl.Status, dl.Header.Get("Content-Type"), bytes.Equal(dl.Raw, z))
	}
	// The spec's {filepath} is one segment ("img%2Flogo.png" for the spec
	// router); @qlik/api sends the slashes raw, so both must work.
	if f := e.Do("GET", "/api/v1/themes/"+id+"/file/img%2Flogo.png", nil); f.Status != 200 || string(f.Raw) != pngBytes || f.Header.Get("Content-Type") != "image/png" {
		t.Errorf("png: %d %q", f.Status, f.Header.Get("Content-Type"))
	}
	if f := qxRawGet(e, "/api/v1/themes/"+id+"/file/img/logo.png"); f.Status != 200 || string(f.Raw) != pngBytes {
		t.Errorf("png with raw slashes: %d", f.Status)
	}
	if f := e.Do("GET", "/api/v1/themes/"+id+"/file/theme.json", nil); f.Status != 200 || string(f.Raw) != `{"_inherit":true}` {
		t.Errorf("theme.json: %d %s", f.Status, f.Raw)
	}
	QxErrBody(t, e.Do("GET", "/api/v1/themes/"+id+"/file/nope.css", nil), 404)
	QxErrBody(t, e.Do("GET", "/api/v1/themes/nope", nil), 404)

	// 409 on the same name (file or data), 415 without multipart.
	QxErrBody(t, simtest.SendMultipart(e, "POST", "/api/v1/themes", z, nil), 409)
	QxErrBody(t, simtest.SendMultipart(e, "POST", "/api/v1/themes", nil, map[string]any{"name": "dark"}), 409)
	QxErrBody(t, e.Do("POST", "/api/v1/themes", map[string]any{"name": "x"}), 415)
	QxErrBody(t, simtest.SendMultipart(e, "POST", "/api/v1/themes", nil, map[string]any{"description": "no name"}), 422)

	// PATCH with a new zip (themes answer {data:[…]}), then with data only.
	z2 := themeZip(t, "2.0.0")
	p := e.Must(200, simtest.SendMultipart(e, "PATCH", "/api/v1/themes/dark", z2, nil))
	if d := simtest.List(p, "data"); len(d) != 1 || d[0].(map[string]any)["version"] != "2.0.0" || d[0].(map[string]any)["id"] != id {
		t.Errorf("patch = %v", p)
	}
	if dl := e.Do("GET", "/api/v1/themes/"+id+"/file", nil); !bytes.Equal(dl.Raw, z2) {
		t.Error("download after patch is not the new zip")
	}
	p = e.Must(200, simtest.SendMultipart(e, "PATCH", "/api/v1/themes/"+id, nil, map[string]any{"description": "new", "tags": []string{"x"}}))
	if d := simtest.List(p, "data")[0].(map[string]any); d["description"] != "new" || d["version"] != "2.0.0" || d["author"] != "me" {
		t.Errorf("data patch = %v", d)
	}
	other := e.Must(201, simtest.SendMultipart(e, "POST", "/api/v1/themes", nil, map[string]any{"name": "Light"}))
	if other["qextFilename"] != "Light" {
		t.Errorf("data-only theme = %v", other)
	}
	QxErrBody(t, e.Do("GET", "/api/v1/themes/Light/file", nil), 404)
	QxErrBody(t, simtest.SendMultipart(e, "PATCH", "/api/v1/themes/Light", nil, map[string]any{"name": "Dark"}), 409)

	l := e.Must(200, e.Do("GET", "/api/v1/themes", nil))
	if len(simtest.List(l, "data")) != 2 || l["links"] != nil {
		t.Errorf("list = %v", l)
	}
	// DELETE is soft: the id then answers 410, the name is free again.
	e.Must(204, e.Do("DELETE", "/api/v1/themes/"+id, nil))
	QxErrBody(t, e.Do("GET", "/api/v1/themes/"+id, nil), 410)
	QxErrBody(t, e.Do("DELETE", "/api/v1/themes/"+id, nil), 410)
	QxErrBody(t, e.Do("GET", "/api/v1/themes/dark", nil), 404)
	if l := e.Must(200, e.Do("GET", "/api/v1/themes", nil)); len(simtest.List(l, "data")) != 1 {
		t.Errorf("list after delete = %v", l)
	}
	e.Must(201, simtest.SendMultipart(e, "POST", "/api/v1/themes", z, nil))
}

func TestQextArchiveValidation(t *testing.T) {
	e := newEnv(t, core.Options{})
	q := simtest.ZipEntry{"x.qext", `{"name":"X"}`}
	for name, tc := range map[string]struct {
		zip    []byte
		status int
	}{
		"zip-slip":      {simtest.BuildZip(t, q, simtest.ZipEntry{"../evil.js", "x"}), 400},
		"nested slip":   {simtest.BuildZip(t, q, simtest.ZipEntry{"a/../../evil.js", "x"}), 400},
		"absolute":      {simtest.BuildZip(t, q, simtest.ZipEntry{"/etc/passwd", "x"}), 400},
		"backslash":     {simtest.BuildZip(t, q, simtest.ZipEntry{`..\evil.js`, "x"}), 400},
		"no qext":       {simtest.BuildZip(t, simtest.ZipEntry{"theme.json", "{}"}), 400},
		"two qext":      {simtest.BuildZip(t, q, simtest.ZipEntry{"y.qext", "{}"}), 400},
		"deep qext":     {simtest.BuildZip(t, simtest.ZipEntry{"a/b/x.qext", "{}"}), 400},
		"bad qext":      {simtest.BuildZip(t, simtest.ZipEntry{"x.qext", "{"}), 400},
		"not a zip":     {[]byte("hello"), 400},
		"mixed folders": {simtest.BuildZip(t, simtest.ZipEntry{"a/x.qext", `{"name":"A"}`}, simtest.ZipEntry{"b.js", ""}), 400},
	} {
		r := simtest.SendMultipart(e, "POST", "/api/v1/extensions", tc.zip, nil)
		if r.Status != tc.status {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
		QxErrBody(t, r, tc.status)
	}
	// Oversized (expands beyond 50 MB) → 413.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("x.qext")
	_, _ = w.Write([]byte(`{"name":"Big"}`))
	w, _ = zw.Create("big.bin")
	_, _ = io.Copy(w, io.LimitReader(zeroReader{}, qext.QextMaxBytes+1))
	_ = zw.Close()
	QxErrBody(t, simtest.SendMultipart(e, "POST", "/api/v1/extensions", buf.Bytes(), nil), 413)

	// A single top-level folder is accepted; /file paths are relative to it.
	z := simtest.BuildZip(t, simtest.ZipEntry{"pkg/", ""}, simtest.ZipEntry{"pkg/chart.qext", `{"name":"Chart","supernova":true,"bundle":{"id":"b","name":"B"}}`},
		simtest.ZipEntry{"pkg/chart.js", "js"})
	x := e.Must(201, simtest.SendMultipart(e, "POST", "/api/v1/extensions", z, map[string]any{"description": "from data"}))
	if x["qextFilename"] != "chart" || x["type"] != "visualization" || x["supernova"] != true || x["description"] != "from data" ||
		x["checksum"] == nil || x["loadpath"] != "chart" {
		t.Errorf("extension = %v", x)
	}
	if f := e.Do("GET", "/api/v1/extensions/chart/file/chart.js", nil); f.Status != 200 || string(f.Raw) != "js" {
		t.Errorf("file in folder: %d %s", f.Status, f.Raw)
	}
	// Extensions answer PATCH with the model itself.
	p := e.Must(200, simtest.SendMultipart(e, "PATCH", "/api/v1/extensions/chart", nil, map[string]any{"version": "9"}))
	if p["version"] != "9" || p["id"] != x["id"] {
		t.Errorf("patch = %v", p)
	}
	QxErrBody(t, simtest.SendMultipart(e, "PATCH", "/api/v1/extensions/chart", simtest.BuildZip(t, simtest.ZipEntry{"../x.qext", "{}"}), nil), 400)
	e.Must(204, e.Do("DELETE", "/api/v1/extensions/chart", nil))
}

// qxRawGet sends a GET outside the OpenAPI-validating client (for paths the
// spec router cannot match).
func qxRawGet(e *simtest.Env, path string) simtest.Resp {
	e.T.Helper()
	req, _ := http.NewRequest("GET", e.Ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return simtest.Resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestQextSeed(t *testing.T) {
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	th := e.Must(200, e.Do("GET", "/api/v1/themes/corporate-blue", nil))
	if th["name"] != "Corporate Blue" || th["version"] != "1.2.0" {
		t.Errorf("seeded theme = %v", th)
	}
	png, err := os.ReadFile(filepath.Join(demoSeed, "themes", "corporate-blue", "img", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	if f := e.Do("GET", "/api/v1/themes/corporate-blue/file/img%2Flogo.png", nil); !bytes.Equal(f.Raw, png) {
		t.Error("seeded PNG is not byte-exact")
	}
	ext := e.Must(200, e.Do("GET", "/api/v1/extensions/kpi-tile", nil))
	if ext["name"] != "KPI Tile" || ext["type"] != "visualization" {
		t.Errorf("seeded extension = %v", ext)
	}
	// The seed zip is deterministic.
	a, _ := qext.ZipFolder(filepath.Join(demoSeed, "themes", "corporate-blue"))
	b, _ := qext.ZipFolder(filepath.Join(demoSeed, "themes", "corporate-blue"))
	if dl := e.Do("GET", "/api/v1/themes/corporate-blue/file", nil); !bytes.Equal(a, b) || !bytes.Equal(dl.Raw, a) {
		t.Error("seed zips differ between loads")
	}

	// A folder without a .qext is a clear error naming it; nothing is loaded.
	dir := t.TempDir()
	bad := filepath.Join(dir, "extensions", "broken")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(bad, "x.js"), []byte("x"), 0o644)
	s := sim.New(core.Options{})
	err = s.LoadSeed(dir)
	if err == nil || !strings.Contains(err.Error(), "broken") || !strings.Contains(err.Error(), ".qext") {
		t.Errorf("bad seed error = %v", err)
	}
	// Two folders with the same qext name → 409-style error.
	dir = t.TempDir()
	for _, f := range []string{"a", "b"} {
		p := filepath.Join(dir, "themes", f)
		_ = os.MkdirAll(p, 0o755)
		_ = os.WriteFile(filepath.Join(p, f+".qext"), []byte(`{"name":"Same"}`), 0o644)
	}
	if err := sim.New(core.Options{}).LoadSeed(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate seed error = %v", err)
	}
}

func TestQextStateRoundTrip(t *testing.T) {
	s := sim.New(core.Options{})
	if err := s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	st, err := core.CloneState(s.St)
	if err != nil {
		t.Fatal(err)
	}
	for id, th := range qext.Themes.In(s.St) {
		if !bytes.Equal(qext.Themes.In(st)[id].Zip, th.Zip) || qext.Themes.In(st)[id].Name != th.Name {
			t.Error("theme zip lost in the state round trip")
		}
	}
	if len(qext.Extensions.In(st)) != 1 || len(glossaries.Glossaries.In(st)) != 1 {
		t.Errorf("state round trip: %d extensions, %d glossaries", len(qext.Extensions.In(st)), len(glossaries.Glossaries.In(st)))
	}
	for _, g := range glossaries.Glossaries.In(st) {
		if len(g.Terms) != 5 || len(g.Categories) != 3 {
			t.Errorf("glossary after round trip: %d terms, %d categories", len(g.Terms), len(g.Categories))
		}
	}
}
