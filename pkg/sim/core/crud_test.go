package core_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// The generic handler, on a made-up kind served outside /api/ (so that the
// spec-validating client leaves it alone): a gadget with a unique name, a
// colour, a secret that is never rendered, and a flag.

type gadget struct {
	core.Row
	Name   string   `json:"name"`
	Colour string   `json:"colour"`
	Tags   []string `json:"tags,omitempty"`
	Secret string   `json:"secret,omitempty"`
	Shiny  bool     `json:"shiny"`
	Locked string   `json:"locked,omitempty"` // server-managed, read-only
}

var gadgets = core.NewTable[gadget]("crudtestGadgets")

var gadgetErrors = &core.ErrorStyle{Code: "GADGETS", NotFoundCode: "GADGET_NOT_FOUND",
	Body: func(f core.ErrorFields) any {
		e := f.Entry()
		if f.Source != nil {
			e["source"] = f.Source
		}
		return core.ErrorsBody(e)
	}}

func gadgetResource(paging core.Paging, verbs core.Verb) *core.Resource[gadget] {
	return &core.Resource[gadget]{
		Table: gadgets, Path: "/test/gadgets", Label: "gadget", Verbs: verbs,
		Row:    func(g *gadget) *core.Row { return &g.Row },
		Paging: paging, DefaultLimit: 3, DefaultSort: "+name",
		Sorts: map[string]func(*gadget) string{
			"name":      func(g *gadget) string { return strings.ToLower(g.Name) },
			"createdAt": func(g *gadget) string { return core.FmtTime(g.CreatedAt) },
		},
		Filters: map[string]core.Filter[gadget]{
			"name":   core.WildcardFilter(func(g *gadget) string { return g.Name }),
			"colour": core.EqualFilter(func(g *gadget) string { return g.Colour }),
			"shiny":  core.BoolFilter(func(g *gadget) bool { return g.Shiny }),
			"tags":   core.AnyOfFilter(func(g *gadget) []string { return g.Tags }),
		},
		ReadOnly:  []string{"locked"},
		Patchable: []string{"/name", "/colour", "/shiny", "/secret"},
		PatchOps:  []string{"replace", "remove"},
		Key:       func(g *gadget) string { return g.Name }, KeyField: "name",
		Codes: core.ErrorCodes{MissingField: "GADGETS-MISSING", InvalidPatch: "GADGETS-PATCH"},
		Prepare: func(s *core.Server, st *core.State, g, old *gadget) *core.Invalid {
			if old != nil {
				g.Locked = old.Locked
			} else {
				g.Locked = "set-by-server"
			}
			if strings.TrimSpace(g.Name) == "" {
				return &core.Invalid{Pointer: "/name", Detail: "name is required", Missing: true}
			}
			if g.Colour == "" {
				g.Colour = "grey"
			}
			return nil
		},
		Render: func(r *http.Request, st *core.State, g *gadget) any {
			return map[string]any{"id": g.ID, "name": g.Name, "colour": g.Colour, "tags": g.Tags, "shiny": g.Shiny,
				"locked": g.Locked, "hasSecret": g.Secret != "", "createdAt": core.FmtTime(g.CreatedAt),
				"updatedAt": core.FmtTime(g.UpdatedAt), "createdBy": g.CreatedBy}
		},
	}
}

const allVerbs = core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbPatch | core.VerbDelete

func gadgetEnv(t *testing.T, paging core.Paging, verbs core.Verb) (*simtest.Env, interface{ Add(time.Duration) }) {
	t.Helper()
	clock := simtest.NewFakeClock()
	res := gadgetResource(paging, verbs)
	svc := core.Service{Name: "gadgets",
		APIs:   []core.API{{Prefixes: []string{"/test/gadgets"}, Errors: gadgetErrors}},
		Routes: func(s *core.Server, mux *core.RouteMux) { res.Route(s, mux) },
		Init: func(s *core.Server, st *core.State) { // a caller to stamp createdBy with
			u := &core.User{ID: "u1", Subject: "tester", Status: "active"}
			core.Users.Put(st, u.ID, u)
			st.CallerID = u.ID
		},
	}
	s := core.NewServer(core.Options{Now: clock.Now}, []core.Service{svc})
	return simtest.NewEnv(t, s, ""), clock
}

func mustCode(t *testing.T, r simtest.Resp, status int, code string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	e := simtest.FirstError(t, r.Obj())
	if code != "" && e["code"] != code {
		t.Errorf("code = %v, want %s: %s", e["code"], code, r.Raw)
	}
	return e
}

func TestCRUDCreateGetPutPatchDelete(t *testing.T) {
	e, clock := gadgetEnv(t, core.LinkCursors, allVerbs)
	g := e.Must(201, e.Do("POST", "/test/gadgets", map[string]any{
		"name": "Widget", "secret": "s3cret-value", "id": "client-chosen", "locked": "client", "createdAt": "1999-01-01T00:00:00Z"}))
	id := simtest.Str(g["id"])
	if !core.IsUUID(id) || g["locked"] != "set-by-server" || g["colour"] != "grey" || g["createdBy"] != "u1" {
		t.Errorf("created = %v: server-managed fields must come from the server", g)
	}
	if g["createdAt"] != "2026-01-02T03:04:05.000Z" || g["hasSecret"] != true {
		t.Errorf("created = %v", g)
	}
	simtest.NoSecrets(t, "create answer", e.Do("GET", "/test/gadgets/"+id, nil).Raw, "s3cret-value")

	// 409 on the natural key, case-insensitively; 400 with its own code on a missing name.
	mustCode(t, e.Do("POST", "/test/gadgets", map[string]any{"name": "WIDGET"}), 409, "GADGETS-409")
	if src := mustCode(t, e.Do("POST", "/test/gadgets", map[string]any{"colour": "red"}), 400, "GADGETS-MISSING")["source"]; fmt.Sprint(src) != "map[pointer:/name]" {
		t.Errorf("missing name source = %v", src)
	}
	mustCode(t, e.Do("POST", "/test/gadgets", map[string]any{"name": 7}), 400, "GADGETS-400")
	mustCode(t, e.Do("POST", "/test/gadgets", "[1]"), 400, "")

	// PUT replaces: omitted fields are cleared, server fields kept.
	clock.Add(60e9)
	p := e.Must(200, e.Do("PUT", "/test/gadgets/"+id, map[string]any{"name": "Widget", "colour": "blue", "locked": "again"}))
	if p["colour"] != "blue" || p["hasSecret"] != false || p["locked"] != "set-by-server" ||
		p["createdAt"] != g["createdAt"] || p["updatedAt"] == g["updatedAt"] {
		t.Errorf("after PUT = %v", p)
	}

	// PATCH: allowed ops on allowed paths only; 204 by default.
	e.Must(204, e.Do("PATCH", "/test/gadgets/"+id, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Gizmo"}, {"op": "replace", "path": "/shiny", "value": true}}))
	got := e.Must(200, e.Do("GET", "/test/gadgets/"+id, nil))
	if got["name"] != "Gizmo" || got["shiny"] != true || got["colour"] != "blue" {
		t.Errorf("after PATCH = %v", got)
	}
	e.Must(204, e.Do("PATCH", "/test/gadgets/"+id, []map[string]any{{"op": "remove", "path": "/colour"}}))
	if got := e.Must(200, e.Do("GET", "/test/gadgets/"+id, nil)); got["colour"] != "grey" {
		t.Errorf("a removed colour is defaulted again by Prepare: %v", got)
	}
	for _, bad := range [][]map[string]any{
		{{"op": "add", "path": "/name", "value": "x"}},        // op not allowed
		{{"op": "replace", "path": "/locked", "value": "x"}},  // path not allowed
		{{"op": "replace", "path": "/name"}},                  // no value
		{{"op": "replace", "path": "/shiny", "value": "yes"}}, // wrong type
	} {
		mustCode(t, e.Do("PATCH", "/test/gadgets/"+id, bad), 400, "")
	}
	mustCode(t, e.Do("PATCH", "/test/gadgets/"+id, map[string]any{"op": "replace"}), 400, "GADGETS-PATCH")
	e.Must(201, e.Do("POST", "/test/gadgets", map[string]any{"name": "Other"}))
	mustCode(t, e.Do("PATCH", "/test/gadgets/"+id, []map[string]any{{"op": "replace", "path": "/name", "value": "other"}}), 409, "")
	mustCode(t, e.Do("PUT", "/test/gadgets/"+id, map[string]any{"name": ""}), 400, "GADGETS-MISSING")
	if got := e.Must(200, e.Do("GET", "/test/gadgets/"+id, nil)); got["name"] != "Gizmo" {
		t.Errorf("a refused update changed the item: %v", got)
	}

	e.Must(204, e.Do("DELETE", "/test/gadgets/"+id, nil))
	for _, m := range []string{"GET", "DELETE"} {
		mustCode(t, e.Do(m, "/test/gadgets/"+id, nil), 404, "GADGET_NOT_FOUND")
	}
	mustCode(t, e.Do("PUT", "/test/gadgets/"+id, map[string]any{"name": "x"}), 404, "GADGET_NOT_FOUND")
	mustCode(t, e.Do("PATCH", "/test/gadgets/"+id, []map[string]any{}), 404, "GADGET_NOT_FOUND")
}

func TestCRUDServesOnlyDeclaredVerbs(t *testing.T) {
	e, _ := gadgetEnv(t, core.LinkCursors, core.VerbList|core.VerbCreate|core.VerbGet)
	g := e.Must(201, e.Do("POST", "/test/gadgets", map[string]any{"name": "A"}))
	for _, m := range []string{"PUT", "PATCH", "DELETE"} {
		if r := e.Do(m, "/test/gadgets/"+simtest.Str(g["id"]), map[string]any{}); r.Status != 405 {
			t.Errorf("%s = %d, want 405", m, r.Status)
		}
	}
}

// names pages through a list from path and returns the names in order.
func names(t *testing.T, e *simtest.Env, path string, back bool) ([]string, int) {
	t.Helper()
	var out []string
	pages := 0
	for href := path; href != ""; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		l := e.Must(200, e.Do("GET", href, nil))
		links, _ := l["links"].(map[string]any)
		if self, _ := links["self"].(map[string]any); !strings.HasPrefix(simtest.Str(self["href"]), e.Ts.URL+"/test/gadgets") {
			t.Fatalf("self link %v is not absolute", links["self"])
		}
		var page []string
		for _, d := range simtest.List(l, "data") {
			page = append(page, simtest.Str(d.(map[string]any)["name"]))
		}
		if back {
			out = append(page, out...)
		} else {
			out = append(out, page...)
		}
		dir := "next"
		if back {
			dir = "prev"
		}
		link, _ := links[dir].(map[string]any)
		href = simtest.Str(link["href"])
	}
	return out, pages
}

func TestCRUDListPagingSortFilter(t *testing.T) {
	for _, paging := range []core.Paging{core.LinkCursors, core.IDCursors} {
		t.Run(fmt.Sprint(paging), func(t *testing.T) {
			e, clock := gadgetEnv(t, paging, allVerbs)
			for i, n := range []string{"delta", "Alpha", "echo", "charlie", "bravo", "foxtrot", "golf"} {
				clock.Add(1e9)
				e.Must(201, e.Do("POST", "/test/gadgets", map[string]any{"name": n, "shiny": i%2 == 0,
					"tags": []string{fmt.Sprint("t", i%3)}}))
			}
			want := []string{"Alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"}
			got, pages := names(t, e, "/test/gadgets", false)
			if !slices.Equal(got, want) || pages != 3 {
				t.Errorf("forward by default sort = %v in %d pages", got, pages)
			}
			got, _ = names(t, e, "/test/gadgets?sort=-createdAt&limit=2", false)
			if !slices.Equal(got, []string{"golf", "foxtrot", "bravo", "charlie", "echo", "Alpha", "delta"}) {
				t.Errorf("by -createdAt = %v", got)
			}
			// From the last page back to the first with prev links.
			l := e.Must(200, e.Do("GET", "/test/gadgets?limit=5", nil))
			next := simtest.Str(l["links"].(map[string]any)["next"].(map[string]any)["href"])
			got, _ = names(t, e, next, true)
			if !slices.Equal(got, want) {
				t.Errorf("backward = %v", got)
			}
			for q, w := range map[string][]string{
				"name=A*":              {"Alpha"},
				"name=o":               {"echo", "bravo", "foxtrot", "golf"},
				"shiny=true":           {"delta", "echo", "bravo", "golf"},
				"tags=t1,t2":           {"Alpha", "echo", "bravo", "foxtrot"},
				"shiny=false&name=*ie": {"charlie"},
			} {
				got, _ := names(t, e, "/test/gadgets?limit=100&sort=createdAt&"+q, false)
				if !slices.Equal(got, w) {
					t.Errorf("%s = %v, want %v", q, got, w)
				}
			}
			for _, q := range []string{"limit=0", "limit=101", "sort=colour", "shiny=maybe", "next=x&prev=y",
				"startingAfter=a&endingBefore=b"} {
				if paging == core.IDCursors && strings.HasPrefix(q, "next") || paging == core.LinkCursors && strings.HasPrefix(q, "starting") {
					continue
				}
				param := strings.SplitN(q, "=", 2)[0]
				e2 := mustCode(t, e.Do("GET", "/test/gadgets?"+q, nil), 400, "GADGETS-400")
				if src, _ := e2["source"].(map[string]any); src["parameter"] != param {
					t.Errorf("%s: source = %v", q, e2["source"])
				}
			}
			bad := "/test/gadgets?next=" + url.QueryEscape("!!")
			if paging == core.IDCursors {
				bad = "/test/gadgets?startingAfter=no-such-id"
			}
			mustCode(t, e.Do("GET", bad, nil), 400, "")
		})
	}
}
