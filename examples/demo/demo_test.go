package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the whole story against real binaries, so `make demo`
// cannot rot without a failing test.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	bin := t.TempDir()
	for _, name := range []string{"qlikops", "qliksim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, name), "../../cmd/"+name).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	var out bytes.Buffer
	if err := run(&out, filepath.Join(bin, "qlikops"), filepath.Join(bin, "qliksim"), "../demo-tenant"); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "FAKE-") {
		t.Errorf("the demo printed a seeded secret:\n%s", out.String())
	}
	for _, want := range []string{
		"- Space HR Confidential",
		"password: ${secret:data-connections/Finance/Finance Snowflake/password}",
		"- spec.members[user=bob.smith@example.com]",
		"done create Space HR Confidential",
		"No drift",
		"qliksim counted 0 write calls during the second apply.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
