package fleet

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
)

// The commands a fleet runs.
const (
	OpExport = "export"
	OpDrift  = "drift"
	OpStatus = "status"
)

// DefaultParallel is how many tenants run at once without --parallel.
const DefaultParallel = 4

// Options is one fleet run.
type Options struct {
	Op       string
	Parallel int // <= 0: DefaultParallel
	Registry *kinds.Registry
	Include  []string
	Exclude  []string
	Version  string
	// Getenv reads the variables fleet.yaml names; nil = os.Getenv.
	Getenv func(string) string
	// Export: AllowOtherTenant as export's flag; Push, when set, pushes
	// each tenant's repo after its export (Branch is filled per tenant).
	AllowOtherTenant bool
	Push             *ops.PushOptions
	// Drift: the ref each tenant's live state is compared with.
	Ref string
	// Qlik carries client settings every tenant gets (retries, rate
	// budgets); its URL and credentials are ignored.
	Qlik qlik.Config
	// Done, if set, is called as each tenant finishes (from its goroutine,
	// one call at a time).
	Done func(Result)
}

// Outcomes of one tenant.
const (
	OK      = "ok"
	Partial = "partial" // export: some kinds failed, their files kept
	Drifted = "drift"   // drift: the tenant differs from the commit
	Stale   = "stale"   // status: no run yet, or the last one failed
	Failed  = "failed"  // the command did not complete for this tenant
)

// Result is what the command did for one tenant.
type Result struct {
	Tenant   string        `json:"tenant"`
	URL      string        `json:"url"`
	Repo     string        `json:"repo"`
	Outcome  string        `json:"outcome"`
	Detail   string        `json:"detail,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"durationNs"`
}

// Run runs o.Op for every tenant, at most o.Parallel at a time, and returns
// one result per tenant in the file's order. A tenant's failure is its
// result, never the run's: the others go on. Tenants whose credentials come
// from the same variables share one rate scheduler.
func Run(ctx context.Context, f *Fleet, o Options) []Result {
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	scheds := map[string]*qlik.Scheduler{}
	for _, t := range f.Tenants {
		if scheds[t.credential()] == nil {
			scheds[t.credential()] = qlik.NewScheduler(o.Qlik.Tier1PerMin, o.Qlik.Tier2PerMin)
		}
	}
	results := make([]Result, len(f.Tenants))
	slots := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	var doneMu sync.Mutex
	for i, t := range f.Tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				results[i] = Result{Tenant: t.Name, URL: t.URL, Repo: t.Repo, Outcome: Failed, Error: "not started: " + ctx.Err().Error()}
				return
			}
			defer func() { <-slots }()
			start := time.Now()
			r := runOne(ctx, t, o, scheds[t.credential()])
			r.Tenant, r.URL, r.Repo, r.Duration = t.Name, t.URL, t.Repo, time.Since(start)
			results[i] = r
			if o.Done != nil {
				doneMu.Lock()
				o.Done(r)
				doneMu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

func runOne(ctx context.Context, t Tenant, o Options, sched *qlik.Scheduler) (r Result) {
	defer func() {
		// A tenant that panics (hostile API data) must not take the fleet down.
		if p := recover(); p != nil {
			r = Result{Outcome: Failed, Error: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	if o.Op == OpStatus {
		return status(t)
	}
	env, repoCfg, err := tenantEnv(t, o, sched)
	if err != nil {
		return failed(err)
	}
	switch o.Op {
	case OpExport:
		return export(ctx, env, repoCfg, o)
	case OpDrift:
		return drift(ctx, env, repoCfg, o)
	}
	return failed(fmt.Errorf("fleet: %s is not a fleet command (export, drift, status)", o.Op))
}

// tenantEnv builds the tenant's ops.Env the way the CLI builds one, with
// the URL and credentials fleet.yaml names and the shared scheduler.
func tenantEnv(t Tenant, o Options, sched *qlik.Scheduler) (ops.Env, ops.Config, error) {
	cfg := o.Qlik
	cfg.TenantURL, cfg.Scheduler = t.URL, sched
	cfg.APIKey, cfg.ClientID, cfg.ClientSecret = "", "", ""
	for _, v := range []struct {
		name string
		dst  *string
	}{{t.APIKeyEnv, &cfg.APIKey}, {t.ClientIDEnv, &cfg.ClientID}, {t.ClientSecretEnv, &cfg.ClientSecret}} {
		if v.name == "" {
			continue
		}
		if *v.dst = strings.TrimSpace(o.Getenv(v.name)); *v.dst == "" {
			return ops.Env{}, ops.Config{}, fmt.Errorf("%s is not set (%s names it for this tenant)", v.name, t.Source)
		}
	}
	return ops.NewEnv(ops.EnvOptions{RepoDir: t.Repo, Registry: o.Registry, Include: o.Include, Exclude: o.Exclude, Version: o.Version,
		CheckConfig: func(c ops.Config) error {
			_, err := o.Registry.Select(firstNonEmpty(o.Include, c.Kinds), o.Exclude)
			return err
		}, Qlik: &cfg})
}

func export(ctx context.Context, env ops.Env, repoCfg ops.Config, o Options) Result {
	if err := ops.CheckTenant(ctx, &env, ops.TenantGuard{Op: "export", Recorded: repoCfg.Recorded(), AllowOther: o.AllowOtherTenant}); err != nil {
		return failed(err)
	}
	res, err := ops.Export(ctx, env)
	if err != nil {
		return failed(err)
	}
	r := Result{Outcome: OK}
	var n int
	for _, k := range res.Manifest.Kinds {
		n += k.Count
	}
	if res.Commit != "" {
		r.Detail = fmt.Sprintf("%d resources, committed %.12s on %s (%d files changed)", n, res.Commit, res.Manifest.Branch, len(res.Changed))
	} else {
		r.Detail = fmt.Sprintf("%d resources, no changes", n)
	}
	if failedKinds := res.Manifest.Failed(); len(failedKinds) > 0 {
		r.Outcome = Partial
		r.Error = "kinds failed (previous files kept): " + strings.Join(failedKinds, ", ")
	}
	if o.Push != nil {
		po := *o.Push
		po.Branch, po.Getenv = res.Manifest.Branch, o.Getenv
		pr, err := ops.Push(ctx, env, po)
		if err != nil {
			return Result{Outcome: Failed, Detail: r.Detail, Error: oneLine(err)}
		}
		r.Detail += "; pushed to " + pr.Remote
		if pr.Rebased {
			r.Detail += " (rebased onto the remote)"
		}
	}
	return r
}

func drift(ctx context.Context, env ops.Env, repoCfg ops.Config, o Options) Result {
	if err := ops.CheckTenant(ctx, &env, ops.TenantGuard{Op: "drift", Recorded: repoCfg.Recorded()}); err != nil {
		return failed(err)
	}
	ref := o.Ref
	if ref == "" {
		ref = "HEAD"
	}
	changes, err := ops.Drift(ctx, env, ref)
	if err != nil {
		return failed(err)
	}
	if len(changes) == 0 {
		return Result{Outcome: OK, Detail: "no drift from " + ref}
	}
	return Result{Outcome: Drifted, Detail: fmt.Sprintf("%d changes from %s", len(changes), ref)}
}

func status(t Tenant) Result {
	st, err := ops.RepoStatus(t.Repo, ops.StatusOptions{})
	if err != nil {
		return failed(err)
	}
	m := st.LastRun
	switch {
	case m == nil:
		return Result{Outcome: Stale, Detail: "never exported"}
	case len(st.Problems) > 0:
		return Result{Outcome: Stale, Detail: fmt.Sprintf("last export %s was %s", m.FinishedAt.UTC().Format(time.RFC3339), m.Status),
			Error: strings.Join(st.Problems, "; ")}
	}
	return Result{Outcome: OK, Detail: "last export " + m.FinishedAt.UTC().Format(time.RFC3339)}
}

func failed(err error) Result { return Result{Outcome: Failed, Error: oneLine(err)} }

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

func firstNonEmpty(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
