package apply

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
)

// fakeKind records calls and fails the names it is told to. Documents
// reference others through spec.refs ("Kind/Name").
type fakeKind struct {
	kind string
	wave int
	fail map[string]bool
	log  *callLog
}

type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *callLog) add(s string) { l.mu.Lock(); l.calls = append(l.calls, s); l.mu.Unlock() }

func (f fakeKind) Kind() string   { return f.kind }
func (f fakeKind) Folder() string { return f.kind + "s" }
func (f fakeKind) Declared() kinds.Desc {
	d := kinds.Desc{KindName: f.kind, FolderName: f.Folder()}
	if f.wave > 0 {
		d.DependsOn = []string{"Group"} // waves follow from dependencies
	}
	return d
}
func (f fakeKind) Read(context.Context, *kinds.Tenant) ([]resource.Document, error) {
	return nil, nil
}

func (f fakeKind) Refs(d resource.Document) []resource.Ref {
	var out []resource.Ref
	for _, r := range d.Spec["refs"].([]any) {
		s := r.(string)
		for i := range s {
			if s[i] == '/' {
				out = append(out, resource.Ref{Key: resource.Key{Kind: s[:i], Name: s[i+1:]}})
			}
		}
	}
	return out
}

func (f fakeKind) write(action string, d resource.Document) (kinds.Result, error) {
	f.log.add(action + " " + d.Key().String())
	if f.fail[d.Metadata.Name] {
		return kinds.Result{}, errors.New("boom")
	}
	return kinds.Result{}, nil
}

func (f fakeKind) Create(_ context.Context, _ *kinds.Tenant, d resource.Document) (kinds.Result, error) {
	return f.write("create", d)
}

func (f fakeKind) Update(_ context.Context, _ *kinds.Tenant, d, _ resource.Document) (kinds.Result, error) {
	return f.write("update", d)
}

func (f fakeKind) Delete(_ context.Context, _ *kinds.Tenant, d resource.Document) (kinds.Result, error) {
	return f.write("delete", d)
}

func step(a plan.Action, kind string, wave int, name string, refs ...any) plan.Step {
	d := resource.New(kind, name, "", map[string]any{"refs": append([]any{}, refs...)})
	s := plan.Step{Action: a, Kind: kind, Name: name, Wave: wave}
	if a == plan.Delete {
		s.Have = &d
	} else {
		s.Want = &d
	}
	return s
}

func TestDependentsOfAFailureAreSkippedNotHalfApplied(t *testing.T) {
	log := &callLog{}
	fail := map[string]bool{"Broken": true}
	reg := kinds.NewRegistry(fakeKind{"Group", 0, fail, log}, fakeKind{"Space", 2, fail, log})
	p := &plan.Plan{Steps: []plan.Step{
		step(plan.Create, "Group", 0, "Broken"),
		step(plan.Create, "Group", 0, "Fine"),
		step(plan.Create, "Space", 2, "NeedsBroken", "Group/Broken"),
		step(plan.Create, "Space", 2, "NeedsFine", "Group/Fine"),
		step(plan.Delete, "Space", 2, "Old"),
	}}
	var seen []string
	rep, err := Run(context.Background(), reg, kinds.NewTenant(nil), p, Options{OnStep: func(o Outcome) { seen = append(seen, o.Name) }})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Status{}
	for _, o := range rep.Outcomes {
		got[o.Name] = o.Status
	}
	want := map[string]Status{"Broken": Failed, "Fine": Done, "NeedsBroken": Skipped, "NeedsFine": Done, "Old": Skipped}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}
	sort.Strings(log.calls)
	if d := cmp.Diff([]string{"create Group/Broken", "create Group/Fine", "create Space/NeedsFine"}, log.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if len(seen) != len(p.Steps) {
		t.Errorf("OnStep saw %d outcomes, want %d", len(seen), len(p.Steps))
	}
	if rep.Count(Failed) != 1 || rep.Count(Skipped) != 2 {
		t.Errorf("counts: failed %d skipped %d", rep.Count(Failed), rep.Count(Skipped))
	}
}

func TestWavesRunInOrder(t *testing.T) {
	log := &callLog{}
	reg := kinds.NewRegistry(fakeKind{"Group", 0, nil, log}, fakeKind{"Space", 2, nil, log})
	p := &plan.Plan{Steps: []plan.Step{
		step(plan.Create, "Group", 0, "G1"), step(plan.Create, "Group", 0, "G2"), step(plan.Create, "Group", 0, "G3"),
		step(plan.Create, "Space", 2, "S1"),
		step(plan.Delete, "Space", 2, "S0"),
		step(plan.Delete, "Group", 0, "G0"),
	}}
	if _, err := Run(context.Background(), reg, kinds.NewTenant(nil), p, Options{Concurrency: 3}); err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, c := range log.calls {
		pos[c] = i
	}
	for _, g := range []string{"G1", "G2", "G3"} {
		if pos["create Group/"+g] > pos["create Space/S1"] {
			t.Errorf("group %s created after the space: %v", g, log.calls)
		}
	}
	if !(pos["create Space/S1"] < pos["delete Space/S0"] && pos["delete Space/S0"] < pos["delete Group/G0"]) {
		t.Errorf("order: %v", log.calls)
	}
}

func TestAbortStopsAtTheFirstFailure(t *testing.T) {
	log := &callLog{}
	fail := map[string]bool{"Broken": true}
	reg := kinds.NewRegistry(fakeKind{"Group", 0, fail, log}, fakeKind{"Space", 2, fail, log})
	p := &plan.Plan{Steps: []plan.Step{
		step(plan.Create, "Group", 0, "Broken"),
		step(plan.Create, "Space", 2, "Independent"),
	}}
	rep, err := Run(context.Background(), reg, kinds.NewTenant(nil), p, Options{Abort: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcomes[1].Status != Skipped || !strings.Contains(rep.Outcomes[1].Reason, "--on-error abort") {
		t.Errorf("independent step after a failure: %+v", rep.Outcomes[1])
	}
	if len(log.calls) != 1 {
		t.Errorf("calls = %v, want only the failing one", log.calls)
	}
}
