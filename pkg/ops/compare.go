package ops

import (
	"context"
	"fmt"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
	"github.com/qlikops/qlikops/pkg/store"
)

// Diff compares two revisions semantically. With one revision it compares
// it with the working tree; with none, HEAD with the working tree.
func Diff(env Env, revs ...string) ([]diff.Change, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return nil, err
	}
	a, b := "HEAD", worktreeRev
	switch len(revs) {
	case 1:
		a = revs[0]
	case 2:
		a, b = revs[0], revs[1]
	}
	old, err := LoadSnapshot(repo, env.Registry, a)
	if err != nil {
		return nil, err
	}
	new, err := LoadSnapshot(repo, env.Registry, b)
	if err != nil {
		return nil, err
	}
	hs, err := env.Registry.Select(env.Include, env.Exclude)
	if err != nil {
		return nil, err
	}
	return diff.Documents(only(old.Docs, hs), only(new.Docs, hs)), nil
}

// Drift compares the live tenant with a revision: the changes are written
// from Git (old) to the tenant (new). It writes nothing, not even a lock.
func Drift(ctx context.Context, env Env, ref string) ([]diff.Change, error) {
	snap, hs, err := prepare(env, ref)
	if err != nil {
		return nil, err
	}
	t := kinds.NewTenant(env.Client)
	t.IncludePersonal = kinds.HasPersonalApps(snap.Docs)
	t.Compared = kinds.NewPrior(snap.Docs)
	live, err := readLive(ctx, env, t, hs)
	if err != nil {
		return nil, err
	}
	return diff.Live(only(snap.Docs, hs), only(live, hs), nil), nil
}

// PlanOptions are the inputs of plan and apply beyond the environment.
type PlanOptions struct {
	Ref        string
	Prune      bool
	MaxDeletes int
	// RewriteSecrets writes every supplied secret again (rotation).
	RewriteSecrets bool
	// Pending is the needs-re-entry list to start from; apply reads it from
	// the runs ref.
	Pending []plan.Pending
	// AllowUnresolved lets references the repo's own tenant lacks through:
	// they are skipped and listed, and apply exits 3.
	AllowUnresolved bool
	// Only is apply --only: KIND/NAME selectors; the plan restores those
	// resources and what they need in order to exist, nothing else.
	Only []string
}

// Plan computes what apply would do, starting from the needs-re-entry list
// of the last apply to this tenant.
func Plan(ctx context.Context, env Env, o PlanOptions) (*plan.Plan, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return nil, err
	}
	if o.Pending, err = lastPending(repo, hostOf(env.Client.TenantURL()), env.Target.ID); err != nil {
		return nil, err
	}
	return planOn(ctx, env, kinds.NewTenant(env.Client), o)
}

// supplied tells plan which placeholders have a value; with no store, none.
func supplied(s *secrets.Store) diff.Supplied {
	if s == nil {
		return nil
	}
	return func(name string) bool { _, ok := s.Lookup(name); return ok }
}

// planOn plans against a given tenant, so that apply executes with the
// directory of users and groups the plan already read.
func planOn(ctx context.Context, env Env, t *kinds.Tenant, o PlanOptions) (*plan.Plan, error) {
	snap, hs, err := prepare(env, o.Ref)
	if err != nil {
		return nil, err
	}
	t.IncludePersonal = kinds.HasPersonalApps(snap.Docs)
	t.Compared = kinds.NewPrior(snap.Docs)
	sel, err := selectors(env, snap, o)
	if err != nil {
		return nil, err
	}
	live, err := readLive(ctx, env, t, hs)
	if err != nil {
		return nil, err
	}
	var keep map[resource.Key]bool
	if sel != nil {
		if keep, err = plan.Only(env.Registry, only(snap.Docs, hs), live, sel); err != nil {
			return nil, err
		}
	}
	p, err := plan.Build(env.Registry, plan.Input{
		Commit:         snap.Commit,
		Desired:        snap.Docs,
		Live:           live,
		Scope:          kinds.Kinds(hs),
		LiveKinds:      liveKinds(env, hs),
		Prune:          o.Prune,
		MaxDeletes:     o.MaxDeletes,
		Supplied:       supplied(env.Secrets),
		Pending:        o.Pending,
		RewriteSecrets: o.RewriteSecrets,

		OtherTenant:     env.OtherTenant,
		AllowUnresolved: o.AllowUnresolved,
		Locate:          snap.locate,
		Only:            keep,
	})
	if p != nil {
		p.Tenant = plan.Tenant(env.Target)
		if err == nil {
			err = markDangerous(ctx, env, p)
		}
	}
	return p, err
}

// prepare loads and validates the snapshot before any tenant call, so bad
// input fails fast and changes nothing.
func prepare(env Env, ref string) (Snapshot, []kinds.Handler, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return Snapshot{}, nil, err
	}
	snap, err := LoadSnapshot(repo, env.Registry, ref)
	if err != nil {
		return snap, nil, err
	}
	hs, err := scope(env, snap)
	if err != nil {
		return snap, nil, err
	}
	inScope := map[string]bool{}
	for _, h := range hs {
		inScope[h.Kind()] = true
	}
	err = hydrateArtifacts(env.Registry, env.Artifacts, snap.Docs, inScope, func(d resource.Document) string { return snap.sources[d.Key()] })
	return snap, hs, err
}

func only(docs []resource.Document, hs []kinds.Handler) []resource.Document {
	return resource.OfKinds(docs, kinds.Kinds(hs)...)
}

// selectors parses --only and checks, before any tenant call, that the
// snapshot holds every selected resource. Nil means no --only.
func selectors(env Env, snap Snapshot, o PlanOptions) ([]plan.Selector, error) {
	if len(o.Only) == 0 {
		return nil, nil
	}
	if o.Prune {
		return nil, fmt.Errorf("--only restores resources: it cannot be combined with --prune")
	}
	sel, err := plan.ParseSelectors(o.Only, func(k string) bool { _, ok := env.Registry.Get(k); return ok })
	if err != nil {
		return nil, err
	}
	for i, s := range sel {
		h, _ := env.Registry.Get(s.Kind)
		sel[i].Kind = h.Kind()
	}
	if _, err := plan.Only(env.Registry, snap.Docs, nil, sel); err != nil {
		return nil, fmt.Errorf("%w (commit %.12s)", err, snap.Commit)
	}
	return sel, nil
}
