// Package githubactions holds GitHub Actions workflows for qlikops; this
// test checks they parse and that every qlikops command in them exists.
package githubactions

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/testkit/recipetest"
)

func workflow(t *testing.T, name string) (map[string]any, string, int) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	n := recipetest.CheckFile(t, name, data)
	doc := recipetest.Docs(t, name, data)[0].(map[string]any)
	if doc["jobs"] == nil {
		t.Errorf("%s has no jobs", name)
	}
	on := doc["on"]
	if on == nil {
		on = doc["true"] // YAML 1.1 reads the key on as a boolean
	}
	if on == nil {
		t.Errorf("%s has no triggers (on:)", name)
	}
	b, _ := json.Marshal(on)
	return doc, string(b), n
}

func TestWorkflows(t *testing.T) {
	for _, tc := range []struct {
		file, trigger string
		commands      []string // substrings some qlikops command must have
	}{
		{"nightly-export.yml", `"schedule"`, []string{"export --repo . --push", "rehearse --repo . --format json"}},
		{"drift-check.yml", `"pull_request"`, []string{"drift --repo .", "plan --repo . --ref HEAD --format markdown"}},
		{"fleet-matrix.yml", `"schedule"`, []string{"fleet list --fleet fleet.yaml", "export --repo", "export --fleet fleet.yaml --parallel 4 --push"}},
		{"apply-on-merge.yml", `"push"`, []string{"apply --repo . --plan plan.json --yes"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc, on, n := workflow(t, tc.file)
			if !strings.Contains(on, tc.trigger) {
				t.Errorf("triggers %s, want %s", on, tc.trigger)
			}
			if n == 0 {
				t.Fatal("no qlikops command found")
			}
			raw, _ := os.ReadFile(tc.file)
			for _, c := range tc.commands {
				if !strings.Contains(string(raw), "qlikops "+c) {
					t.Errorf("no command qlikops %s", c)
				}
			}
			if tc.file == "apply-on-merge.yml" {
				b, _ := json.Marshal(doc["jobs"])
				if !strings.Contains(string(b), `"environment":"qlik-production"`) {
					t.Error("apply does not wait for an environment approval")
				}
			}
		})
	}
}

// TestMatrixFields: the matrix job reads name, url, repo and apiKeyEnv from
// qlikops fleet list -o json; they must be there.
func TestMatrixFields(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	cmd := exec.Command("go", "run", "../../cmd/qlikops", "fleet", "list", "--fleet", "../kubernetes/fleet.yaml", "--output", "json")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fleet list: %v", err)
	}
	var rows []map[string]string
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("fleet list -o json: %v\n%s", err, out)
	}
	if len(rows) != 2 || rows[0]["name"] != "acme" || rows[0]["apiKeyEnv"] != "ACME_QLIK_API_KEY" || rows[0]["url"] == "" || rows[0]["repo"] == "" {
		t.Errorf("fleet list rows: %v", rows)
	}
	wf, _ := os.ReadFile("fleet-matrix.yml")
	for _, field := range []string{"matrix.tenant.apiKeyEnv", "matrix.tenant.repo", "matrix.tenant.url", "matrix.tenant.name"} {
		if !strings.Contains(string(wf), field) {
			t.Errorf("fleet-matrix.yml does not use %s", field)
		}
	}
}
