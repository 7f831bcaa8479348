package csporigins_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/csp-origins"

var flags = []string{"childSrc", "connectSrc", "connectSrcWSS", "fontSrc", "formAction", "frameAncestors", "frameSrc",
	"imgSrc", "mediaSrc", "objectSrc", "scriptSrc", "styleSrc", "workerSrc"}

func TestSeededCSPOriginsAndHeader(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", base, nil)), "data")
	if len(l) != 3 {
		t.Fatalf("seeded = %v", l)
	}
	cdn := l[0].(map[string]any)
	for _, f := range flags {
		want := f == "fontSrc" || f == "imgSrc" || f == "styleSrc"
		if cdn[f] != want {
			t.Errorf("cdn %s = %v, want %v", f, cdn[f], want)
		}
	}
	if cdn["origin"] != "https://cdn.example.com" || cdn["createdDate"] == nil || cdn["modifiedDate"] == nil {
		t.Errorf("cdn = %v", cdn)
	}
	h := simtest.Str(e.Must(200, e.Do("GET", base+"/actions/generate-header", nil))["Content-Security-Policy"])
	for _, want := range []string{"img-src 'self' https://cdn.example.com https://tiles.maps.example.net",
		"frame-ancestors 'self' https://portal.example.com",
		"connect-src 'self' https://tiles.maps.example.net wss://tiles.maps.example.net"} {
		if !strings.Contains(h, want) {
			t.Errorf("header %q lacks %q", h, want)
		}
	}
	if strings.Contains(h, "media-src") {
		t.Errorf("header %q lists a directive no entry sets", h)
	}
	req, _ := http.NewRequest("GET", e.Ts.URL+base+"/actions/generate-header", nil)
	req.Header.Set("Authorization", "Bearer "+e.Key)
	req.Header.Set("Accept", "text/plain")
	if r := simtest.SendRequest(e, req); r.Status != 200 || string(r.Raw) != h || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("text/plain header = %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	req.Header.Set("Accept", "application/xml")
	if r := simtest.SendRequest(e, req); r.Status != 406 {
		t.Errorf("Accept application/xml = %d", r.Status)
	}
}

func TestCSPOriginCreatePutDelete(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "Fonts", "origin": "https://fonts.example.org", "fontSrc": true,
		"createdDate": "1999-01-01T00:00:00Z"}))
	id := simtest.Str(c["id"])
	if c["fontSrc"] != true || c["imgSrc"] != false || strings.HasPrefix(simtest.Str(c["createdDate"]), "1999") {
		t.Errorf("created = %v", c)
	}
	// 409 on a duplicate origin (case-insensitive); 400 without an origin.
	if er := simtest.FirstError(t, e.Must(409, e.Do("POST", base, map[string]any{"origin": "HTTPS://fonts.example.org"}))); er["code"] != "CSP-ORIGINS-409" {
		t.Errorf("409 = %v", er)
	}
	r := e.Do("POST", base, map[string]any{"name": "no origin"})
	if simtest.FirstError(t, e.Must(400, r)); strings.Contains(string(r.Raw), "traceId") {
		t.Errorf("csp-origins errors carry no traceId: %s", r.Raw)
	}
	e.Must(400, e.Do("POST", base, map[string]any{"origin": "a b"}))
	e.Must(400, e.Do("POST", base, map[string]any{"origin": "https://x.example", "imgSrc": "yes"}))

	// PUT replaces the whole entry: flags left out become false.
	p := e.Must(200, e.Do("PUT", base+"/"+id, map[string]any{"origin": "https://fonts.example.org", "imgSrc": true, "description": "d"}))
	if p["fontSrc"] != false || p["imgSrc"] != true || p["name"] != "" || p["createdDate"] != c["createdDate"] || p["description"] != "d" {
		t.Errorf("after PUT = %v", p)
	}
	e.Must(409, e.Do("PUT", base+"/"+id, map[string]any{"origin": "https://cdn.example.com"}))
	e.Must(400, e.Do("PUT", base+"/"+id, map[string]any{"name": "x"}))
	if g := e.Must(200, e.Do("GET", base+"/"+id, nil)); g["imgSrc"] != true {
		t.Errorf("get = %v", g)
	}
	e.Must(204, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("GET", base+"/"+id, nil))
	e.Must(404, e.Do("DELETE", base+"/"+id, nil))
	e.Must(404, e.Do("PUT", base+"/"+id, map[string]any{"origin": "https://y.example"}))
	if r := e.Do("PATCH", base+"/"+id, []any{}); r.Status != 405 {
		t.Errorf("PATCH = %d: CSP origins have no PATCH", r.Status)
	}
}

func TestCSPOriginListFiltersSortPaging(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	count := func(q string) int {
		return len(simtest.List(e.Must(200, e.Do("GET", base+"?"+q, nil)), "data"))
	}
	for q, want := range map[string]int{"imgSrc=true": 2, "imgSrc=false": 1, "frameAncestors=true": 1, "workerSrc=true": 1,
		"mediaSrc=true": 0, "name=*portal*": 1, "origin=example.com": 2, "origin=*.NET": 1, "imgSrc=true&scriptSrc=true": 1} {
		if n := count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	first := func(q string) string {
		return simtest.Str(simtest.List(e.Must(200, e.Do("GET", base+"?"+q, nil)), "data")[0].(map[string]any)["origin"])
	}
	if o := first("sort=-origin"); o != "https://tiles.maps.example.net" {
		t.Errorf("sort=-origin first = %s", o)
	}
	if o := first("sort=name"); o != "https://cdn.example.com" {
		t.Errorf("sort=name first = %s", o)
	}
	p1 := e.Must(200, e.Do("GET", base+"?limit=2&sort=-createdDate", nil))
	next := simtest.Str(p1["links"].(map[string]any)["next"].(map[string]any)["href"])
	if !strings.HasPrefix(next, e.Ts.URL+base+"?") {
		t.Errorf("next = %q", next)
	}
	p2 := e.Must(200, e.Do("GET", next, nil))
	if len(simtest.List(p2, "data")) != 1 || p2["links"].(map[string]any)["next"] != nil {
		t.Errorf("page 2 = %v", p2)
	}
	for _, q := range []string{"imgSrc=maybe", "sort=id", "limit=0"} {
		e.Must(400, e.Do("GET", base+"?"+q, nil))
	}
}
