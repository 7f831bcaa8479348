package glossaries_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/glossaries"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

var glUUIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func GlCode(t *testing.T, r simtest.Resp) string {
	t.Helper()
	m := r.Obj()
	if m["traceId"] == nil {
		t.Errorf("error body without traceId: %s", r.Raw)
	}
	return simtest.Str(simtest.FirstError(t, m)["code"])
}

func TestGlossaryCRUDAndPaging(t *testing.T) {
	e := newEnv(t, core.Options{})
	sp := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Fin", "type": "shared"}))
	r := e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "G1", "spaceId": sp["id"], "tags": []string{"a"},
		"overview": `[{"type":"paragraph","children":[{"text":"hi"}]}]`})
	g := e.Must(201, r)
	id := simtest.Str(g["id"])
	if !glUUIDRE.MatchString(id) || r.Header.Get("Etag") == "" || r.Header.Get("Last-Modified") == "" {
		t.Fatalf("create: id %q, headers %v", id, r.Header)
	}
	if g["spaceId"] != sp["id"] || g["ownerId"] == "" || simtest.List(g, "tags")[0] != "a" {
		t.Errorf("created = %v", g)
	}
	// Validation: BG-6 name required, BG-21 rich text, BG-11 unknown space, BG-5 bad JSON.
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries", map[string]any{"description": "x"})); c != "BG-6" {
		t.Errorf("missing name: %s", c)
	}
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "x", "overview": "plain"})); c != "BG-21" {
		t.Errorf("bad overview: %s", c)
	}
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "x", "spaceId": "000000000000000000000999"})); c != "BG-11" {
		t.Errorf("unknown space: %s", c)
	}
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries", "{")); c != "BG-5" {
		t.Errorf("bad JSON: %s", c)
	}
	// Names are not unique (no 409 in the spec).
	e.Must(201, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "G1"}))

	got := e.Do("GET", "/api/v1/glossaries/"+id, nil)
	e.Must(200, got)
	etag := got.Header.Get("Etag")
	put := e.Do("PUT", "/api/v1/glossaries/"+id, map[string]any{"name": "G1b", "description": "d", "spaceId": sp["id"]})
	if p := e.Must(200, put); p["name"] != "G1b" || p["description"] != "d" || put.Header.Get("Etag") == etag {
		t.Errorf("put = %v, etag %s → %s", p, etag, put.Header.Get("Etag"))
	}
	// If-Match with a stale Etag → 412.
	req := []map[string]any{{"op": "replace", "path": "/description", "value": "e"}}
	r = glDoH(e, "PATCH", "/api/v1/glossaries/"+id, req, map[string]string{"If-Match": etag})
	if r.Status != 412 {
		t.Errorf("stale If-Match: %d %s", r.Status, r.Raw)
	}
	r = glDoH(e, "PATCH", "/api/v1/glossaries/"+id, req, map[string]string{"If-Match": put.Header.Get("Etag")})
	if r.Status != 204 || r.Header.Get("Etag") == "" {
		t.Errorf("patch: %d %s", r.Status, r.Raw)
	}
	e.Must(400, e.Do("PATCH", "/api/v1/glossaries/"+id, []map[string]any{{"op": "add", "path": "/name", "value": "x"}}))
	e.Must(400, e.Do("PATCH", "/api/v1/glossaries/"+id, []map[string]any{{"op": "replace", "path": "/id", "value": "x"}}))
	if g := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+id, nil)); g["description"] != "e" {
		t.Errorf("after patch = %v", g)
	}

	// Paging: 25 glossaries in all, pages of 10, countTotal.
	for i := 0; i < 23; i++ {
		e.Must(201, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": fmt.Sprintf("P%02d", i)}))
	}
	seen := map[string]bool{}
	url := "/api/v1/glossaries?limit=10&countTotal=true&sort=-name"
	pages := 0
	prevName := "\uffff"
	for url != "" {
		l := e.Must(200, e.Do("GET", url, nil))
		pages++
		if l["meta"].(map[string]any)["countTotal"] != 25.0 {
			t.Fatalf("countTotal = %v", l["meta"])
		}
		for _, d := range simtest.List(l, "data") {
			m := d.(map[string]any)
			if seen[simtest.Str(m["id"])] {
				t.Fatalf("duplicate %v", m["id"])
			}
			seen[simtest.Str(m["id"])] = true
			if n := strings.ToLower(simtest.Str(m["name"])); n > prevName {
				t.Errorf("sort -name broken: %q after %q", n, prevName)
			} else {
				prevName = n
			}
		}
		url = ""
		if next, ok := l["links"].(map[string]any)["next"].(map[string]any); ok {
			url = simtest.Str(next["href"])
			if !strings.HasPrefix(url, e.Ts.URL) {
				t.Fatalf("next href not absolute: %s", url)
			}
		}
	}
	if pages != 3 || len(seen) != 25 {
		t.Errorf("pages %d, items %d", pages, len(seen))
	}
	if l := e.Must(200, e.Do("GET", "/api/v1/glossaries", nil)); len(simtest.List(l, "data")) != 20 || l["meta"] != nil {
		t.Errorf("default limit 20 / no meta without countTotal: %d %v", len(simtest.List(l, "data")), l["meta"])
	}
	e.Must(400, e.Do("GET", "/api/v1/glossaries?limit=101", nil))
	e.Must(400, e.Do("GET", "/api/v1/glossaries?sort=created", nil))

	// A space holding a glossary cannot be deleted (412).
	e.Must(412, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
	e.Must(204, e.Do("DELETE", "/api/v1/glossaries/"+id, nil))
	if c := GlCode(t, e.Do("GET", "/api/v1/glossaries/"+id, nil)); c != "BG-8" {
		t.Errorf("deleted glossary: %s", c)
	}
	e.Must(404, e.Do("DELETE", "/api/v1/glossaries/"+id, nil))
	e.Must(204, e.Do("DELETE", "/api/v1/spaces/"+simtest.Str(sp["id"]), nil))
}

// glDoH is e.do with extra request headers.
func glDoH(e *simtest.Env, method, path string, body any, h map[string]string) simtest.Resp {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.Ts.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Key)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	return simtest.SendRequest(e, req)
}

func TestGlossaryCategoriesAndTerms(t *testing.T) {
	e := newEnv(t, core.Options{})
	me := e.Must(200, e.Do("GET", "/api/v1/users/me", nil))
	g := e.Must(201, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "G"}))
	base := "/api/v1/glossaries/" + simtest.Str(g["id"])
	top := e.Must(201, e.Do("POST", base+"/categories", map[string]any{"name": "Top", "stewards": []any{me["id"]}}))
	sub := e.Must(201, e.Do("POST", base+"/categories", map[string]any{"name": "Sub", "parentId": top["id"]}))
	// BG-7: same name under the same parent; fine under another parent.
	if c := GlCode(t, e.Do("POST", base+"/categories", map[string]any{"name": "sub", "parentId": top["id"]})); c != "BG-7" {
		t.Errorf("duplicate category: %s", c)
	}
	e.Must(201, e.Do("POST", base+"/categories", map[string]any{"name": "Sub"}))
	e.Must(400, e.Do("POST", base+"/categories", map[string]any{"name": "X", "stewards": []string{"nobody"}}))
	e.Must(400, e.Do("PATCH", base+"/categories/"+simtest.Str(top["id"]), []map[string]any{{"op": "replace", "path": "/parentId", "value": sub["id"]}}))
	e.Must(204, e.Do("PATCH", base+"/categories/"+simtest.Str(sub["id"]), []map[string]any{{"op": "replace", "path": "/description", "value": "d"}}))
	c := e.Must(200, e.Do("PUT", base+"/categories/"+simtest.Str(sub["id"]), map[string]any{"name": "Sub2", "parentId": top["id"], "description": "dd"}))
	if c["name"] != "Sub2" || c["parentId"] != top["id"] {
		t.Errorf("put category = %v", c)
	}
	if l := e.Must(200, e.Do("GET", base+"/categories?countTotal=true&sort=name", nil)); l["meta"].(map[string]any)["countTotal"] != 3.0 {
		t.Errorf("categories = %v", l)
	}

	t1 := e.Must(201, e.Do("POST", base+"/terms", map[string]any{"name": "Revenue", "abbreviation": "REV",
		"categories": []any{sub["id"]}, "stewards": []any{me["id"]}, "tags": []string{"kpi"},
		"linksTo": []map[string]any{{"resourceType": "app", "resourceId": "app1", "type": "definition"}}}))
	if st := t1["status"].(map[string]any); st["type"] != "draft" || t1["revision"] != 1.0 || len(simtest.List(t1, "linksTo")) != 1 {
		t.Errorf("new term = %v", t1)
	}
	t2 := e.Must(201, e.Do("POST", base+"/terms", map[string]any{"name": "Margin",
		"relatesTo": []map[string]any{{"termId": t1["id"], "type": "definedBy"}}}))
	if c := GlCode(t, e.Do("POST", base+"/terms", map[string]any{"name": "X", "relatesTo": []map[string]any{{"termId": t1["id"], "type": "likes"}}})); c != "BG-13" {
		t.Errorf("bad relation type: %s", c)
	}
	if c := GlCode(t, e.Do("POST", base+"/terms", map[string]any{"description": "no name"})); c != "BG-13" {
		t.Errorf("no name: %s", c)
	}
	e.Must(400, e.Do("POST", base+"/terms", map[string]any{"name": "X", "linksTo": []map[string]any{{"resourceType": "app", "resourceId": "a", "subResourceId": "x"}}}))
	got := e.Must(200, e.Do("GET", base+"/terms/"+simtest.Str(t1["id"]), nil))
	if rr := simtest.List(got, "referredRelations"); len(rr) != 1 || rr[0].(map[string]any)["termId"] != t2["id"] {
		t.Errorf("referredRelations = %v", got["referredRelations"])
	}
	// change-status
	st := e.Must(200, e.Do("POST", base+"/terms/"+simtest.Str(t1["id"])+"/actions/change-status?status=verified", nil))
	if st["status"].(map[string]any)["type"] != "verified" || st["revision"] != 2.0 {
		t.Errorf("change-status = %v", st)
	}
	e.Must(400, e.Do("POST", base+"/terms/"+simtest.Str(t1["id"])+"/actions/change-status?status=gold", nil))
	// PATCH and PUT, revisions, links
	e.Must(204, e.Do("PATCH", base+"/terms/"+simtest.Str(t1["id"]), []map[string]any{{"op": "replace", "path": "/description", "value": "money in"}}))
	pt := e.Must(200, e.Do("PUT", base+"/terms/"+simtest.Str(t2["id"]), map[string]any{"name": "Gross Margin", "abbreviation": "GM"}))
	if pt["name"] != "Gross Margin" || len(simtest.List(pt, "relatesTo")) != 0 {
		t.Errorf("put term = %v", pt)
	}
	revs := e.Must(200, e.Do("GET", base+"/terms/"+simtest.Str(t1["id"])+"/revisions?countTotal=true", nil))
	if revs["meta"].(map[string]any)["countTotal"] != 3.0 {
		t.Errorf("revisions = %v", revs["meta"])
	}
	e.Must(201, e.Do("POST", base+"/terms/"+simtest.Str(t1["id"])+"/links", map[string]any{"resourceType": "dataset", "resourceId": "ds1"}))
	e.Must(400, e.Do("POST", base+"/terms/"+simtest.Str(t1["id"])+"/links", map[string]any{"resourceType": "dataset", "resourceId": "ds1"}))
	if l := e.Must(200, e.Do("GET", base+"/terms/"+simtest.Str(t1["id"])+"/links", nil)); len(simtest.List(l, "data")) != 2 {
		t.Errorf("links = %v", l)
	}
	// filter
	if l := e.Must(200, e.Do("GET", base+`/terms?filter=abbreviation%20eq%20%22rev%22`, nil)); len(simtest.List(l, "data")) != 1 {
		t.Errorf("filter = %v", l)
	}
	e.Must(400, e.Do("GET", base+`/terms?filter=color%20eq%20%22x%22`, nil))
	// Deleting the top category removes its subcategory and the term's reference.
	e.Must(204, e.Do("DELETE", base+"/categories/"+simtest.Str(top["id"]), nil))
	if c := GlCode(t, e.Do("GET", base+"/categories/"+simtest.Str(sub["id"]), nil)); c != "BG-9" {
		t.Errorf("subcategory survived: %s", c)
	}
	if tt := e.Must(200, e.Do("GET", base+"/terms/"+simtest.Str(t1["id"]), nil)); len(simtest.List(tt, "categories")) != 0 {
		t.Errorf("term categories = %v", tt["categories"])
	}
	e.Must(204, e.Do("DELETE", base+"/terms/"+simtest.Str(t1["id"]), nil))
	if c := GlCode(t, e.Do("GET", base+"/terms/"+simtest.Str(t1["id"]), nil)); c != "BG-10" {
		t.Errorf("deleted term: %s", c)
	}
}

func TestGlossaryExportImportRoundTrip(t *testing.T) {
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	l := e.Must(200, e.Do("GET", "/api/v1/glossaries", nil))
	if len(simtest.List(l, "data")) != 1 {
		t.Fatalf("seeded glossaries = %v", l)
	}
	g := simtest.List(l, "data")[0].(map[string]any)
	exp := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+simtest.Str(g["id"])+"/actions/export", nil))
	if len(simtest.List(exp, "categories")) != 3 || len(simtest.List(exp, "terms")) != 5 {
		t.Fatalf("export = %s", e.Do("GET", "/api/v1/glossaries/"+simtest.Str(g["id"])+"/actions/export", nil).Raw)
	}
	sd := simtest.List(simtest.List(exp, "categories")[1].(map[string]any), "stewardDetails")
	if len(sd) != 2 || sd[0].(map[string]any)["email"] != "jane.doe@example.com" {
		t.Errorf("stewardDetails = %v", sd)
	}

	// Import under a new name into another space, then compare the exports.
	other := e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "Copy", "type": "shared"}))
	exp["name"] = "Finance Copy"
	imp := e.Must(201, e.Do("POST", "/api/v1/glossaries/actions/import?lookupUserOnEmail=true&spaceId="+simtest.Str(other["id"]), exp))
	if imp["id"] == g["id"] || imp["spaceId"] != other["id"] {
		t.Fatalf("import = %v", imp)
	}
	exp2 := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+simtest.Str(imp["id"])+"/actions/export", nil))
	a, b := normalizeExport(exp), normalizeExport(exp2)
	if a != b {
		t.Errorf("round trip differs:\n%s\n---\n%s", a, b)
	}
	// Importing the second export again updates the same glossary in place.
	n := len(glossaries.Glossaries.In(e.S.St))
	imp2 := e.Must(201, e.Do("POST", "/api/v1/glossaries/actions/import?spaceId="+simtest.Str(other["id"]), exp2))
	if imp2["id"] != imp["id"] || len(glossaries.Glossaries.In(e.S.St)) != n {
		t.Errorf("re-import created a new glossary: %v", imp2["id"])
	}
	exp3 := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+simtest.Str(imp["id"])+"/actions/export", nil))
	if normalizeExport(exp3) != b || fmt.Sprint(termIDs(exp3)) != fmt.Sprint(termIDs(exp2)) {
		t.Errorf("re-import changed the glossary or its term ids")
	}
	// Errors: duplicate term ids (BG-15), category ids (BG-14), unsupported content type (BG-4).
	dup := map[string]any{"name": "D", "terms": []map[string]any{{"id": "a", "name": "x"}, {"id": "a", "name": "y"}}}
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries/actions/import", dup)); c != "BG-15" {
		t.Errorf("dup term ids: %s", c)
	}
	dup = map[string]any{"name": "D", "categories": []map[string]any{{"id": "a", "name": "x"}, {"id": "a", "name": "y"}}}
	if c := GlCode(t, e.Do("POST", "/api/v1/glossaries/actions/import", dup)); c != "BG-14" {
		t.Errorf("dup category ids: %s", c)
	}
	r := e.DoWith("POST", "/api/v1/glossaries/actions/import", `{"name":"x"}`, "text/plain", "Bearer "+e.Key)
	if r.Status != 400 || GlCode(t, r) != "BG-4" {
		t.Errorf("content type: %d %s", r.Status, r.Raw)
	}
	// Import by index references (CreateTerm note) and without ids.
	idx := map[string]any{"name": "Idx", "categories": []map[string]any{{"name": "C"}},
		"terms": []map[string]any{{"name": "A", "categories": []string{"0"}}, {"name": "B", "relatesTo": []map[string]any{{"termId": "0", "type": "synonym"}}}}}
	gi := e.Must(201, e.Do("POST", "/api/v1/glossaries/actions/import", idx))
	ei := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+simtest.Str(gi["id"])+"/actions/export", nil))
	ts := simtest.List(ei, "terms")
	if len(simtest.List(ts[0].(map[string]any), "categories")) != 1 || simtest.List(ts[1].(map[string]any), "relatesTo")[0].(map[string]any)["termId"] != ts[0].(map[string]any)["id"] {
		t.Errorf("index references not resolved: %v", ei)
	}
}

func termIDs(exp map[string]any) []string {
	var out []string
	for _, t := range simtest.List(exp, "terms") {
		out = append(out, simtest.Str(t.(map[string]any)["id"]))
	}
	return out
}

// normalizeExport renders an export without ids, timestamps and the
// glossary's own name/space, replacing id references by names.
func normalizeExport(exp map[string]any) string {
	catName := map[string]string{}
	for _, c := range simtest.List(exp, "categories") {
		m := c.(map[string]any)
		catName[simtest.Str(m["id"])] = simtest.Str(m["name"])
	}
	termName := map[string]string{}
	for _, t := range simtest.List(exp, "terms") {
		m := t.(map[string]any)
		termName[simtest.Str(m["id"])] = simtest.Str(m["name"])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "desc=%v overview=%v tags=%v tt=%v\n", exp["description"], exp["overview"], exp["tags"], exp["termTemplate"])
	for _, c := range simtest.List(exp, "categories") {
		m := c.(map[string]any)
		fmt.Fprintf(&b, "cat %v parent=%q desc=%v stewards=%v\n", m["name"], catName[simtest.Str(m["parentId"])], m["description"], m["stewardDetails"])
	}
	for _, t := range simtest.List(exp, "terms") {
		m := t.(map[string]any)
		var cats, rels []string
		for _, c := range simtest.List(m, "categories") {
			cats = append(cats, catName[simtest.Str(c)])
		}
		for _, r := range simtest.List(m, "relatesTo") {
			rm := r.(map[string]any)
			rels = append(rels, termName[simtest.Str(rm["termId"])]+":"+simtest.Str(rm["type"]))
		}
		fmt.Fprintf(&b, "term %v abbr=%v desc=%v cats=%v rels=%v stewards=%v %v tags=%v links=%v\n", m["name"], m["abbreviation"],
			m["description"], cats, rels, m["stewards"], m["stewardDetails"], m["tags"], m["linksTo"])
	}
	return b.String()
}

func TestGlossarySeedErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"- name: G\n  space: Nowhere\n", `space "Nowhere"`},
		{"- name: G\n  categories: [{name: A}, {name: a}]\n", "same name"},
		{"- name: G\n  categories: [{name: A, parent: B}]\n", `parent "B"`},
		{"- name: G\n  terms: [{name: T, stewards: [ghost@example.com]}]\n", "ghost@example.com"},
		{"- name: G\n  terms: [{name: T, relatesTo: [{term: U, type: isA}]}]\n", `"U"`},
		{"- name: G\n  terms: [{name: T, status: gold}]\n", "status"},
		{"- name: G\n  colour: red\n", "colour"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "glossaries.yaml"), []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		s := sim.New(core.Options{})
		err := s.LoadSeed(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "glossaries.yaml") {
			t.Errorf("%q: err = %v, want it to mention %q", tc.yaml, err, tc.want)
		}
		if len(glossaries.Glossaries.In(s.St)) != 0 {
			t.Errorf("%q: a failed seed left glossaries behind", tc.yaml)
		}
	}
}

func TestGlossaryDemoSeed(t *testing.T) {
	e := newEnv(t, core.Options{})
	if err := e.S.LoadSeed(demoSeed); err != nil {
		t.Fatal(err)
	}
	g := simtest.List(e.Must(200, e.Do("GET", "/api/v1/glossaries", nil)), "data")[0].(map[string]any)
	fin := simtest.List(e.Must(200, e.Do("GET", "/api/v1/spaces?name=Finance", nil)), "data")[0].(map[string]any)
	if g["name"] != "Finance Glossary" || g["spaceId"] != fin["id"] {
		t.Errorf("seeded glossary = %v", g)
	}
	terms := e.Must(200, e.Do("GET", "/api/v1/glossaries/"+simtest.Str(g["id"])+`/terms?filter=status%20eq%20%22verified%22&countTotal=true`, nil))
	if terms["meta"].(map[string]any)["countTotal"] != 3.0 {
		t.Errorf("verified terms = %v", terms["meta"])
	}
	for _, name := range []string{"HR Confidential", "Marketing Sandbox"} {
		sp := core.SpaceByName(e.S.St, name)
		if sp == nil || glossaries.GlossariesInSpace(e.S.St, sp.ID) != 0 {
			t.Errorf("space %q must stay free of glossaries", name)
		}
	}
}
