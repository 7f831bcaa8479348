package store

import (
	"fmt"
	"strings"
	"testing"
)

// WalkChanges visits, newest first, only the commits that changed a file
// under the folders asked for, with those files; ReadPaths reads a file or
// folder as a commit has it.
func TestWalkChangesAndReadPaths(t *testing.T) {
	r := newRepo(t)
	_, first := snapshot(t, r, Files{"spaces/a.yaml": []byte("a1"), "groups/g.yaml": []byte("g1")}, "one")
	snapshot(t, r, Files{"spaces/a.yaml": []byte("a1"), "groups/g.yaml": []byte("g2")}, "two")
	_, third := snapshot(t, r, Files{"spaces/a.yaml": []byte("a2"), "spaces/b.yaml": []byte("b1"), "groups/g.yaml": []byte("g2")}, "three")

	walk := func(folders []string, stopAfter int) []string {
		var out []string
		err := r.WalkChanges("HEAD", folders, func(c CommitChange) error {
			out = append(out, fmt.Sprintf("%s %v parent=%v", strings.TrimSpace(c.Message), c.Paths, c.Parent != ""))
			if len(out) == stopAfter {
				return ErrStopWalk
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := fmt.Sprint(walk([]string{"spaces"}, 0)), "[three [spaces/a.yaml spaces/b.yaml] parent=true one [spaces/a.yaml] parent=false]"; got != want {
		t.Errorf("spaces: %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(walk([]string{"groups"}, 0)), "[two [groups/g.yaml] parent=true one [groups/g.yaml] parent=false]"; got != want {
		t.Errorf("groups: %s, want %s", got, want)
	}
	if got := walk(nil, 0); len(got) != 3 {
		t.Errorf("every folder: %v", got)
	}
	if got := walk(nil, 1); len(got) != 1 {
		t.Errorf("ErrStopWalk did not stop: %v", got)
	}
	if got := walk([]string{"users"}, 0); len(got) != 0 {
		t.Errorf("a folder no commit has: %v", got)
	}

	files, err := r.ReadPaths(first, []string{"spaces/a.yaml", "spaces/b.yaml"}, []string{"groups"})
	if err != nil {
		t.Fatal(err)
	}
	mustEqualFiles(t, files, Files{"spaces/a.yaml": []byte("a1"), "groups/g.yaml": []byte("g1")})
	if files, err = r.ReadPaths(third, []string{"spaces/b.yaml"}, nil); err != nil || string(files["spaces/b.yaml"]) != "b1" {
		t.Errorf("at %s: %v %v", third, files, err)
	}

}
