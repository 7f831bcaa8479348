package kinds_test

import (
	"os"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
)

// The README's "What is covered" table is generated from the kinds'
// declared Coverage; `go test ./pkg/kinds -run TestReadmeCoverage -update`
// rewrites it.
func TestReadmeCoverageTable(t *testing.T) {
	b, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, kinds.CoverageHeader)
	if start < 0 {
		t.Fatalf("README has no table starting with %q", kinds.CoverageHeader)
	}
	end := start + len(kinds.CoverageHeader)
	for end < len(readme) && readme[end] == '|' {
		end += strings.IndexByte(readme[end:], '\n') + 1
	}
	want := kinds.CoverageTable(kinds.Default().All())
	if got := readme[start:end]; got != want {
		if *update {
			if err := os.WriteFile(readmeFile, []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README's \"What is covered\" table is not the one the kinds declare; run go test ./pkg/kinds -run TestReadmeCoverage -update\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestCoverageTableSharesTheRowOfEqualCoverage(t *testing.T) {
	same := kinds.Coverage{Exported: "e", Restored: "r", Reentry: "-", LeftOut: "-"}
	hs := []kinds.Handler{
		kinds.REST[struct{}, struct{}]{Desc: kinds.Desc{KindName: "A", Coverage: same}},
		kinds.REST[struct{}, struct{}]{Desc: kinds.Desc{KindName: "C", Coverage: kinds.Coverage{Exported: "x"}}},
		kinds.REST[struct{}, struct{}]{Desc: kinds.Desc{KindName: "B", Coverage: same}},
	}
	got := strings.TrimPrefix(kinds.CoverageTable(hs), kinds.CoverageHeader)
	want := "| A, B | e | r | - | - |\n| C | x |  |  |  |\n"
	if got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
}
