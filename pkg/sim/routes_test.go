package sim

import (
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// Route coverage: every route qliksim serves under /api/ must be an operation
// of Qlik's OpenAPI specs (TestRoutesHaveSpecOperations); each service
// package's tests must validate a success response of each of its routes
// (simtest.CoverageMain).

func TestRoutesHaveSpecOperations(t *testing.T) {
	chk := simtest.NewChecker(t, "")
	routes := simtest.APIRoutes(services...)
	if len(routes) < 50 {
		t.Fatalf("only %d routes collected: %v", len(routes), routes)
	}
	for _, bogus := range []string{"GET /api/v1/not-qliks", "PUT /api/v1/themes/{id}", "/api/v1/spaces"} {
		if op, ok := simtest.RouteOp(chk, bogus); ok {
			t.Errorf("simtest.RouteOp(%q) = %q: the check would prove nothing", bogus, op)
		}
	}
	var missing []string
	for _, p := range routes {
		if _, ok := simtest.RouteOp(chk, p); !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d routes match no operation of simtest.DefaultSpecs:\n  %s",
			len(missing), len(routes), strings.Join(missing, "\n  "))
	}
}

// Every service's spec files are the ones the checker loads by default, so
// a new service cannot be added without its specs. Two services may share a
// spec file (IP policies and auth settings are both in iam-resources).
func TestServiceSpecsAreDefaultSpecs(t *testing.T) {
	got := slices.Compact(slices.Sorted(slices.Values(New(core.Options{}).Specs())))
	want := slices.Sorted(slices.Values(simtest.DefaultSpecs))
	if !slices.Equal(got, want) {
		t.Errorf("services' specs = %v\nsimtest.DefaultSpecs = %v", got, want)
	}
}
