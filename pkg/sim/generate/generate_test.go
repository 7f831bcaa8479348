package generate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/generate"
	"github.com/qlikops/qlikops/pkg/sim/services/dataconnections"
	"github.com/qlikops/qlikops/pkg/sim/services/spaces"
)

var medium = generate.Counts{Spaces: 60, Assignments: 900, Users: 80, Groups: 10, Connections: 300,
	Automations: 25, Glossaries: 3, Terms: 40, Apps: 30}

func TestParse(t *testing.T) {
	got, err := generate.Parse("spaces=10, users=5,assignments=20,connections=3")
	if err != nil {
		t.Fatal(err)
	}
	if want := (generate.Counts{Spaces: 10, Users: 5, Assignments: 20, Connections: 3}); got != want {
		t.Errorf("Parse = %+v, want %+v", got, want)
	}
	for spec, wantErr := range map[string]string{
		"spaces=x":                       `spaces="x" is not a count`,
		"spaces=-1":                      `is not a count`,
		"widgets=3":                      `unknown key "widgets"`,
		"spaces":                         `"spaces" is not key=N`,
		"tasks=5,spaces=1":               "tasks: qliksim has no reload-tasks service",
		"assignments=5":                  "assignments=5 need spaces",
		"spaces=2,users=1,assignments=5": "2 spaces hold at most 2 members",
		"terms=4":                        "terms=4 need glossaries",
		"":                               "empty",
	} {
		_, err := generate.Parse(spec)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", spec, err, wantErr)
		}
	}
}

func write(t *testing.T, c generate.Counts, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	if err := generate.Write(dir, c, seed); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The same counts and seed give the same files; another seed another tenant.
func TestDeterministic(t *testing.T) {
	a, b, other := write(t, medium, 7), write(t, medium, 7), write(t, medium, 8)
	for _, f := range []string{"users.yaml", "spaces.yaml", "data-connections.yaml", "automations.yaml", "glossaries.yaml", "apps.yaml"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		z, _ := os.ReadFile(filepath.Join(other, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: two runs with seed 7 differ (or are empty: %d bytes)", f, len(x))
		}
		if bytes.Equal(x, z) {
			t.Errorf("%s: seeds 7 and 8 give the same file", f)
		}
	}
}

// The generated tenant loads through the services' own seed code and holds
// exactly the counts asked for, with skewed sizes and some long names.
func TestLoadsWithCountsAndSkew(t *testing.T) {
	s := sim.New(sim.Options{})
	start := time.Now()
	if err := sim.LoadGenerated(s, medium, 3); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d resources in %v", medium.Total(), time.Since(start))
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	if n := len(core.Users.In(st)); n != medium.Users+1 {
		t.Errorf("users = %d, want %d and the admin", n, medium.Users)
	}
	if n := len(core.Spaces.In(st)); n != medium.Spaces {
		t.Errorf("spaces = %d, want %d", n, medium.Spaces)
	}
	perSpace := map[string]int{}
	for _, a := range spaces.Assignments.In(st) {
		perSpace[a.SpaceID]++
	}
	total, biggest, small := 0, 0, 0
	for _, n := range perSpace {
		total += n
		biggest = max(biggest, n)
		if n <= medium.Assignments/medium.Spaces {
			small++
		}
	}
	if total != medium.Assignments {
		t.Errorf("assignments = %d, want %d", total, medium.Assignments)
	}
	if mean := medium.Assignments / medium.Spaces; biggest < 4*mean || small <= medium.Spaces/2 {
		t.Errorf("sizes not skewed: biggest space %d members (mean %d), %d of %d spaces at or under the mean", biggest, mean, small, medium.Spaces)
	}
	if n := len(dataconnections.DataConnections.In(st)); n != medium.Connections {
		t.Errorf("connections = %d, want %d", n, medium.Connections)
	}
	long := 0
	for _, sp := range core.Spaces.In(st) {
		if len([]rune(sp.Name)) > 100 {
			long++
		}
	}
	if long == 0 {
		t.Error("no space has a long name")
	}
}
