package ops_test

import (
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
)

// A run killed after it moved the branch and before it recorded the run
// leaves an export commit no run record names. The next export must know
// it for the tool's own and commit on the branch, not send the live state
// to qlikops/drift as if a person had committed there; a commit a person
// made in the same place still goes to drift.
func TestExportAfterALostRunRecordStaysOnTheBranch(t *testing.T) {
	_, url := startSim(t, sim.Options{}, demoSeed)
	repo := t.TempDir()
	env := newEnv(t, repo, url, 5)
	env.Include = []string{"spaces"}
	export := func(name string) ops.ExportResult {
		t.Helper()
		if err := env.Client.Do(ctxFor(t, 5*time.Second), "POST", "/api/v1/spaces", map[string]any{"name": name, "type": "shared"}, nil); err != nil {
			t.Fatal(err)
		}
		res, err := ops.Export(ctxFor(t, 20*time.Second), env)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	export("First")
	lost := export("Second")
	// The kill: the branch moved, the record never reached the runs ref.
	git(t, repo, "update-ref", "refs/qlikops/runs", "refs/qlikops/runs~1")
	res := export("Third")
	if res.Manifest.Branch != "main" || res.Commit == "" {
		t.Fatalf("export after the lost record committed %q on %q; want a commit on main", res.Commit, res.Manifest.Branch)
	}
	if parent := strings.TrimSpace(git(t, repo, "rev-parse", res.Commit+"^")); parent != lost.Commit {
		t.Errorf("the new commit's parent is %s, want the unrecorded export %s", parent, lost.Commit)
	}

	// A person's commit on top (the committer is not qlikops) is unapplied
	// work: the next export with changes goes to the drift branch.
	git(t, repo, "-c", "user.name=Ann", "-c", "user.email=ann@example.com", "commit", "--allow-empty", "-q",
		"-m", "hand edit\n\n"+ops.KindsTrailer+": spaces")
	res = export("Fourth")
	if res.Manifest.Branch != ops.DriftBranch {
		t.Errorf("export over a person's commit went to %q; want %s", res.Manifest.Branch, ops.DriftBranch)
	}
}
