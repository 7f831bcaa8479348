package simtest

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Route coverage: every route a service serves under /api/ must be an
// operation of Qlik's OpenAPI specs, and the service package's tests must
// have validated at least one success response of each against the specs
// (CoverageMain, after a full run). The simulator's own /_sim/ endpoints are
// not Qlik's and are left out.

// CoverageMain is a service test package's TestMain: it runs the tests and
// then, when they all passed, no -run or -skip filter was given and the specs
// are present, checks that every /api/ route of the services had a success
// response validated against the specs.
func CoverageMain(m *testing.M, services ...core.Service) {
	code := m.Run()
	if code == 0 && fullRun() && SpecDir() != "" {
		if !CheckRouteCoverage(os.Stdout, APIRoutes(services...)) {
			code = 1
		}
	}
	os.Exit(code)
}

// APIRoutes returns the patterns ("METHOD /path/{param}") of every route the
// services serve under /api/.
func APIRoutes(services ...core.Service) []string {
	mux := core.NewRouteMux()
	core.NewServer(core.Options{}, services).RouteAPI(mux)
	var out []string
	for _, p := range mux.Patterns {
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

// WildcardRE matches a route pattern's {param} or {param...}.
var WildcardRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)

// RouteOp returns the spec operation ("METHOD /spec/{template}") serving a
// route pattern, by asking the checker about a concrete path built from it.
func RouteOp(chk *Checker, pattern string) (string, bool) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || strings.HasPrefix(method, "/") {
		return "", false // a pattern without a method serves every method: never Qlik's
	}
	concrete := WildcardRE.ReplaceAllStringFunc(path, func(w string) string {
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

func fullRun() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

// CheckRouteCoverage reports the routes without a validated success response
// (a failure) and, with -v, those without a validated documented error.
func CheckRouteCoverage(out *os.File, routes []string) bool {
	chk, err := LoadChecker(SpecDir(), "")
	if err != nil {
		fmt.Fprintln(out, "route coverage:", err)
		return false
	}
	success, errored := map[string]bool{}, map[string]bool{}
	for _, v := range Validated() {
		if v.Status < 400 {
			success[v.Op()] = true
		} else if v.Documented {
			errored[v.Op()] = true
		}
	}
	var uncovered, noError []string
	for _, p := range routes {
		op, ok := RouteOp(chk, p)
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
