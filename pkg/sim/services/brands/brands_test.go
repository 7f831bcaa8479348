package brands_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/brands"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// A real 1x1 PNG, a 16x16 ICO from the demo seed and a JSON styles file.
var (
	pngBytes, _ = hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
		"1f15c4890000000d49444154789c63f8cfc0f01f00050002015c8d2f4e0000000049454e44ae426082")
	stylesJSON = []byte(`{"palette":{"primary":"#123456"}}`)
)

func seedFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoSeed, "brands", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// part is one multipart part: a field (file nil) or a file with its type.
type part struct {
	name, value, ctype string
	file               []byte
}

func sendParts(e *simtest.Env, method, path string, parts ...part) simtest.Resp {
	e.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.file == nil {
			_ = mw.WriteField(p.name, p.value)
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="blob"`)
		h.Set("Content-Type", p.ctype)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(p.file)
	}
	_ = mw.Close()
	req, err := http.NewRequest(method, e.Ts.URL+path, &buf)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.Key)
	return simtest.SendRequest(e, req)
}

func errBody(t *testing.T, r simtest.Resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	m := r.Obj()
	e := simtest.FirstError(t, m)
	if e["code"] == nil || e["title"] == nil || m["traceId"] == nil {
		t.Errorf("brands error body = %s", r.Raw)
	}
}

func seededEnv(t *testing.T) *simtest.Env {
	t.Helper()
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	return e
}

func brandByName(t *testing.T, e *simtest.Env, name string) map[string]any {
	t.Helper()
	for _, d := range simtest.List(e.Must(200, e.Do("GET", "/api/v1/brands?limit=100", nil)), "data") {
		if m := d.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no brand %q", name)
	return nil
}

func TestSeededBrandsServeTheirFilesByteExact(t *testing.T) {
	e := seededEnv(t)
	corp, holiday := brandByName(t, e, "Acme Corporate"), brandByName(t, e, "Acme Holiday")
	if corp["active"] != true || holiday["active"] != false {
		t.Errorf("active: corporate %v, holiday %v", corp["active"], holiday["active"])
	}
	if len(simtest.List(corp, "files")) != 3 || len(simtest.List(holiday, "files")) != 2 {
		t.Errorf("files: corporate %v, holiday %v", corp["files"], holiday["files"])
	}
	id := simtest.Str(corp["id"])
	for fid, want := range map[string]struct {
		file, ctype string
	}{"logo": {"acme-corporate/logo.png", "image/png"}, "favIcon": {"acme-corporate/favicon.ico", "image/x-icon"},
		"styles": {"acme-corporate/styles.json", "application/json"}} {
		body := seedFile(t, want.file)
		r := e.Do("GET", "/api/v1/brands/"+id+"/files/"+fid, nil)
		if r.Status != 200 || !bytes.Equal(r.Raw, body) || r.Header.Get("Content-Type") != want.ctype {
			t.Errorf("%s: %d %q, byte-exact %v", fid, r.Status, r.Header.Get("Content-Type"), bytes.Equal(r.Raw, body))
		}
	}
	// The test-only view agrees with the bytes on disk.
	res, err := http.Get(e.Ts.URL + "/_sim/brands/" + id + "/files")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var view struct {
		Files map[string]struct {
			SHA256 string `json:"sha256"`
			Size   int    `json:"size"`
		} `json:"files"`
	}
	if err := json.NewDecoder(res.Body).Decode(&view); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(seedFile(t, "acme-corporate/logo.png"))
	if got := view.Files["logo"]; got.SHA256 != hex.EncodeToString(sum[:]) || len(view.Files) != 3 {
		t.Errorf("/_sim view = %+v", view)
	}
	errBody(t, e.Do("GET", "/api/v1/brands/"+simtest.Str(holiday["id"])+"/files/styles", nil), 404)
	errBody(t, e.Do("GET", "/api/v1/brands/"+id+"/files/banner", nil), 400)
}

func TestBrandLifecycle(t *testing.T) {
	e := seededEnv(t)
	ico := seedFile(t, "acme-holiday/favicon.ico")
	created := e.Must(201, sendParts(e, "POST", "/api/v1/brands",
		part{name: "name", value: "Partner"}, part{name: "description", value: "for partners"},
		part{name: "logo", file: pngBytes, ctype: "image/png"},
		part{name: "favIcon", file: ico, ctype: "image/vnd.microsoft.icon"}))
	id := simtest.Str(created["id"])
	if created["name"] != "Partner" || created["description"] != "for partners" || created["active"] != false ||
		len(simtest.List(created, "files")) != 2 || created["createdBy"] == "" {
		t.Errorf("created = %v", created)
	}
	fav := e.Do("GET", "/api/v1/brands/"+id+"/files/favIcon", nil)
	if !bytes.Equal(fav.Raw, ico) || fav.Header.Get("Content-Type") != "image/vnd.microsoft.icon" || fav.Header.Get("ETag") == "" {
		t.Errorf("favIcon: %q %q", fav.Header.Get("Content-Type"), fav.Header.Get("ETag"))
	}

	// PATCH (204), then a duplicate name (409) and a bad path (400).
	e.Must(204, e.Do("PATCH", "/api/v1/brands/"+id, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Partner Brand"}, {"op": "remove", "path": "/description"}}))
	if g := e.Must(200, e.Do("GET", "/api/v1/brands/"+id, nil)); g["name"] != "Partner Brand" || g["description"] != "" {
		t.Errorf("after patch = %v", g)
	}
	errBody(t, e.Do("PATCH", "/api/v1/brands/"+id, []map[string]any{{"op": "replace", "path": "/name", "value": "acme corporate"}}), 409)
	errBody(t, e.Do("PATCH", "/api/v1/brands/"+id, []map[string]any{{"op": "replace", "path": "/active", "value": "true"}}), 400)
	errBody(t, e.Do("PATCH", "/api/v1/brands/"+id, []map[string]any{{"op": "remove", "path": "/name"}}), 400)

	// Files: POST a new one (201), POST again (409), PUT (200), DELETE (204).
	f := e.Must(201, sendParts(e, "POST", "/api/v1/brands/"+id+"/files/styles", part{name: "file", file: stylesJSON, ctype: "application/json"}))
	if f["id"] != "styles" || f["contentType"] != "application/json" || f["path"] != "/api/v1/brands/"+id+"/files/styles" {
		t.Errorf("file = %v", f)
	}
	errBody(t, sendParts(e, "POST", "/api/v1/brands/"+id+"/files/styles", part{name: "file", file: stylesJSON, ctype: "application/json"}), 409)
	styles2 := []byte(`{"palette":{"primary":"#654321"}}`)
	put := e.Must(200, sendParts(e, "PUT", "/api/v1/brands/"+id+"/files/styles", part{name: "file", file: styles2, ctype: "application/json"}))
	if put["eTag"] == f["eTag"] {
		t.Errorf("eTag did not change with the bytes: %v", put["eTag"])
	}
	if r := e.Do("GET", "/api/v1/brands/"+id+"/files/styles", nil); !bytes.Equal(r.Raw, styles2) {
		t.Errorf("styles after PUT = %s", r.Raw)
	}
	e.Must(204, e.Do("DELETE", "/api/v1/brands/"+id+"/files/styles", nil))
	errBody(t, e.Do("DELETE", "/api/v1/brands/"+id+"/files/styles", nil), 404)
	errBody(t, sendParts(e, "PUT", "/api/v1/brands/"+id+"/files/styles", part{name: "file", file: stylesJSON, ctype: "application/json"}), 404)

	// Activate: the seeded active brand is deactivated; /active redirects.
	if a := e.Must(200, e.Do("POST", "/api/v1/brands/"+id+"/actions/activate", nil)); a["active"] != true {
		t.Errorf("activate = %v", a)
	}
	if brandByName(t, e, "Acme Corporate")["active"] != false {
		t.Error("two brands are active")
	}
	if a := e.Must(200, e.Do("GET", "/api/v1/brands/active", nil)); a["id"] != id {
		t.Errorf("active (after the redirect) = %v", a)
	}
	e.Must(200, e.Do("POST", "/api/v1/brands/"+id+"/actions/activate", nil)) // already active: no change
	if d := e.Must(200, e.Do("POST", "/api/v1/brands/"+id+"/actions/deactivate", nil)); d["active"] != false {
		t.Errorf("deactivate = %v", d)
	}
	if a := e.Must(200, e.Do("GET", "/api/v1/brands/active", nil)); len(a) != 0 {
		t.Errorf("no active brand: got %v", a)
	}

	e.Must(204, e.Do("DELETE", "/api/v1/brands/"+id, nil))
	errBody(t, e.Do("GET", "/api/v1/brands/"+id, nil), 404)
	errBody(t, e.Do("DELETE", "/api/v1/brands/"+id, nil), 404)
	errBody(t, e.Do("POST", "/api/v1/brands/"+id+"/actions/activate", nil), 404)
}

func TestBrandCreateValidation(t *testing.T) {
	e := seededEnv(t)
	for name, parts := range map[string][]part{
		"no name":           {{name: "description", value: "x"}},
		"logo not an image": {{name: "name", value: "A"}, {name: "logo", file: []byte("GIF89a not allowed"), ctype: "image/png"}},
		"favIcon a PNG":     {{name: "name", value: "B"}, {name: "favIcon", file: pngBytes, ctype: "image/x-icon"}},
		"styles not JSON":   {{name: "name", value: "C"}, {name: "styles", file: []byte("body{}"), ctype: "application/json"}},
		"logo too large":    {{name: "name", value: "D"}, {name: "logo", file: append(bytes.Clone(pngBytes), make([]byte, 300<<10)...), ctype: "image/png"}},
		"unknown part":      {{name: "name", value: "E"}, {name: "banner", file: pngBytes, ctype: "image/png"}},
	} {
		t.Run(name, func(t *testing.T) { errBody(t, sendParts(e, "POST", "/api/v1/brands", parts...), 400) })
	}
	errBody(t, e.Do("POST", "/api/v1/brands", map[string]any{"name": "json"}), 400)
	errBody(t, sendParts(e, "POST", "/api/v1/brands", part{name: "name", value: "Acme Holiday"}), 409)
	if n := len(simtest.List(e.Must(200, e.Do("GET", "/api/v1/brands", nil)), "data")); n != 2 {
		t.Errorf("a refused create changed the list: %d brands", n)
	}
}

func TestBrandWritesNeedTenantAdmin(t *testing.T) {
	e := seededEnv(t)
	id := simtest.Str(brandByName(t, e, "Acme Holiday")["id"])
	e.S.Mu.Lock()
	e.S.St.CallerID = core.UserByEmail(e.S.St, "jane.doe@example.com").ID
	e.S.Mu.Unlock()
	errBody(t, sendParts(e, "POST", "/api/v1/brands", part{name: "name", value: "X"}), 403)
	errBody(t, e.Do("POST", "/api/v1/brands/"+id+"/actions/activate", nil), 403)
	errBody(t, e.Do("DELETE", "/api/v1/brands/"+id, nil), 403)
	e.Must(200, e.Do("GET", "/api/v1/brands/"+id, nil))
}

func TestBrandListPaging(t *testing.T) {
	e := newEnv(t, core.Options{Deterministic: true})
	for _, n := range []string{"b1", "b2", "b3", "b4", "b5", "b6", "b7"} {
		e.Must(201, sendParts(e, "POST", "/api/v1/brands", part{name: "name", value: n}))
	}
	// Default: 5 per page, newest first (-id).
	first := e.Must(200, e.Do("GET", "/api/v1/brands", nil))
	var names []string
	page := first
	for i := 0; i < 5; i++ {
		for _, d := range simtest.List(page, "data") {
			names = append(names, simtest.Str(d.(map[string]any)["name"]))
		}
		next, _ := page["links"].(map[string]any)["next"].(map[string]any)
		if next == nil {
			break
		}
		page = e.Must(200, e.Do("GET", simtest.Str(next["href"]), nil))
	}
	if got := strings.Join(names, ","); got != "b7,b6,b5,b4,b3,b2,b1" {
		t.Errorf("pages = %s", got)
	}
	if len(simtest.List(first, "data")) != 5 {
		t.Errorf("first page = %v", first)
	}
	// The last page links back: endingBefore its first id.
	prev, _ := page["links"].(map[string]any)["prev"].(map[string]any)
	back := e.Must(200, e.Do("GET", simtest.Str(prev["href"]), nil))
	if d := simtest.List(back, "data"); len(d) != 5 || d[0].(map[string]any)["name"] != "b7" {
		t.Errorf("prev page = %v", back)
	}
	asc := e.Must(200, e.Do("GET", "/api/v1/brands?sort=%2Bid&limit=2", nil))
	if d := simtest.List(asc, "data"); len(d) != 2 || d[0].(map[string]any)["name"] != "b1" {
		t.Errorf("sort=+id = %v", asc)
	}
	errBody(t, e.Do("GET", "/api/v1/brands?limit=0", nil), 400)
	errBody(t, e.Do("GET", "/api/v1/brands?sort=name", nil), 400)
	errBody(t, e.Do("GET", "/api/v1/brands?startingAfter=nope", nil), 400)
}

func TestBrandSeedErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string][]byte
		want  string
	}{
		"two active": {map[string][]byte{"a/brand.yaml": []byte("name: A\nactive: true\n"), "b/brand.yaml": []byte("name: B\nactive: true\n")},
			"only one brand may be active"},
		"unknown file":  {map[string][]byte{"a/brand.yaml": []byte("name: A\n"), "a/banner.png": pngBytes}, "banner.png: not a brand file"},
		"bad logo":      {map[string][]byte{"a/brand.yaml": []byte("name: A\n"), "a/logo.png": []byte("not a png")}, "logo.png: logo: a PNG or JPEG"},
		"unknown field": {map[string][]byte{"a/brand.yaml": []byte("name: A\ncolour: red\n")}, `unknown field "colour"`},
		"no brand.yaml": {map[string][]byte{"a/logo.png": pngBytes}, "needs a brand.yaml"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for rel, b := range tc.files {
				p := filepath.Join(dir, "brands", filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := sim.New(core.Options{})
			err := s.LoadSeed(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("seed error = %v, want %q", err, tc.want)
			}
			s.Mu.Lock()
			defer s.Mu.Unlock()
			if n := brands.Brands.Len(s.St); n != 0 {
				t.Errorf("a failed seed left %d brands", n)
			}
		})
	}
}
