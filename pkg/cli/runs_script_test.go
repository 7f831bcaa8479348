package cli_test

import (
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/store"
	"github.com/qlikops/qlikops/schemas"
)

// cmdValidateRuns checks every record on the runs ref of a repo against
// schemas/run-record.schema.json: validate-runs REPO [N]. With N it also
// fails unless the ref holds exactly N records.
func cmdValidateRuns(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: validate-runs REPO [N]")
	}
	repo, err := store.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	runs, err := repo.Runs(0)
	ts.Check(err)
	if len(runs) == 0 {
		ts.Fatalf("no run records on %s", store.RunsRef)
	}
	for i, raw := range runs {
		if err := schemas.ValidateRunRecord(raw); err != nil {
			ts.Fatalf("record %d (newest first): %v\n%s", i+1, err, raw)
		}
	}
	if len(args) == 2 {
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if len(runs) != want {
			ts.Fatalf("%d run records, want %d", len(runs), want)
		}
	}
}
