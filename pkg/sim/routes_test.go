package sim

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/simtest"
)

// Route coverage: every route qliksim serves under /api/ must be an operation
// of Qlik's OpenAPI specs (TestRoutesHaveSpecOperations), and the package's
// tests must have validated at least one success response of each against the
// specs (TestMain, after a full run). The simulator's own /_sim/ endpoints are
// not Qlik's and are left out explicitly.

// apiRoutes returns the patterns ("METHOD /path/{param}") of every route the
// simulator serves under /api/.
func apiRoutes() []string {
	mux := newRouteMux()
	New(Options{}).routeAPI(mux)
	var out []string
	for _, p := range mux.patterns {
		_, path, _ := strings.Cut(p, " ")
		switch {
		case strings.HasPrefix(path, "/_sim/"):
			continue // the simulator's own test endpoints: not part of Qlik's API
		case !strings.HasPrefix(path, "/api/"):
			continue
		}
		out = append(out, p)
	}
	return out
}

var wildcardRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)

// routeOp returns the spec operation ("METHOD /spec/{template}") serving a
// route pattern, by asking the checker about a concrete path built from it.
func routeOp(chk *simtest.Checker, pattern string) (string, bool) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || strings.HasPrefix(method, "/") {
		return "", false // a pattern without a method serves every method: never Qlik's
	}
	concrete := wildcardRE.ReplaceAllStringFunc(path, func(w string) string {
		if strings.HasSuffix(w, "...}") {
			return "file.js" // one segment: the specs' {filepath} is one too
		}
		return "sample-" + strings.Trim(w, "{}")
	})
	specPath, ok := chk.Operation(method, concrete)
	if !ok {
		return "", false
	}
	return method + " " + specPath, true
}

func TestRoutesHaveSpecOperations(t *testing.T) {
	chk := simtest.NewChecker(t, "")
	routes := apiRoutes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes collected: %v", len(routes), routes)
	}
	for _, bogus := range []string{"GET /api/v1/not-qliks", "PUT /api/v1/themes/{id}", "/api/v1/spaces"} {
		if op, ok := routeOp(chk, bogus); ok {
			t.Errorf("routeOp(%q) = %q: the check would prove nothing", bogus, op)
		}
	}
	var missing []string
	for _, p := range routes {
		if _, ok := routeOp(chk, p); !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d routes match no operation of simtest.DefaultSpecs:\n  %s",
			len(missing), len(routes), strings.Join(missing, "\n  "))
	}
}

// TestMain runs the package's tests and then, when they all passed, no -run or
// -skip filter was given and the specs are present, checks that every /api/
// route had at least one success response validated against the specs.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && fullRun() && simtest.SpecDir() != "" {
		if !checkRouteCoverage(os.Stdout) {
			code = 1
		}
	}
	os.Exit(code)
}

func fullRun() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// checkRouteCoverage reports the routes without a validated success response
// (a failure) and, with -v, those without a validated documented error.
func checkRouteCoverage(out *os.File) bool {
	chk, err := simtest.LoadChecker(simtest.SpecDir(), "")
	if err != nil {
		fmt.Fprintln(out, "route coverage:", err)
		return false
	}
	success, errored := map[string]bool{}, map[string]bool{}
	for _, v := range simtest.Validated() {
		if v.Status < 400 {
			success[v.Op()] = true
		} else if v.Documented {
			errored[v.Op()] = true
		}
	}
	var uncovered, noError []string
	routes := apiRoutes()
	for _, p := range routes {
		op, ok := routeOp(chk, p)
		switch {
		case !ok:
			uncovered = append(uncovered, p+"  (no spec operation)")
		case !success[op]:
			uncovered = append(uncovered, p)
		case !errored[op]:
			noError = append(noError, p)
		}
	}
	slices.Sort(uncovered)
	slices.Sort(noError)
	fmt.Fprintf(out, "route coverage: %d/%d /api/ routes with a spec-validated success response, %d also with a documented error status\n",
		len(routes)-len(uncovered), len(routes), len(routes)-len(uncovered)-len(noError))
	if testing.Verbose() && len(noError) > 0 {
		fmt.Fprintf(out, "routes without a validated documented error status:\n  %s\n", strings.Join(noError, "\n  "))
	}
	if len(uncovered) > 0 {
		fmt.Fprintf(out, "FAIL: %d routes without a spec-validated success response:\n  %s\n",
			len(uncovered), strings.Join(uncovered, "\n  "))
		return false
	}
	return true
}

// Every service's spec files are the ones the checker loads by default, so
// a new service cannot be added without its specs.
func TestServiceSpecsAreDefaultSpecs(t *testing.T) {
	got := slices.Sorted(slices.Values(New(Options{}).Specs()))
	want := slices.Sorted(slices.Values(simtest.DefaultSpecs))
	if !slices.Equal(got, want) {
		t.Errorf("services' specs = %v\nsimtest.DefaultSpecs = %v", got, want)
	}
}
