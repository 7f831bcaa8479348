package ops_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/secrets"
	"github.com/qlikops/qlikops/pkg/sim"
)

// Apply into an empty tenant while writes fail (5xx and resets, some after
// the tenant applied the write), then again without faults: every step is
// idempotent and resumable, so the result matches the snapshot with no
// duplicate of anything.
func TestApplyUnderFaultsIsResumable(t *testing.T) { testApplyResumable(t, 6) }

// The control: the same apply without faults.
func TestApplyIntoEmptyTenantWithoutFaults(t *testing.T) { testApplyResumable(t, 0) }

func testApplyResumable(t *testing.T, faultedRuns int) {
	_, srcURL := startSim(t, sim.Options{}, demoSeed)
	repo := runsCheckedRepo(t)
	if _, err := ops.Export(ctxFor(t, 20*time.Second), newEnv(t, repo, srcURL, 5)); err != nil {
		t.Fatal(err)
	}
	dst, dstURL := startSim(t, sim.Options{}, idpOnlySeed)
	env := newEnv(t, repo, dstURL, 2)
	env.Secrets = secrets.NewStore(map[string]string{ // as in restore_all_kinds.txtar
		"data-connections/Finance/Finance Snowflake/password":             "pw-1",
		"data-connections/Finance/Finance Snowflake/username":             "svc_finance",
		"data-connections/Finance/Finance Snowflake/connectStatement/PWD": "pw-2",
		"data-connections/Sales Analytics/CRM REST API/password":          "pw-3",
		"data-connections/Sales Analytics/CRM REST API/username":          "crm",
		"data-connections/Sales Analytics/CRM REST API/connectionSecret":  "tok-1",
		"automation-connections/Finance/Finance Mail/password":            "pw-4",
		"automation-connections/Finance/Finance Mail/smtpHost":            "smtp.example.com",
	}, func(string) string { return "" })

	writes := []string{"POST", "PUT", "PATCH", "DELETE"}
	for run := 1; run <= faultedRuns; run++ {
		f := sim.Faults{Seed: int64(run),
			Error5xx: &sim.Fault{Rate: 0.25, Methods: writes, When: "either"},
			Reset:    &sim.Fault{Rate: 0.1, Methods: writes, When: "either"},
		}
		dst.SetFaults(f)
		res, err := ops.Apply(ctxFor(t, 30*time.Second), env, ops.ApplyOptions{Guard: restoreGuard})
		injected := dst.FaultCounts()
		dst.ClearFaults()
		if errors.Is(err, ops.ErrPartialRead) {
			// Reading apps exports them (a POST), so a write fault can fail
			// the read: apply then refuses to act, and the next run resumes.
			t.Logf("faulted apply %d (%s): injected %v; refused: %v", run, f, injected, err)
			continue
		}
		if err != nil {
			t.Fatalf("faulted apply %d (%s): %v", run, f, err)
		}
		r := res.Report
		t.Logf("faulted apply %d (%s): injected %v; %d done, %d failed, %d skipped", run, f, injected,
			r.Count(apply.Done), r.Count(apply.Failed), r.Count(apply.Skipped))
		for _, o := range r.Outcomes {
			if o.Status == apply.Failed && (o.Reason == "" || strings.Contains(o.Reason, "\n")) {
				t.Errorf("failed step %s without a one-line reason: %q", o.Key(), o.Reason)
			}
		}
		assertNoDuplicates(t, env.Client, fmt.Sprintf("after faulted apply %d", run))
	}

	res, err := ops.Apply(ctxFor(t, 30*time.Second), env, ops.ApplyOptions{Guard: restoreGuard})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Report.Outcomes {
		if o.Status != apply.Done && !strings.Contains(o.Key().String(), unrestorable) {
			t.Errorf("clean apply: %s %s %s: %s", o.Status, o.Action, o.Key(), o.Reason)
		}
	}
	again, err := ops.Apply(ctxFor(t, 30*time.Second), env, ops.ApplyOptions{Guard: restoreGuard})
	var steps []string
	if again.Plan != nil {
		for _, s := range again.Plan.Steps {
			if !strings.Contains(s.Key().String(), unrestorable) {
				steps = append(steps, fmt.Sprintf("%s %s", s.Action, s.Key()))
			}
		}
	}
	if err != nil || len(steps) != 0 || again.Report.Count(apply.Done) != 0 {
		t.Errorf("second clean apply is not a no-op: %v %v", err, steps)
	}
	assertNoDuplicates(t, env.Client, "after the clean apply")

	// Same resources as the source tenant, kind by kind.
	src := newEnv(t, repo, srcURL, 5).Client
	for _, l := range tenantLists {
		want, got := names(t, src, l), names(t, env.Client, l)
		want = slices.DeleteFunc(want, func(n string) bool { return n == unrestorable })
		if strings.Join(want, "|") != strings.Join(got, "|") {
			t.Errorf("%s: target has %v, source %v", l.path, got, want)
		}
	}
	changes, err := ops.Drift(ctxFor(t, 20*time.Second), env, "")
	changes = slices.DeleteFunc(changes, func(c diff.Change) bool { return c.Name == unrestorable })
	if err != nil || len(changes) != 0 {
		t.Errorf("drift after resumed apply: %v %d changes", err, len(changes))
		for _, c := range changes {
			t.Logf("  %+v", c)
		}
	}
}

// unrestorable is the demo automation whose definition only its owner can
// read: apply skips it by design (restore_all_kinds.txtar).
const unrestorable = "Sales Weekly Digest"

type tenantList struct {
	path  string
	query url.Values // the kind's own (tags and governed collections, not private ones); nil: limit 100
	pager qlik.Pager // nil: not paginated ({data:[...]})
	items string     // the list's array key ("" data)
	key   func(map[string]any) string
	// spaced is the space field of a kind that lives in spaces: its items
	// in personal spaces (no space) are left out by design, as export
	// leaves them out.
	spaced string
}

func field(names ...string) func(map[string]any) string {
	return func(m map[string]any) string {
		var parts []string
		for _, n := range names {
			parts = append(parts, fmt.Sprint(m[n]))
		}
		return strings.Join(parts, "/")
	}
}

// tenantLists follow from the registry: every kind apply restores (users
// belong to the identity provider), keyed by its name and, for kinds that
// live in a space, the space.
var tenantLists = func() []tenantList {
	var out []tenantList
	for _, h := range kinds.Default().All() {
		d := h.Declared()
		if d.Policy.IdPOwned || d.Policy.Singleton {
			continue // singletons are no list: the drift check compares them
		}
		l := tenantList{path: d.ListPath, query: d.Query, pager: d.Pager, items: d.ItemsKey, key: field(nameField(d))}
		if d.Pager == nil {
			l.pager = qlik.PageLinks
		}
		if d.Unpaged {
			l.pager = nil
		}
		if d.SpaceField != "" {
			l.key = field(nameField(d), d.SpaceField)
			l.spaced = d.SpaceField
		}
		out = append(out, l)
	}
	return out
}()

func nameField(d kinds.Desc) string {
	if d.NameField != "" {
		return d.NameField
	}
	return "name"
}

// containerList is the list of the kind others live in (spaces), whose ids
// names() replaces by names so that tenants compare.
func containerList() tenantList {
	for _, h := range kinds.Default().All() {
		if h.Declared().Policy.Container {
			return tenantList{path: h.Declared().ListPath, pager: qlik.PageLinks, key: field("name")}
		}
	}
	panic("no container kind")
}

func listAll(t *testing.T, c *qlik.Client, l tenantList) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []map[string]any
	if l.pager == nil {
		var body struct {
			Data []map[string]any `json:"data"`
		}
		if err := c.Do(ctx, http.MethodGet, l.path, nil, &body); err != nil {
			t.Fatalf("GET %s: %v", l.path, err)
		}
		return body.Data
	}
	query := l.query
	if query == nil {
		query = url.Values{"limit": {"100"}}
	}
	err := c.ListPages(ctx, l.path, qlik.ListOptions{Query: query, Pager: l.pager, ItemsKey: l.items}, func(raw json.RawMessage) error {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatalf("list %s: %v", l.path, err)
	}
	return out
}

// names lists natural keys, sorted; spaces ids are replaced by names so
// tenants compare.
func names(t *testing.T, c *qlik.Client, l tenantList) []string {
	t.Helper()
	spaces := map[string]string{}
	for _, sp := range listAll(t, c, containerList()) {
		spaces[fmt.Sprint(sp["id"])] = fmt.Sprint(sp["name"])
	}
	var out []string
	for _, m := range listAll(t, c, l) {
		if l.spaced != "" && m[l.spaced] == nil {
			continue
		}
		for _, k := range []string{"space", "spaceId"} {
			if id, ok := m[k].(string); ok {
				m[k] = spaces[id]
			}
		}
		out = append(out, l.key(m))
	}
	sort.Strings(out)
	return out
}

// assertNoDuplicates counts through the API: no second space, group,
// connection, automation, glossary, theme or extension, no space member
// twice, no glossary term twice.
func assertNoDuplicates(t *testing.T, c *qlik.Client, when string) {
	t.Helper()
	for _, l := range tenantLists {
		seen := map[string]int{}
		for _, k := range names(t, c, l) {
			seen[k]++
		}
		for k, n := range seen {
			if n > 1 {
				t.Errorf("%s: %s holds %q %d times", when, l.path, k, n)
			}
		}
	}
	// Per-item lists (space members, glossary terms and categories), as
	// the kinds declare them.
	for _, h := range kinds.Default().All() {
		d := h.Declared()
		for _, sub := range d.PerItem {
			if sub == "file" {
				continue
			}
			for _, item := range listAll(t, c, tenantList{path: d.ListPath, pager: qlik.PageLinks}) {
				seen := map[string]int{}
				path := d.ListPath + "/" + fmt.Sprint(item["id"]) + "/" + sub
				for _, e := range listAll(t, c, tenantList{path: path, pager: qlik.PageLinks}) {
					seen[fmt.Sprint(e["name"], "/", e["type"], "/", e["assigneeId"])]++
				}
				for k, n := range seen {
					if n > 1 {
						t.Errorf("%s: %s %s: %s holds %s %d times", when, d.KindName, item["name"], sub, k, n)
					}
				}
			}
		}
	}
}

// restoreGuard lets a whole-tenant restore through the lock-out guard: it
// creates identity providers, an access kind, in a tenant whose caller
// signs in through Qlik Account.
var restoreGuard = ops.GuardOptions{AllowAccessChanges: true}
