package ops_test

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/sim"
)

// A failed read of the audit log never fails the export and never says
// "nobody": every changed resource is "unknown", the run record has the
// failure and a warning, and the author stays git config's.
func TestExportAuditReadFailureIsAWarning(t *testing.T) {
	var broken atomic.Bool
	fail := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if broken.Load() && strings.HasPrefix(r.URL.Path, "/api/v1/audits") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"errors":[{"code":"HTTP-403","title":"Forbidden"}]}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	_, url := startSim(t, sim.Options{Middleware: []func(http.Handler) http.Handler{fail}}, demoSeed)
	repo := runsCheckedRepo(t)
	env := newEnv(t, repo, url, 1)
	if _, err := ops.Export(ctxFor(t, 20*time.Second), env); err != nil {
		t.Fatal(err)
	}
	patch := []map[string]any{{"op": "replace", "path": "/description", "value": "changed"}}
	var spaces struct{ Data []struct{ ID, Name string } }
	if err := env.Client.Do(ctxFor(t, 5*time.Second), "GET", "/api/v1/spaces?limit=100", nil, &spaces); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(spaces.Data, func(s struct{ ID, Name string }) bool { return s.Name == "Finance" })
	if err := env.Client.Do(ctxFor(t, 5*time.Second), "PATCH", "/api/v1/spaces/"+spaces.Data[i].ID, patch, nil); err != nil {
		t.Fatal(err)
	}
	broken.Store(true)
	res, err := ops.Export(ctxFor(t, 20*time.Second), env)
	if err != nil || res.Partial() || res.Commit == "" {
		t.Fatalf("export: %v, partial %v, commit %q", err, res.Partial(), res.Commit)
	}
	a := res.Manifest.Audit
	if a == nil || a.Status != ops.AuditFailed || !strings.Contains(a.Reason, "403") {
		t.Errorf("audit report = %+v", a)
	}
	if !slices.ContainsFunc(res.Manifest.Warnings, func(w string) bool { return strings.Contains(w, "who changed what is unknown") }) {
		t.Errorf("no warning: %v", res.Manifest.Warnings)
	}
	msg := git(t, repo, "log", "-1", "--format=%B")
	if !strings.Contains(msg, "\nChanged-by: unknown (Space Finance; the audit log could not be read)\n") {
		t.Errorf("message:\n%s", msg)
	}
	if author := git(t, repo, "log", "-1", "--format=%ae"); strings.Contains(author, "admin@example.com") {
		t.Errorf("author %s: a failed read named someone", author)
	}
}
