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
	// Guard is the lock-out guard's flags.
	Guard GuardOptions
	// RestoreAppContent is --restore-app-content: an app whose content
	// beyond the script differs gets the snapshot's app file imported
	// beside it as a new app (see kinds.Tenant.RestoreAppContent).
	RestoreAppContent bool
}

// ApplyResult is the plan and what executing it did.
type ApplyResult struct {
	Plan     *plan.Plan   `json:"plan"`
	Report   apply.Report `json:"report"`
	Executed bool         `json:"executed"`
	// Status is ok, partial or failed, as recorded on the runs ref; "" for a
	// dry run or a declined plan, which record nothing.
	Status string `json:"status"`
	// NeedsReentry is the needs-re-entry list after this apply.
	NeedsReentry []plan.Pending `json:"needsReentry"`
}

// ErrAborted is returned when the user declines the plan.
var ErrAborted = fmt.Errorf("apply aborted: nothing was written")

// Apply makes the tenant match a revision (or executes a saved plan). It
// holds the repo lock so that no export or apply interleaves with it, and
// records every apply that was not a dry run on the runs ref, even one with
// nothing to do, so that status knows when apply last checked the tenant.
func Apply(ctx context.Context, env Env, o ApplyOptions) (ApplyResult, error) {
	started := env.now()
	env.statsAtStart = env.Client.Stats()
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return ApplyResult{}, err
	}
	unlock, err := takeLock(repo, env)
	if err != nil {
		return ApplyResult{}, err
	}
	defer unlock()

	tenant := hostOf(env.Client.TenantURL())
	if o.Pending, err = lastPending(repo, tenant, env.Target.ID); err != nil {
		return ApplyResult{}, err
	}
	t := kinds.NewTenant(env.Client)
	t.Secrets = env.Secrets
	t.RestoreAppContent = o.RestoreAppContent
	p, err := applyPlan(ctx, env, t, o)
	if err != nil {
		return ApplyResult{}, err
	}
	res := ApplyResult{Plan: p, Report: apply.Report{Outcomes: []apply.Outcome{}}, NeedsReentry: p.NeedsReentry}
	if o.DryRun {
		return res, nil
	}
	if err := guard(ctx, env, t, p, o.Guard); err != nil {
		return res, err
	}
	if len(p.Steps) > 0 {
		if o.Confirm != nil && !o.Confirm(p) {
			return res, ErrAborted
		}
		res.Executed = true
		res.Report, err = apply.Run(ctx, env.Registry, t, p, apply.Options{OnStep: o.OnStep, Abort: o.Abort})
	}
	res.NeedsReentry = res.Report.Pending(p)
	counts := outcomeCounts(res.Report)
	res.Status = runStatus(counts, len(p.Steps), err)
	rec := ApplyRecord{Op: "apply", Tool: "qlikops " + env.Version, Tenant: tenant, TenantID: env.Target.ID, Commit: p.Commit,
		StartedAt: started, FinishedAt: env.now(), Status: res.Status, Counts: counts, Steps: res.Report.Outcomes,
		CannotRestore: p.CannotRestore, NeedsReentry: res.NeedsReentry, Kinds: kindCounts(res.Report),
		API: apiUsage(env.Client.Stats().Sub(env.statsAtStart))}
	if err != nil {
		rec.Error = oneLine(err)
	}
	if rerr := recordApply(repo, rec); rerr != nil && err == nil {
		err = fmt.Errorf("the apply ran (%s) but its record could not be written: %w", res.Status, rerr)
	}
	return res, err
}

func applyPlan(ctx context.Context, env Env, t *kinds.Tenant, o ApplyOptions) (*plan.Plan, error) {
	if o.Saved == nil {
		return planOn(ctx, env, t, o.PlanOptions)
	}
	if saved := o.Saved.Tenant; saved.ID != "" && env.Target.ID != "" && saved.ID != env.Target.ID {
		return nil, fmt.Errorf("this plan was made for tenant %s, not for the target %s; run qlikops plan against the target", Identity(saved), env.Target)
	}
	if len(o.Only) > 0 {
		return nil, fmt.Errorf("--only plans anew: it cannot be used with a saved plan")
	}
	if o.RewriteSecrets {
		return nil, fmt.Errorf("--rewrite-secrets plans anew: it cannot be used with a saved plan")
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
