package cli_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// Expectations that follow from the kind registry and the demo tenant, so
// that adding a kind needs no edit to the scripts that cover every kind.
// Every script sees them as variables (use ${NAME@R} inside a regexp):
//
//	KIND_FOLDERS      every kind's folder in registry order, ", "-joined:
//	                  the Qlikops-Kinds trailer, the "known:" list of an
//	                  unknown-kind error
//	KIND_FOLDERS_CSV  the same, ","-joined, for --kinds and --exclude-kinds
//	DEMO_EXPORTED     what a full export of $DEMO_SEED reports after
//	                  "Exported ": "8 tenant settings, 2 brands, …"
//	DEMO_RESOURCES    how many resources that export holds
//
// The demo counts come from the golden export in testdata/golden/demo-tenant
// (go test ./pkg/kinds -run Golden -update rewrites it), decoded document by
// document: a reviewed file, not this build's export, so a script still
// fails when export loses or invents a resource. The phrase is formatted
// here, independently of the CLI, by the rule its summary follows: kinds
// in registry order, the tenant's singletons as one "tenant settings"
// entry where the first of them stands, the folder name as the noun,
// singular for one.
var registryEnv = sync.OnceValues(func() (map[string]string, error) {
	reg := kinds.Default()
	var folders []string
	for _, h := range reg.All() {
		folders = append(folders, h.Folder())
	}
	files, err := readTree(filepath.Join(repoRootDir(), "testdata", "golden", "demo-tenant"))
	if err != nil {
		return nil, fmt.Errorf("read the golden demo export (go test ./pkg/kinds -run Golden -update writes it): %w", err)
	}
	docs, err := snapshot.Decode(reg, kinds.Kinds(reg.All()), files)
	if err != nil {
		return nil, fmt.Errorf("decode the golden demo export: %w", err)
	}
	count := map[string]int{}
	for _, d := range docs {
		count[d.Kind]++
	}
	var phrase []string
	settings, at := 0, -1
	for _, h := range reg.All() {
		if reg.Policy(h.Kind()).Singleton {
			if at < 0 {
				at = len(phrase)
				phrase = append(phrase, "")
			}
			settings += count[h.Kind()]
			continue
		}
		phrase = append(phrase, countNoun(count[h.Kind()], h.Folder()))
	}
	if at >= 0 {
		phrase[at] = countNoun(settings, "tenant settings")
	}
	return map[string]string{
		"KIND_FOLDERS":     strings.Join(folders, ", "),
		"KIND_FOLDERS_CSV": strings.Join(folders, ","),
		"DEMO_EXPORTED":    strings.Join(phrase, ", "),
		"DEMO_RESOURCES":   fmt.Sprint(len(docs)),
	}, nil
})

// countNoun is "3 spaces", "1 space", "1 glossary" for the plural noun.
func countNoun(n int, plural string) string {
	if n != 1 {
		return fmt.Sprintf("%d %s", n, plural)
	}
	if stem, ok := strings.CutSuffix(plural, "ies"); ok {
		return "1 " + stem + "y"
	}
	return "1 " + strings.TrimSuffix(plural, "s")
}

func repoRootDir() string {
	abs, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return abs
}

// readTree reads every file below dir, by slash path relative to it.
func readTree(dir string) (snapshot.Files, error) {
	files := snapshot.Files{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	return files, err
}

// cmdGrab writes to FILE the lines of the last command's stdout that match
// REGEXP, each as its first parenthesized group if it has one, and fails
// if none matches: grab REGEXP FILE. With cmp against a file of the script
// it makes a golden value of an output line's variable part, which
// `go test ./pkg/cli -run TestScripts/NAME -update` rewrites:
//
//	grab 'Plan for commit \S+ to tenant \S+ \(id \S+\): (.*)' plan.txt
//	cmp plan.txt want-plan.txt
func cmdGrab(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: grab REGEXP FILE")
	}
	re, err := regexp.Compile("(?m)" + args[0])
	ts.Check(err)
	var out strings.Builder
	for _, m := range re.FindAllStringSubmatch(ts.ReadFile("stdout"), -1) {
		v := m[0]
		if len(m) > 1 {
			v = m[1]
		}
		out.WriteString(strings.TrimSuffix(v, "\n") + "\n")
	}
	if out.Len() == 0 {
		ts.Fatalf("grab: no line of stdout matches %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out.String()), 0o644))
}
