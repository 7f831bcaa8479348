package apply

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Status of one executed step.
type Status string

const (
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Outcome is what happened to one step.
type Outcome struct {
	Action plan.Action `json:"action"`
	Kind   string      `json:"kind"`
	Space  string      `json:"space,omitempty"`
	Name   string      `json:"name"`
	Status Status      `json:"status"`
	Reason string      `json:"reason,omitempty"`
	// Secrets names the placeholders a write-secrets step wrote (or tried
	// to). Never values.
	Secrets    []string `json:"secrets,omitempty"`
	Unresolved []string `json:"unresolved,omitempty"`
	NotApplied []string `json:"notApplied,omitempty"`
	// NeedsReentry names secrets to enter by hand, e.g. in the hub.
	NeedsReentry []string `json:"needsReentry,omitempty"`
	// Notes are what the handler said about a write that succeeded, e.g.
	// "needs a reload before it shows current data".
	Notes []string `json:"notes,omitempty"`
	// Issued are secrets the tenant generated for the resource (a new OAuth
	// client's secret), for the command to show once. They encode as their
	// field names only, so the run record and JSON output say that a secret
	// was issued, never what it is.
	Issued []kinds.IssuedSecret `json:"issued,omitempty"`
	// NewID is set when a create gave a kind whose id is referenced from
	// outside the tenant (resource.KindPolicy.IDReferencedOutside) a new id.
	NewID *NewID `json:"newId,omitempty"`

	// blocked marks a step skipped because a dependency failed, so that its
	// own dependents are skipped in turn.
	blocked bool
}

// Key of the outcome's resource.
func (o Outcome) Key() resource.Key { return resource.Key{Kind: o.Kind, Space: o.Space, Name: o.Name} }

// NewID is the id a create was given, the id the snapshot recorded (the
// source tenant's; empty for a document written by hand), and what to do
// about the references to the old one.
type NewID struct {
	ID     string `json:"id"`
	Was    string `json:"was,omitempty"`
	Action string `json:"action"`
}

// Report is the outcome of every step, in plan order.
type Report struct {
	Outcomes []Outcome `json:"outcomes"`
}

// Count returns how many steps ended with the status.
func (r Report) Count(s Status) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// NeedsReentry lists every secret that still has to be entered, by
// resource, for the end of an apply.
func (r Report) NeedsReentry() []string {
	var out []string
	for _, o := range r.Outcomes {
		for _, n := range o.NeedsReentry {
			out = append(out, o.Key().String()+": "+n)
		}
	}
	return out
}

// NewIDs lists every new id that something outside the tenant must be
// told about, one line per resource, for the end of an apply.
func (r Report) NewIDs() []string {
	var out []string
	for _, o := range r.Outcomes {
		if o.NewID == nil {
			continue
		}
		was := ""
		if o.NewID.Was != "" {
			was = " (was " + o.NewID.Was + ")"
		}
		out = append(out, fmt.Sprintf("%s %s: new id %s%s: %s", o.Kind, o.Key().Display(), o.NewID.ID, was, o.NewID.Action))
	}
	return out
}

// Options tune execution.
type Options struct {
	// Concurrency is the number of steps of one wave in flight; 0 means 4.
	Concurrency int
	// OnStep is called as each step finishes, for progress output.
	OnStep func(Outcome)
	// Abort stops at the first failure: steps not yet started are skipped.
	// Otherwise independent steps go on and only dependents are skipped.
	Abort bool
}

// Run executes the plan's steps in order. It returns an error only when the
// context ends; failed steps are in the report.
func Run(ctx context.Context, reg *kinds.Registry, t *kinds.Tenant, p *plan.Plan, opts Options) (Report, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	e := &executor{reg: reg, t: t, opts: opts, failed: map[resource.Key]bool{}, outcomes: make([]Outcome, len(p.Steps))}
	if t != nil {
		t.Applying = writtenDocs(p.Steps)
		t.Commit = p.Commit
	}
	for _, phase := range phases(p.Steps) {
		if err := e.runPhase(ctx, p.Steps, phase); err != nil {
			return Report{Outcomes: e.outcomes}, err
		}
	}
	return Report{Outcomes: e.outcomes}, nil
}

// writtenDocs are the documents the steps create or update.
func writtenDocs(steps []plan.Step) []resource.Document {
	var out []resource.Document
	for _, s := range steps {
		if (s.Action == plan.Create || s.Action == plan.Update) && s.Want != nil {
			out = append(out, *s.Want)
		}
	}
	return out
}

// phases groups step indexes that may run together: same action class
// (writes or deletes) and same wave.
func phases(steps []plan.Step) [][]int {
	var out [][]int
	for i, s := range steps {
		if i == 0 || s.Wave != steps[i-1].Wave || (s.Action == plan.Delete) != (steps[i-1].Action == plan.Delete) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], i)
	}
	return out
}

type executor struct {
	reg  *kinds.Registry
	t    *kinds.Tenant
	opts Options

	mu           sync.Mutex
	failed       map[resource.Key]bool
	firstFailure string
	outcomes     []Outcome
}

func (e *executor) runPhase(ctx context.Context, steps []plan.Step, idx []int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for _, i := range idx {
		g.Go(func() error {
			o := e.runStep(gctx, steps[i])
			e.record(i, steps[i].Key(), o)
			return gctx.Err()
		})
	}
	return g.Wait()
}

func (e *executor) record(i int, k resource.Key, o Outcome) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outcomes[i] = o
	if o.Status == Failed || o.blocked {
		e.failed[k] = true
	}
	if o.Status == Failed && e.firstFailure == "" {
		e.firstFailure = k.String()
	}
	// Under the lock, so progress output is never interleaved.
	if e.opts.OnStep != nil {
		e.opts.OnStep(o)
	}
}

func (e *executor) runStep(ctx context.Context, s plan.Step) Outcome {
	o := Outcome{Action: s.Action, Kind: s.Kind, Space: s.Space, Name: s.Name, Secrets: s.Secrets}
	if first := e.abortedBy(); first != "" {
		o.Status, o.Reason, o.blocked = Skipped, "not started: apply stopped after "+first+" failed (--on-error abort)", true
		return o
	}
	if dep := e.failedDependency(s); dep != "" {
		o.Status, o.Reason, o.blocked = Skipped, "depends on "+dep+", which failed", true
		return o
	}
	h, ok := e.reg.Get(s.Kind)
	if !ok {
		o.Status, o.Reason = Failed, "unknown kind "+s.Kind
		return o
	}
	var res kinds.Result
	var err error
	switch s.Action {
	case plan.Create:
		res, err = h.Create(ctx, e.t, *s.Want)
	case plan.Update:
		res, err = h.Update(ctx, e.t, *s.Want, *s.Have)
	case plan.Delete:
		res, err = h.Delete(ctx, e.t, *s.Have)
	case plan.WriteSecrets:
		res, err = writeSecrets(ctx, h, e.t, s)
	default:
		err = fmt.Errorf("unknown action %q", s.Action)
	}
	o.Unresolved = res.Unresolved
	o.NotApplied = res.NotApplied
	o.NeedsReentry = res.NeedsReentry
	o.Notes = res.Notes
	o.Issued = res.Issued
	switch {
	case err != nil:
		o.Status, o.Reason = Failed, err.Error()
	case res.Skipped != "":
		o.Status, o.Reason = Skipped, res.Skipped
	default:
		o.Status = Done
		o.NewID = newID(e.reg, s, res)
		learn(e.t, s, res)
	}
	return o
}

// newID reports the id a create was given when the kind declares that
// something outside the tenant refers to its ids.
func newID(reg *kinds.Registry, s plan.Step, res kinds.Result) *NewID {
	action := reg.Policy(s.Kind).IDReferencedOutside
	if s.Action != plan.Create || action == "" || res.ID == "" || res.ID == s.Want.Metadata.ID {
		return nil
	}
	return &NewID{ID: res.ID, Was: s.Want.Metadata.ID, Action: action}
}

// learn keeps the tenant's resolver current with what a step did, so that
// later waves resolve references against the tenant as it is now.
func learn(t *kinds.Tenant, s plan.Step, res kinds.Result) {
	if t == nil || t.Names == nil {
		return
	}
	switch s.Action {
	case plan.Create:
		t.Names.Learn(s.Want.Key(), res.ID, false)
	case plan.Delete:
		t.Names.Learn(s.Have.Key(), s.Have.Metadata.ID, true)
	}
}

// writeSecrets writes a step's chosen secrets through a handler that can
// write secrets alone.
func writeSecrets(ctx context.Context, h kinds.Handler, t *kinds.Tenant, s plan.Step) (kinds.Result, error) {
	w, ok := h.(kinds.SecretWriter)
	if !ok {
		return kinds.Result{}, fmt.Errorf("%s cannot write secrets without a full update", s.Kind)
	}
	return w.WriteSecrets(ctx, t, *s.Want, *s.Have, s.Secrets)
}

// abortedBy names the first failure once Abort is set and something failed.
func (e *executor) abortedBy() string {
	if !e.opts.Abort {
		return ""
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.firstFailure
}

// failedDependency names a failed resource this step needs. For writes that
// is anything the wanted document references. Deletes stop at the first
// failure of any kind: pruning on top of a partial apply could remove
// something that a failed step still needed.
func (e *executor) failedDependency(s plan.Step) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s.Action != plan.Delete && s.Want != nil {
		for _, r := range e.reg.Refs(*s.Want) {
			if e.failed[r.Key] {
				return r.Key.String()
			}
		}
		return ""
	}
	for k := range e.failed {
		if k != s.Key() {
			return k.String()
		}
	}
	return ""
}
