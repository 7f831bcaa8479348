package ops

import (
	"context"
	"fmt"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/store"
)

// ApplyOptions control apply beyond the plan inputs.
type ApplyOptions struct {
	PlanOptions
	// Saved is a plan from `plan --out`; it is executed only if the tenant
	// still looks exactly as it did when the plan was made.
	Saved  *plan.Plan
	DryRun bool
	// Confirm is asked before the first write; false aborts with no write.
	Confirm func(*plan.Plan) bool
	OnStep  func(apply.Outcome)
	// Abort stops at the first failed step (--on-error abort).
	Abort bool
}

// ApplyResult is the plan and what executing it did.
type ApplyResult struct {
	Plan     *plan.Plan
	Report   apply.Report
	Executed bool
}

// ErrAborted is returned when the user declines the plan.
var ErrAborted = fmt.Errorf("apply aborted: nothing was written")

// Apply makes the tenant match a revision (or executes a saved plan). It
// holds the repo lock so that no export or apply interleaves with it.
func Apply(ctx context.Context, env Env, o ApplyOptions) (ApplyResult, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return ApplyResult{}, err
	}
	unlock, err := takeLock(repo, env)
	if err != nil {
		return ApplyResult{}, err
	}
	defer unlock()

	t := kinds.NewTenant(env.Client)
	t.Secrets = env.Secrets
	p, err := applyPlan(ctx, env, t, o)
	if err != nil {
		return ApplyResult{}, err
	}
	res := ApplyResult{Plan: p}
	if o.DryRun || len(p.Steps) == 0 {
		return res, nil
	}
	if o.Confirm != nil && !o.Confirm(p) {
		return res, ErrAborted
	}
	res.Executed = true
	res.Report, err = apply.Run(ctx, env.Registry, t, p, apply.Options{OnStep: o.OnStep, Abort: o.Abort})
	return res, err
}

func applyPlan(ctx context.Context, env Env, t *kinds.Tenant, o ApplyOptions) (*plan.Plan, error) {
	if o.Saved == nil {
		return planOn(ctx, env, t, o.PlanOptions)
	}
	var hs []kinds.Handler
	for _, k := range o.Saved.Kinds {
		h, ok := env.Registry.Get(k)
		if !ok {
			return nil, fmt.Errorf("saved plan names unknown kind %q", k)
		}
		hs = append(hs, h)
	}
	live, err := readLive(ctx, env, t, hs)
	if err != nil {
		return nil, err
	}
	live = only(live, hs)
	if plan.Digest(live) != o.Saved.LiveDigest {
		return nil, fmt.Errorf("the tenant changed since this plan was made; run qlikops plan again")
	}
	return o.Saved, nil
}
