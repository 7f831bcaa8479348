package sim

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

func TestUsersPaginationFollowsNextLinks(t *testing.T) {
	e := newEnv(t, core.Options{})
	for i := range 24 { // + the built-in caller = 25 users
		e.Must(201, e.Do("POST", "/api/v1/users", map[string]any{
			"subject": fmt.Sprintf("s%02d", i), "name": fmt.Sprintf("User %02d", i)}))
	}
	seen := map[string]bool{}
	var pages []map[string]any
	next := "/api/v1/users?limit=10&sort=-name"
	for next != "" {
		p := e.Must(200, e.Do("GET", next, nil))
		pages = append(pages, p)
		for _, d := range simtest.List(p, "data") {
			id := simtest.Str(d.(map[string]any)["id"])
			if seen[id] {
				t.Fatalf("user %s seen twice", id)
			}
			seen[id] = true
		}
		next = ""
		if n, ok := p["links"].(map[string]any)["next"].(map[string]any); ok {
			next = simtest.Str(n["href"])
			if !strings.HasPrefix(next, e.Ts.URL+"/api/v1/users?") {
				t.Fatalf("next href %q is not absolute", next)
			}
			u, _ := url.Parse(next)
			if u.Query().Get("limit") != "10" || u.Query().Get("sort") != "-name" || u.Query().Get("next") == "" {
				t.Fatalf("next href %q lost query parameters", next)
			}
		}
		if len(pages) > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if len(pages) != 3 || len(seen) != 25 {
		t.Fatalf("%d pages, %d users; want 3 pages, 25 users", len(pages), len(seen))
	}
	if n := len(simtest.List(pages[2], "data")); n != 5 {
		t.Errorf("last page has %d users", n)
	}
	// descending by name: the first user of page 1 is the greatest name
	first := simtest.List(pages[0], "data")[0].(map[string]any)
	if first["name"] != "User 23" {
		t.Errorf("first user (sort=-name) = %v", first["name"])
	}
	// prev of page 2 is page 1
	prev := simtest.Str(pages[1]["links"].(map[string]any)["prev"].(map[string]any)["href"])
	back := e.Must(200, e.Do("GET", prev, nil))
	if fmt.Sprint(ids(back)) != fmt.Sprint(ids(pages[0])) {
		t.Errorf("prev page = %v, want %v", ids(back), ids(pages[0]))
	}
	if _, ok := pages[0]["links"].(map[string]any)["prev"]; ok {
		t.Errorf("first page has a prev link")
	}
}

func ids(page map[string]any) []string {
	var out []string
	for _, d := range simtest.List(page, "data") {
		out = append(out, simtest.Str(d.(map[string]any)["id"]))
	}
	return out
}

func TestLimitBounds(t *testing.T) {
	e := newEnv(t, core.Options{})
	for _, p := range []string{"/api/v1/users", "/api/v1/groups", "/api/v1/roles", "/api/v1/spaces"} {
		for _, l := range []string{"0", "101", "abc", "-1"} {
			r := e.Do("GET", p+"?limit="+l, nil)
			if r.Status != 400 {
				t.Errorf("%s?limit=%s: %d", p, l, r.Status)
			}
		}
		e.Must(200, e.Do("GET", p+"?limit=100", nil))
		e.Must(400, e.Do("GET", p+"?next=%25%25bad", nil))
	}
}

func TestSpacesPaginationDefaultLimit(t *testing.T) {
	e := newEnv(t, core.Options{})
	for i := range 12 {
		e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": fmt.Sprintf("S%02d", i), "type": "shared"}))
	}
	p := e.Must(200, e.Do("GET", "/api/v1/spaces", nil))
	if len(simtest.List(p, "data")) != 10 || p["meta"].(map[string]any)["count"] != 12.0 {
		t.Fatalf("page 1: %d items, meta %v", len(simtest.List(p, "data")), p["meta"])
	}
	next := simtest.Str(p["links"].(map[string]any)["next"].(map[string]any)["href"])
	p2 := e.Must(200, e.Do("GET", next, nil))
	if len(simtest.List(p2, "data")) != 2 || p2["links"].(map[string]any)["next"] != nil {
		t.Fatalf("page 2 = %v", p2)
	}
	if simtest.List(p2, "data")[0].(map[string]any)["name"] != "S10" {
		t.Errorf("creation order not kept: %v", simtest.List(p2, "data")[0])
	}
}
