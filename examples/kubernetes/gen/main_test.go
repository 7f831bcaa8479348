package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/testkit/recipetest"
)

var update = flag.Bool("update", false, "rewrite ../cronjobs.yaml")

// goldenOptions are the flags ../cronjobs.yaml was generated with (see
// ../README.md).
var goldenOptions = Options{Fleet: "../fleet.yaml", Remote: "https://git.example.com/qlik-backups/{name}.git",
	Image: "ghcr.io/qlikops/qlikops:latest", GitImage: "alpine/git:2.47.2", Schedule: "17 2 * * *", Namespace: "qlikops", GitSecret: "qlikops-git"}

// TestCronJobsPerTenant: one CronJob per tenant of fleet.yaml, credentials
// from Secrets only, non-root, and a qlikops command that exists; the
// committed cronjobs.yaml is what the generator makes.
func TestCronJobsPerTenant(t *testing.T) {
	var out bytes.Buffer
	if err := Generate(&out, goldenOptions); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("../cronjobs.yaml", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile("../cronjobs.yaml")
	if err != nil || !bytes.Equal(golden, out.Bytes()) {
		t.Errorf("../cronjobs.yaml is not what gen makes (go test ./examples/kubernetes/gen -update): %v", err)
	}
	docs := recipetest.Docs(t, "cronjobs.yaml", out.Bytes())
	tenants := map[string]string{"acme": "QLIK_API_KEY", "globex": "QLIK_CLIENT_SECRET"}
	if len(docs) != len(tenants) {
		t.Fatalf("%d documents, want one per tenant (%d)", len(docs), len(tenants))
	}
	for _, d := range docs {
		b, _ := json.Marshal(d)
		var cj struct {
			Kind     string
			Metadata struct{ Name string }
			Spec     struct {
				JobTemplate struct {
					Spec struct {
						Template struct {
							Spec struct {
								InitContainers []container
								Containers     []container
							}
						}
					}
				}
			}
		}
		if err := json.Unmarshal(b, &cj); err != nil {
			t.Fatal(err)
		}
		tenant := strings.TrimPrefix(cj.Metadata.Name, "qlikops-export-")
		want, ok := tenants[tenant]
		if cj.Kind != "CronJob" || !ok {
			t.Errorf("unexpected %s %s", cj.Kind, cj.Metadata.Name)
			continue
		}
		delete(tenants, tenant)
		pod := cj.Spec.JobTemplate.Spec.Template.Spec
		if len(pod.InitContainers) != 2 || len(pod.Containers) != 1 {
			t.Fatalf("%s: %d init containers and %d containers, want clone and export, then rehearse", tenant, len(pod.InitContainers), len(pod.Containers))
		}
		c := pod.InitContainers[1]
		r := pod.Containers[0]
		recipetest.Check(t, cj.Metadata.Name+" rehearse", r.Args)
		if len(r.Args) == 0 || r.Args[0] != "rehearse" || len(r.Env) != 0 {
			t.Errorf("%s: the job's container runs %v with %d variables; want rehearse, with no credential", tenant, r.Args, len(r.Env))
		}
		recipetest.Check(t, cj.Metadata.Name, c.Args)
		if !contains(c.Args, "--push") || !c.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: args %v, runAsNonRoot %v", tenant, c.Args, c.SecurityContext.RunAsNonRoot)
		}
		found := false
		for _, e := range c.Env {
			if e.Value != "" {
				t.Errorf("%s: %s has a literal value; credentials come from Secrets", tenant, e.Name)
			}
			if e.Name == want && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef.Name == "qlikops-"+tenant {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %s does not come from the Secret qlikops-%s", tenant, want, tenant)
		}
	}
	if len(tenants) > 0 {
		t.Errorf("no CronJob for %v", tenants)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// container is what the test reads of a pod's container.
type container struct {
	Args []string
	Env  []struct {
		Name      string
		Value     string
		ValueFrom *struct {
			SecretKeyRef struct{ Name, Key string }
		}
	}
	SecurityContext struct{ RunAsNonRoot bool }
}

// TestDockerfile: the final stage is distroless or scratch and runs as a
// non-root user. It builds the image where Docker works.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(string(data), -1)
	if len(froms) == 0 {
		t.Fatal("no FROM")
	}
	if last := froms[len(froms)-1][1]; !strings.Contains(last, "distroless") && last != "scratch" {
		t.Errorf("final stage %s, want distroless or scratch", last)
	}
	users := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(string(data), -1)
	if len(users) == 0 {
		t.Fatal("no USER: the image would run as root")
	}
	if u := users[len(users)-1][1]; strings.HasPrefix(u, "root") || strings.HasPrefix(u, "0") {
		t.Errorf("USER %s is root", u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "info").CombinedOutput(); err != nil {
		t.Skipf("docker is not available here (docker info: %v: %s), so the image was not built; the checks above ran", err, lastLine(out))
	}
	if testing.Short() {
		t.Skip("-short: the image was not built")
	}
	build, cancelBuild := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancelBuild()
	cmd := exec.CommandContext(build, "docker", "build", "-q", "-f", "examples/kubernetes/Dockerfile", "-t", "qlikops-test:dockerfile", ".")
	cmd.Dir = "../../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(build, "docker", "run", "--rm", "qlikops-test:dockerfile", "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "qlikops version") {
		t.Errorf("docker run qlikops --version: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(build, "docker", "image", "inspect", "-f", "{{.Config.User}}", "qlikops-test:dockerfile").Output(); err != nil || strings.TrimSpace(string(out)) == "" || strings.HasPrefix(string(out), "root") {
		t.Errorf("image user %q (%v), want non-root", out, err)
	}
}

// lastLine is where docker info says what is wrong.
func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
