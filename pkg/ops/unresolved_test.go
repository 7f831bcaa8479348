package ops_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/sim"
)

// financeWithTypo is the exported Finance space plus a member whose email
// is mistyped (henri for henry), at line 17.
const financeWithTypo = `# yaml-language-server: $schema=../schemas/space.schema.json
apiVersion: qlikops.dev/v1
kind: Space
metadata:
  name: Finance
  id: 76ca1a0984d52a48849fb301
spec:
  type: managed
  description: Published finance reporting.
  members:
    - group: Executives
      roles: [basicconsumer]
    - group: Finance Analysts
      roles: [consumer]
    - user: bob.smith@example.com
      roles: [contributor, publisher]
    - user: henri.king@example.com
      roles: [consumer]
  owner: user:jane.doe@example.com
`

// A reference that resolves nowhere is an error before any write in the
// repo's own tenant, and a skipped, listed member in another tenant (a
// restore into a tenant behind the same identity provider).
func TestUnresolvedMemberOwnTenantVersusOtherTenant(t *testing.T) {
	_, srcURL := startSim(t, sim.Options{}, demoSeed)
	repo := runsCheckedRepo(t)
	if _, err := ops.Export(ctxFor(t, 20*time.Second), newEnv(t, repo, srcURL, 0)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "spaces", "finance-b696d755.yaml"), []byte(financeWithTypo), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "henri")

	dst, dstURL := startSim(t, sim.Options{}, idpOnlySeed)
	env := newEnv(t, repo, dstURL, 0)
	env.Include = []string{"groups", "spaces"}

	// The repo's own tenant: refused before the first write.
	dst.ResetStats()
	_, err := ops.Apply(ctxFor(t, 20*time.Second), env, ops.ApplyOptions{})
	var re *plan.RefError
	if !errors.As(err, &re) {
		t.Fatalf("own tenant: err = %v, want a RefError", err)
	}
	want := `spaces/finance-b696d755.yaml:17: field spec.members[3].user: user "henri.king@example.com" is not in the tenant`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("own tenant: err = %v\nwant it to contain %s", err, want)
	}
	if w := dst.Stats().Writes; w != 0 {
		t.Errorf("own tenant: %d writes before the refusal, want 0", w)
	}

	// Another tenant: the member is skipped and listed, the rest applied.
	env.OtherTenant = true
	res, err := ops.Apply(ctxFor(t, 20*time.Second), env, ops.ApplyOptions{})
	if err != nil {
		t.Fatalf("other tenant: %v", err)
	}
	wantListed := "Space/Finance: spec.members[3].user: user henri.king@example.com is not in the target tenant"
	if !slices.Contains(res.Plan.Unresolved, wantListed) {
		t.Errorf("other tenant: plan lists %q, want %q", res.Plan.Unresolved, wantListed)
	}
	var finance *apply.Outcome
	for i, o := range res.Report.Outcomes {
		if o.Kind == "Space" && o.Name == "Finance" {
			finance = &res.Report.Outcomes[i]
		}
	}
	if finance == nil || finance.Status != apply.Done || !slices.Equal(finance.Unresolved, []string{"user:henri.king@example.com"}) {
		t.Fatalf("other tenant: Finance outcome = %+v, want done with henri unresolved", finance)
	}
	if res.Report.Count(apply.Failed) != 0 {
		t.Errorf("other tenant: failures %+v", res.Report.Outcomes)
	}

	// The member that resolves is there; the typo is not.
	members := spaceMembers(t, env, "Finance")
	if !slices.Contains(members, "bob.smith@example.com") || slices.Contains(members, "henri.king@example.com") {
		t.Errorf("Finance members in the target = %v", members)
	}
}

// spaceMembers reads the members of a space back with drift's reader, so
// the check goes through the same normalization as the snapshot.
func spaceMembers(t *testing.T, env ops.Env, name string) []string {
	t.Helper()
	changes, err := ops.Drift(ctxFor(t, 20*time.Second), env, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range changes {
		if c.Kind != "Space" || c.Name != name || c.New == nil {
			continue
		}
		members, _ := c.New.Spec["members"].([]any)
		for _, m := range members {
			if u, ok := m.(map[string]any)["user"].(string); ok {
				out = append(out, u)
			}
		}
	}
	if out == nil {
		t.Fatalf("drift shows no members for %s: %+v", name, changes)
	}
	return out
}
