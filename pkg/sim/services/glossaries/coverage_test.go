package glossaries_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// A test for a route that the resource tests did not reach with a success
// response (route coverage, see pkg/sim/routes_test.go).

func TestGlossaryCategoryGet(t *testing.T) {
	e := newEnv(t, core.Options{})
	g := e.Must(201, e.Do("POST", "/api/v1/glossaries", map[string]any{"name": "Cats"}))
	base := "/api/v1/glossaries/" + simtest.Str(g["id"]) + "/categories"
	c := e.Must(201, e.Do("POST", base, map[string]any{"name": "Finance", "description": "money"}))
	got := e.Must(200, e.Do("GET", base+"/"+simtest.Str(c["id"]), nil))
	if got["id"] != c["id"] || got["name"] != "Finance" || got["glossaryId"] != g["id"] {
		t.Errorf("category = %v", got)
	}
	if code := GlCode(t, e.Do("GET", base+"/0123456789abcdef01234567", nil)); code != "BG-9" {
		t.Errorf("unknown category: %s", code)
	}
}

// actions/move is the older name of change-owner; both families serve it.
