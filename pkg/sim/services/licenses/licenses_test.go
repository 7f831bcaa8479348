package licenses_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

const base = "/api/v1/licenses"

// seats reads the overview's units and units used of an allotment.
func seats(t *testing.T, e *simtest.Env, name string) (units, usedN float64) {
	t.Helper()
	ov := e.Must(200, e.Do("GET", base+"/overview", nil))
	for _, a := range simtest.List(ov, "allotments") {
		m := a.(map[string]any)
		if m["name"] == name {
			return m["units"].(float64), m["unitsUsed"].(float64)
		}
	}
	t.Fatalf("no allotment %s in %v", name, ov)
	return 0, 0
}

func TestSeededAssignmentsAndOverview(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	l := simtest.List(e.Must(200, e.Do("GET", base+"/assignments?limit=100", nil)), "data")
	if len(l) != 9 {
		t.Fatalf("seeded assignments = %d: %v", len(l), l)
	}
	first := l[0].(map[string]any)
	if first["subject"] != "auth0|admin" || first["type"] != "professional" || first["excess"] != false || first["created"] == nil {
		t.Errorf("first = %v", first)
	}
	if u, n := seats(t, e, "professional"); u != 5 || n != 3 {
		t.Errorf("professional %v/%v, want 3 of 5 used", n, u)
	}
	ov := e.Must(200, e.Do("GET", base+"/overview", nil))
	if ov["licenseNumber"] != "9999000000001204" || simtest.Str(ov["licenseKey"]) == "" {
		t.Errorf("overview = %v", ov)
	}
	e.Must(200, e.Do("GET", base+"/status", nil))
	// Paged by page cursors, two at a time.
	p := e.Must(200, e.Do("GET", base+"/assignments?limit=2&sort=-subject", nil))
	if got := simtest.List(p, "data"); len(got) != 2 || got[0].(map[string]any)["subject"] != "auth0|liam.owen" {
		t.Errorf("page 1 = %v", got)
	}
	if simtest.Str(p["links"].(map[string]any)["next"].(map[string]any)["href"]) == "" {
		t.Errorf("no next link: %v", p)
	}
	f := simtest.List(e.Must(200, e.Do("GET", base+`/assignments?filter=type%20eq%20%22professional%22`, nil)), "data")
	if len(f) != 3 {
		t.Errorf("professional filter = %v", f)
	}
	e.Must(400, e.Do("GET", base+"/assignments?limit=101", nil))
}

// Seats are enforced per type and entry by entry, in request order; a
// freed seat is available at once.
func TestSeatsAreCountedPerType(t *testing.T) {
	e := seededEnv(t, sim.Options{})
	r := e.Must(207, e.Do("POST", base+"/assignments/actions/add", map[string]any{"add": []any{
		map[string]any{"subject": "auth0|henry.king", "type": "professional"},
		map[string]any{"subject": "auth0|jack.moore", "type": "professional"},
		map[string]any{"subject": "auth0|karen.nash", "type": "professional"},
		map[string]any{"subject": "auth0|admin", "type": "analyzer"},
		map[string]any{"subject": "auth0|karen.nash", "type": "nonsense"},
	}}))
	var statuses []any
	for _, d := range simtest.List(r, "data") {
		statuses = append(statuses, d.(map[string]any)["status"])
	}
	if want := []any{201.0, 201.0, 403.0, 409.0, 400.0}; !equal(statuses, want) {
		t.Fatalf("statuses = %v, want %v: %v", statuses, want, r)
	}
	third := simtest.List(r, "data")[2].(map[string]any)
	if third["code"] != "LICENSES-011" || simtest.Str(third["title"]) == "" {
		t.Errorf("no-seat entry = %v", third)
	}
	if u, n := seats(t, e, "professional"); n != u {
		t.Errorf("professional %v of %v used, want full", n, u)
	}
	// Moving into a full type is refused; moving out frees a seat.
	up := func(subject, from, to string) float64 {
		r := e.Must(207, e.Do("POST", base+"/assignments/actions/update", map[string]any{"update": []any{
			map[string]any{"subject": subject, "sourceType": from, "type": to}}}))
		return simtest.List(r, "data")[0].(map[string]any)["status"].(float64)
	}
	if s := up("auth0|bob.smith", "analyzer", "professional"); s != 403 {
		t.Errorf("update into a full type = %v", s)
	}
	if s := up("auth0|jack.moore", "professional", "analyzer"); s != 200 {
		t.Errorf("update out = %v", s)
	}
	if s := up("auth0|bob.smith", "analyzer", "professional"); s != 200 {
		t.Errorf("update into the freed seat = %v", s)
	}
	if s := up("auth0|nobody", "analyzer", "professional"); s != 404 {
		t.Errorf("update of no assignment = %v", s)
	}
	d := e.Must(207, e.Do("POST", base+"/assignments/actions/delete", map[string]any{"delete": []any{
		map[string]any{"subject": "auth0|bob.smith", "type": "professional"},
		map[string]any{"subject": "auth0|bob.smith", "type": "professional"}}}))
	if got := simtest.List(d, "data"); got[0].(map[string]any)["status"] != 200.0 || got[1].(map[string]any)["code"] != "LICENSES-016" {
		t.Errorf("delete = %v", got)
	}
	e.Must(400, e.Do("POST", base+"/assignments/actions/add", map[string]any{"nothing": []any{}}))
	e.Must(400, e.Do("POST", base+"/assignments/actions/add", map[string]any{"add": []any{map[string]any{"type": "analyzer"}}}))
	// An orphan: a subject no user has.
	e.Must(207, e.Do("POST", base+"/assignments/actions/add", map[string]any{"add": []any{map[string]any{"subject": "auth0|gone", "type": "analyzer"}}}))
	o := simtest.List(e.Must(200, e.Do("GET", base+"/assignments?orphans=true", nil)), "data")
	if len(o) != 1 || o[0].(map[string]any)["subject"] != "auth0|gone" {
		t.Errorf("orphans = %v", o)
	}
}

func equal(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
