package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/retention"
	"github.com/qlikops/qlikops/pkg/secrets"
	"github.com/qlikops/qlikops/pkg/snapshot"
	"github.com/qlikops/qlikops/pkg/store"
)

// Env is what every command needs: where the repo is, how to reach the
// tenant, and which kinds to work on.
type Env struct {
	RepoDir  string
	Client   *qlik.Client
	Registry *kinds.Registry
	Include  []string
	Exclude  []string
	Now      func() time.Time
	Version  string
	// OtherTenant is true when plan or apply target a tenant other than the repo's own (--target-tenant).
	OtherTenant bool
	// Target is the tenant the command talks to, as CheckTenant found it;
	// plans, run records and JSON output name it.
	Target Identity
	// Secrets supplies placeholder values to apply.
	Secrets *secrets.Store
	// Progress, if set, is told each time a kind has been read (or failed),
	// with its report: done of total kinds are finished.
	Progress func(r KindReport, done, total int)

	// Branch is the branch export commits to ("" = the checked-out one).
	Branch string
	// Author is the commit author, "Name <email>" ("" = git config, else qlikops).
	Author string
	// Warn, if set, is told things the user must know that are not errors:
	// a stale lock taken over, local work saved by export --force.
	Warn func(msg string)
	// Force lets export write over local work after saving it to a side ref.
	Force bool
	// Artifacts is the content-addressed store (DIR/sha256/<hex>) binary
	// side files go to on export and are read from on plan, drift and
	// apply; "" keeps them in the repo.
	Artifacts string
	// IncludePersonal exports apps in personal spaces too.
	IncludePersonal bool

	// statsAtStart is the client's traffic when the command began, so that
	// the run record counts this run's calls only.
	statsAtStart qlik.ClientStats
}

func (e Env) warn(msg string) {
	if e.Warn != nil {
		e.Warn(msg)
	}
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// ExportResult is what an export did.
type ExportResult struct {
	Manifest Manifest
	Commit   string   // "" when nothing changed
	Changed  []string // paths that differ from the previous commit
	// RecordedTenantID is true when this export added the tenant id to an
	// older repo's qlikops.yaml.
	RecordedTenantID bool
	// Resources lists what changed, one line per resource ("~ Space Finance").
	Resources []string
	// NewWarnings are the manifest's warnings that the previous export did
	// not have: the ones worth saying again.
	NewWarnings []string
	// ChangedBy says who changed each changed resource, from the audit log.
	ChangedBy []Attribution
}

// Partial reports whether some kinds failed.
func (r ExportResult) Partial() bool { return len(r.Manifest.Failed()) > 0 }

// Export reads the selected kinds from the tenant, writes their documents,
// and commits if anything changed. A kind whose read fails keeps its previous
// files and is marked failed; the others are still exported.
func Export(ctx context.Context, env Env) (ExportResult, error) {
	hs, err := env.Registry.Select(env.Include, env.Exclude)
	if err != nil {
		return ExportResult{}, err
	}
	repo, err := store.OpenOrInit(env.RepoDir)
	if err != nil {
		return ExportResult{}, err
	}
	unlock, err := takeLock(repo, env)
	if err != nil {
		return ExportResult{}, err
	}
	defer unlock()
	if err := guardLocalWork(repo, env, hs); err != nil {
		return ExportResult{}, err
	}

	env.statsAtStart = env.Client.Stats()
	m := Manifest{Op: "export", Tool: "qlikops " + env.Version, Tenant: hostOf(env.Client.TenantURL()), TenantID: env.Target.ID, StartedAt: env.now()}
	t := kinds.NewTenant(env.Client)
	t.Prior = priorSnapshot(repo, env)
	t.IncludePersonal = env.IncludePersonal
	docs, reports := readKinds(ctx, t, hs, env.Progress)
	if err := ctx.Err(); err != nil {
		return ExportResult{}, err
	}
	m.Kinds = reports
	m.Warnings = t.Warnings()
	if env.Artifacts != "" {
		if err := stowArtifacts(env.Registry, env.Artifacts, docs); err != nil {
			return ExportResult{}, err
		}
	}
	m.API.MinTier1Calls = minCalls(hs, reports, docs, t.Prior)
	files, err := snapshot.Encode(env.Registry, docs)
	if err != nil {
		return ExportResult{}, err
	}
	if err := snapshot.AddSchemas(files, kinds.Kinds(env.Registry.All())); err != nil {
		return ExportResult{}, err
	}
	owned, shared := ownedDirs(env.Registry, reports)
	// The schemas are this build's, whatever was read: they always match.
	owned = append(owned, snapshot.SchemaDir)
	cfg, recorded, err := exportConfig(repo, env, hs)
	if err != nil {
		return ExportResult{}, err
	}
	files[ConfigPath] = cfg
	records, err := runRecords(repo)
	if err != nil {
		return ExportResult{}, err
	}
	res, err := commitSnapshot(repo, env, m, files, owned, shared, records, newAuditSource(ctx, env, records))
	res.RecordedTenantID = recorded
	return res, err
}

// priorSnapshot is the documents of the last export's snapshot, which
// kinds reuse for resources the tenant lists as unchanged. Not the branch
// tip: a commit made in Git (a merged pull request not yet applied) holds
// what the tenant should become, not what it is, and reusing its script
// would pass the edit off as the tenant's. Without a prior an export only
// costs more calls, so a snapshot that cannot be read is a warning.
func priorSnapshot(repo *store.Repo, env Env) *kinds.Prior {
	if _, err := repo.ResolveRev("HEAD"); errors.Is(err, store.ErrNoCommits) {
		return nil
	}
	records, err := runRecords(repo)
	if err != nil {
		env.warn("the run records could not be read, so everything is read again: " + oneLine(err))
		return nil
	}
	i := slices.IndexFunc(records, func(r runRecord) bool { return r.Op == "export" && r.Commit != "" })
	if i < 0 {
		return nil
	}
	snap, err := LoadSnapshot(repo, env.Registry, records[i].Commit)
	if err != nil {
		env.warn("the previous snapshot could not be read, so everything is read again: " + oneLine(err))
		return nil
	}
	// A document whose stored side files cannot be read back (no store
	// given, a file swept away) lacks them, and is read again.
	for i := range snap.Docs {
		if stowed, ok := snap.Docs[i].Spec[kinds.ArtifactsField].(map[string]any); ok && env.Artifacts != "" {
			_ = hydrateDoc(env.Registry, retention.Store{Dir: env.Artifacts}, &snap.Docs[i], stowed, snapshotPath(env.Registry))
		}
	}
	return kinds.NewPrior(snap.Docs)
}

// minCalls is the fewest reads the kinds read successfully needed.
func minCalls(hs []kinds.Handler, reports []KindReport, docs []resource.Document, prior *kinds.Prior) int64 {
	byKind := map[string][]resource.Document{}
	for _, d := range docs {
		byKind[d.Kind] = append(byKind[d.Kind], d)
	}
	total := 0
	for i, h := range hs {
		if reports[i].Status == KindOK {
			total += kinds.MinCalls(h, byKind[h.Kind()], prior)
		}
	}
	return int64(total)
}

// readKinds reads every selected kind in parallel. Users and groups are
// loaded once by the tenant directory whichever kind asks first.
func readKinds(ctx context.Context, t *kinds.Tenant, hs []kinds.Handler, progress func(KindReport, int, int)) ([]resource.Document, []KindReport) {
	reports := make([]KindReport, len(hs))
	perKind := make([][]resource.Document, len(hs))
	var g errgroup.Group
	var mu sync.Mutex
	done := 0
	for i, h := range hs {
		g.Go(func() error {
			docs, err := readKind(ctx, t, h)
			reports[i] = KindReport{Kind: h.Kind(), Folder: h.Folder(), Status: KindOK, Count: len(docs)}
			if err != nil {
				reports[i] = KindReport{Kind: h.Kind(), Folder: h.Folder(), Status: KindFailed, Reason: oneLine(err),
					Unauthorized: qlik.StatusOf(err) == http.StatusUnauthorized}
			} else {
				perKind[i] = docs
			}
			if progress != nil {
				mu.Lock()
				done++
				progress(reports[i], done, len(hs))
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	var docs []resource.Document
	for _, d := range perKind {
		docs = append(docs, d...)
	}
	return docs, reports
}

// readKind reads one kind and gives every resource a unique key: Qlik lets
// some kinds share names, and two documents must never share a file.
func readKind(ctx context.Context, t *kinds.Tenant, h kinds.Handler) ([]resource.Document, error) {
	docs, err := h.Read(ctx, t)
	if err != nil {
		return nil, err
	}
	docs, notes := resource.Disambiguate(docs)
	for _, n := range notes {
		t.Warnf("%s", n)
	}
	return docs, nil
}

func configFile(tenant Identity, hs []kinds.Handler) []byte {
	var b strings.Builder
	b.WriteString("# qlikops settings for this repo. Flags and environment variables override them.\n")
	fmt.Fprintf(&b, "tenant: %s\n", tenant.URL)
	if tenant.ID != "" {
		b.WriteString("# The tenant this repo belongs to: other tenants are refused unless a command is told\n")
		b.WriteString("# (export --allow-other-tenant; drift, plan, apply --target-tenant URL).\n")
		fmt.Fprintf(&b, "tenantId: %s\n", yamlScalar(tenant.ID))
	}
	b.WriteString("kinds:\n")
	for _, h := range hs {
		fmt.Fprintf(&b, "  - %s\n", h.Folder())
	}
	return []byte(b.String())
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// ownedDirs are the repo folders this export rewrites: those of the kinds
// read successfully. A folder several kinds share (tenant/) is rewritten
// too, but the files there of kinds not read this run, failed or not
// selected, are carried over from the base commit (shared lists those
// folders): a failed read never deletes its kind's last good files.
func ownedDirs(reg *kinds.Registry, reports []KindReport) (owned, shared []string) {
	ok := map[string]bool{}
	for _, r := range reports {
		if r.Status == KindOK {
			ok[r.Kind] = true
			if d := reg.Folder(r.Kind); !slices.Contains(owned, d) {
				owned = append(owned, d)
			}
		}
	}
	for _, h := range reg.All() {
		d := reg.Folder(h.Kind())
		if !ok[h.Kind()] && slices.Contains(owned, d) && !slices.Contains(shared, d) {
			shared = append(shared, d)
		}
	}
	return owned, shared
}

// carryShared copies into files the base's files in the shared folders
// that this run did not write.
func carryShared(base, files store.Files, shared []string) {
	for p, b := range base {
		top, _, _ := strings.Cut(p, "/")
		if _, written := files[p]; !written && slices.Contains(shared, top) {
			files[p] = b
		}
	}
}
