// Package gitlabci holds a GitLab CI pipeline for qlikops; this test checks
// it parses and that every qlikops command in it exists.
package gitlabci

import (
	"os"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/testkit/recipetest"
)

func TestPipeline(t *testing.T) {
	data, err := os.ReadFile(".gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if n := recipetest.CheckFile(t, ".gitlab-ci.yml", data); n < 6 {
		t.Errorf("found %d qlikops commands, want at least 6", n)
	}
	doc := recipetest.Docs(t, ".gitlab-ci.yml", data)[0].(map[string]any)
	for _, job := range []string{"nightly-export", "drift", "apply", "fleet-export"} {
		j, ok := doc[job].(map[string]any)
		if !ok {
			t.Errorf("no job %s", job)
			continue
		}
		if j["script"] == nil || j["stage"] == nil {
			t.Errorf("job %s lacks script or stage", job)
		}
	}
	if script, _ := doc["nightly-export"].(map[string]any)["script"].([]any); len(script) == 0 || !strings.Contains(script[len(script)-1].(string), "qlikops rehearse --repo .") {
		t.Error("the nightly export does not rehearse a restore after exporting")
	}
	if env, _ := doc["apply"].(map[string]any)["environment"].(map[string]any); env["name"] != "qlik-production" {
		t.Error("apply does not run in a protected environment")
	}
}
