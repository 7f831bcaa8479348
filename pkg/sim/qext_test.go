package sim

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type zipEntry struct{ name, body string }

func buildZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// qxSend sends a multipart body with an optional file and data part.
func qxSend(e *env, method, path string, file []byte, data any) resp {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if file != nil {
		w, _ := mw.CreateFormFile("file", "upload.zip")
		_, _ = w.Write(file)
	}
	if data != nil {
		b, _ := json.Marshal(data)
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="data"; filename=""`}
		h["Content-Type"] = []string{"application/json"}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(b)
	}
	_ = mw.Close()
	req, err := http.NewRequest(method, e.ts.URL+path, &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.key)
	return glSend(e, req)
}

const pngBytes = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\xff\xfe\x00"

func themeZip(t *testing.T, version string) []byte {
	return buildZip(t,
		zipEntry{"dark.qext", `{"name":"Dark","type":"theme","version":"` + version + `","author":"me","keywords":["a","b"]}`},
		zipEntry{"theme.json", `{"_inherit":true}`},
		zipEntry{"css/dark.css", "body{}"},
		zipEntry{"img/logo.png", pngBytes})
}

func qxErrBody(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	m := r.obj()
	if m["title"] == nil || m["code"] == nil || m["status"] != float64(status) || m["traceId"] == nil || m["errors"] != nil {
		t.Errorf("themes/extensions error body = %s", r.raw)
	}
}

func TestThemesUploadDownload(t *testing.T) {
	e := newEnv(t, Options{})
	z := themeZip(t, "1.0.0")
	th := e.must(201, qxSend(e, "POST", "/api/v1/themes", z, nil))
	id := str(th["id"])
	if th["name"] != "Dark" || th["qextFilename"] != "dark" || th["type"] != "theme" || th["version"] != "1.0.0" ||
		th["qextVersion"] != "1.0.0" || th["keywords"] != "a,b" || th["tenantId"] == "" || th["userId"] == "" {
		t.Errorf("created = %v", th)
	}
	// get by id and by qextFilename
	for _, ref := range []string{id, "dark"} {
		if g := e.must(200, e.do("GET", "/api/v1/themes/"+ref, nil)); g["id"] != id {
			t.Errorf("get %s = %v", ref, g)
		}
	}
	dl := e.do("GET", "/api/v1/themes/dark/file", nil)
	if dl.status != 200 || dl.header.Get("Content-Type") != "application/zip" || !bytes.Equal(dl.raw, z) {
		t.Errorf("download: %d %s, byte-exact %v", dl.status, dl.header.Get("Content-Type"), bytes.Equal(dl.raw, z))
	}
	// The spec's {filepath} is one segment ("img%2Flogo.png" for the spec
	// router); @qlik/api sends the slashes raw, so both must work.
	if f := e.do("GET", "/api/v1/themes/"+id+"/file/img%2Flogo.png", nil); f.status != 200 || string(f.raw) != pngBytes || f.header.Get("Content-Type") != "image/png" {
		t.Errorf("png: %d %q", f.status, f.header.Get("Content-Type"))
	}
	if f := qxRawGet(e, "/api/v1/themes/"+id+"/file/img/logo.png"); f.status != 200 || string(f.raw) != pngBytes {
		t.Errorf("png with raw slashes: %d", f.status)
	}
	if f := e.do("GET", "/api/v1/themes/"+id+"/file/theme.json", nil); f.status != 200 || string(f.raw) != `{"_inherit":true}` {
		t.Errorf("theme.json: %d %s", f.status, f.raw)
	}
	qxErrBody(t, e.do("GET", "/api/v1/themes/"+id+"/file/nope.css", nil), 404)
	qxErrBody(t, e.do("GET", "/api/v1/themes/nope", nil), 404)

	// 409 on the same name (file or data), 415 without multipart.
	qxErrBody(t, qxSend(e, "POST", "/api/v1/themes", z, nil), 409)
	qxErrBody(t, qxSend(e, "POST", "/api/v1/themes", nil, map[string]any{"name": "dark"}), 409)
	qxErrBody(t, e.do("POST", "/api/v1/themes", map[string]any{"name": "x"}), 415)
	qxErrBody(t, qxSend(e, "POST", "/api/v1/themes", nil, map[string]any{"description": "no name"}), 422)

	// PATCH with a new zip (themes answer {data:[…]}), then with data only.
	z2 := themeZip(t, "2.0.0")
	p := e.must(200, qxSend(e, "PATCH", "/api/v1/themes/dark", z2, nil))
	if d := list(p, "data"); len(d) != 1 || d[0].(map[string]any)["version"] != "2.0.0" || d[0].(map[string]any)["id"] != id {
		t.Errorf("patch = %v", p)
	}
	if dl := e.do("GET", "/api/v1/themes/"+id+"/file", nil); !bytes.Equal(dl.raw, z2) {
		t.Error("download after patch is not the new zip")
	}
	p = e.must(200, qxSend(e, "PATCH", "/api/v1/themes/"+id, nil, map[string]any{"description": "new", "tags": []string{"x"}}))
	if d := list(p, "data")[0].(map[string]any); d["description"] != "new" || d["version"] != "2.0.0" || d["author"] != "me" {
		t.Errorf("data patch = %v", d)
	}
	other := e.must(201, qxSend(e, "POST", "/api/v1/themes", nil, map[string]any{"name": "Light"}))
	if other["qextFilename"] != "Light" {
		t.Errorf("data-only theme = %v", other)
	}
	qxErrBody(t, e.do("GET", "/api/v1/themes/Light/file", nil), 404)
	qxErrBody(t, qxSend(e, "PATCH", "/api/v1/themes/Light", nil, map[string]any{"name": "Dark"}), 409)

	l := e.must(200, e.do("GET", "/api/v1/themes", nil))
	if len(list(l, "data")) != 2 || l["links"] != nil {
		t.Errorf("list = %v", l)
	}
	// DELETE is soft: the id then answers 410, the name is free again.
	e.must(204, e.do("DELETE", "/api/v1/themes/"+id, nil))
	qxErrBody(t, e.do("GET", "/api/v1/themes/"+id, nil), 410)
	qxErrBody(t, e.do("DELETE", "/api/v1/themes/"+id, nil), 410)
	qxErrBody(t, e.do("GET", "/api/v1/themes/dark", nil), 404)
	if l := e.must(200, e.do("GET", "/api/v1/themes", nil)); len(list(l, "data")) != 1 {
		t.Errorf("list after delete = %v", l)
	}
	e.must(201, qxSend(e, "POST", "/api/v1/themes", z, nil))
}

func TestQextArchiveValidation(t *testing.T) {
	e := newEnv(t, Options{})
	q := zipEntry{"x.qext", `{"name":"X"}`}
	for name, tc := range map[string]struct {
		zip    []byte
		status int
	}{
		"zip-slip":      {buildZip(t, q, zipEntry{"../evil.js", "x"}), 400},
		"nested slip":   {buildZip(t, q, zipEntry{"a/../../evil.js", "x"}), 400},
		"absolute":      {buildZip(t, q, zipEntry{"/etc/passwd", "x"}), 400},
		"backslash":     {buildZip(t, q, zipEntry{`..\evil.js`, "x"}), 400},
		"no qext":       {buildZip(t, zipEntry{"theme.json", "{}"}), 400},
		"two qext":      {buildZip(t, q, zipEntry{"y.qext", "{}"}), 400},
		"deep qext":     {buildZip(t, zipEntry{"a/b/x.qext", "{}"}), 400},
		"bad qext":      {buildZip(t, zipEntry{"x.qext", "{"}), 400},
		"not a zip":     {[]byte("hello"), 400},
		"mixed folders": {buildZip(t, zipEntry{"a/x.qext", `{"name":"A"}`}, zipEntry{"b.js", ""}), 400},
	} {
		r := qxSend(e, "POST", "/api/v1/extensions", tc.zip, nil)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
		qxErrBody(t, r, tc.status)
	}
	// Oversized (expands beyond 50 MB) → 413.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("x.qext")
	_, _ = w.Write([]byte(`{"name":"Big"}`))
	w, _ = zw.Create("big.bin")
	_, _ = io.Copy(w, io.LimitReader(zeroReader{}, qextMaxBytes+1))
	_ = zw.Close()
	qxErrBody(t, qxSend(e, "POST", "/api/v1/extensions", buf.Bytes(), nil), 413)

	// A single top-level folder is accepted; /file paths are relative to it.
	z := buildZip(t, zipEntry{"pkg/", ""}, zipEntry{"pkg/chart.qext", `{"name":"Chart","supernova":true,"bundle":{"id":"b","name":"B"}}`},
		zipEntry{"pkg/chart.js", "js"})
	x := e.must(201, qxSend(e, "POST", "/api/v1/extensions", z, map[string]any{"description": "from data"}))
	if x["qextFilename"] != "chart" || x["type"] != "visualization" || x["supernova"] != true || x["description"] != "from data" ||
		x["checksum"] == nil || x["loadpath"] != "chart" {
		t.Errorf("extension = %v", x)
	}
	if f := e.do("GET", "/api/v1/extensions/chart/file/chart.js", nil); f.status != 200 || string(f.raw) != "js" {
		t.Errorf("file in folder: %d %s", f.status, f.raw)
	}
	// Extensions answer PATCH with the model itself.
	p := e.must(200, qxSend(e, "PATCH", "/api/v1/extensions/chart", nil, map[string]any{"version": "9"}))
	if p["version"] != "9" || p["id"] != x["id"] {
		t.Errorf("patch = %v", p)
	}
	qxErrBody(t, qxSend(e, "PATCH", "/api/v1/extensions/chart", buildZip(t, zipEntry{"../x.qext", "{}"}), nil), 400)
	e.must(204, e.do("DELETE", "/api/v1/extensions/chart", nil))
}

// qxRawGet sends a GET outside the OpenAPI-validating client (for paths the
// spec router cannot match).
func qxRawGet(e *env, path string) resp {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, raw: raw}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestQextSeed(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	th := e.must(200, e.do("GET", "/api/v1/themes/corporate-blue", nil))
	if th["name"] != "Corporate Blue" || th["version"] != "1.2.0" {
		t.Errorf("seeded theme = %v", th)
	}
	png, err := os.ReadFile(filepath.Join(demoSeed, "themes", "corporate-blue", "img", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	if f := e.do("GET", "/api/v1/themes/corporate-blue/file/img%2Flogo.png", nil); !bytes.Equal(f.raw, png) {
		t.Error("seeded PNG is not byte-exact")
	}
	ext := e.must(200, e.do("GET", "/api/v1/extensions/kpi-tile", nil))
	if ext["name"] != "KPI Tile" || ext["type"] != "visualization" {
		t.Errorf("seeded extension = %v", ext)
	}
	// The seed zip is deterministic.
	a, _ := zipFolder(filepath.Join(demoSeed, "themes", "corporate-blue"))
	b, _ := zipFolder(filepath.Join(demoSeed, "themes", "corporate-blue"))
	if dl := e.do("GET", "/api/v1/themes/corporate-blue/file", nil); !bytes.Equal(a, b) || !bytes.Equal(dl.raw, a) {
		t.Error("seed zips differ between loads")
	}

	// A folder without a .qext is a clear error naming it; nothing is loaded.
	dir := t.TempDir()
	bad := filepath.Join(dir, "extensions", "broken")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(bad, "x.js"), []byte("x"), 0o644)
	s := New(Options{})
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
	if err := New(Options{}).LoadSeed(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate seed error = %v", err)
	}
}

func TestQextStateRoundTrip(t *testing.T) {
	s := New(Options{})
	if err := s.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	st, err := cloneState(s.st)
	if err != nil {
		t.Fatal(err)
	}
	for id, th := range Themes.In(s.st) {
		if !bytes.Equal(Themes.In(st)[id].Zip, th.Zip) || Themes.In(st)[id].Name != th.Name {
			t.Error("theme zip lost in the state round trip")
		}
	}
	if len(Extensions.In(st)) != 1 || len(Glossaries.In(st)) != 1 {
		t.Errorf("state round trip: %d extensions, %d glossaries", len(Extensions.In(st)), len(Glossaries.In(st)))
	}
	for _, g := range Glossaries.In(st) {
		if len(g.Terms) != 5 || len(g.Categories) != 3 {
			t.Errorf("glossary after round trip: %d terms, %d categories", len(g.Terms), len(g.Categories))
		}
	}
}
