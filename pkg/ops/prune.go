package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/qlikops/qlikops/pkg/retention"
	"github.com/qlikops/qlikops/pkg/store"
)

// PruneOptions are qlikops prune's settings.
type PruneOptions struct {
	// Artifacts is the content-addressed store (DIR/sha256/<hex>) to sweep;
	// "" leaves artifacts alone.
	Artifacts string
	// DryRun computes and reports everything and changes nothing.
	DryRun bool
}

// PruneResult is what prune kept and removed (or would, on a dry run).
type PruneResult struct {
	Policy retention.Policy `json:"policy"`
	DryRun bool             `json:"dryRun"`
	// Tags are the retention tags the policy keeps; SetTags the ones among
	// them that were missing or pointed elsewhere; DeletedTags the rest.
	Tags        []retention.Tag `json:"tags"`
	SetTags     []string        `json:"setTags,omitempty"`
	DeletedTags []string        `json:"deletedTags,omitempty"`
	// KeptRuns and DroppedRuns count the run records compaction kept and
	// dropped from refs/qlikops/runs.
	KeptRuns    int `json:"keptRuns"`
	DroppedRuns int `json:"droppedRuns"`
	// Protected lists the snapshot commits whose artifacts are kept: kept
	// retention tags, kept run records, every branch tip and every other tag.
	Protected                []string `json:"protectedCommits,omitempty"`
	KeptArtifacts            []string `json:"keptArtifacts,omitempty"`
	DeletedArtifacts         []string `json:"deletedArtifacts,omitempty"`
	ArtifactsSwept           bool     `json:"artifactsSwept"`
	ArtifactsUntouchedReason string   `json:"artifactsUntouchedReason,omitempty"`
}

// ErrNoRetentionPolicy means qlikops.yaml has no retention block.
var ErrNoRetentionPolicy = errors.New("no retention policy: add one to " + ConfigPath + ", e.g. retention: {daily: 14, weekly: 8, monthly: 24}")

// Prune applies the retention policy of qlikops.yaml, holding the repo lock:
// it points the retention tags at the runs the policy keeps and deletes the
// others, compacts refs/qlikops/runs to the records of kept runs plus every
// record of the last Daily days, and deletes the artifacts that no kept
// run, no kept record, no branch tip and no other tag references. Everything is decided
// before the first change, and a snapshot that cannot be read stops the run
// with nothing deleted: an artifact is removed only when every commit that
// protects artifacts was read and none names it.
func Prune(ctx context.Context, env Env, opts PruneOptions) (PruneResult, error) {
	var res PruneResult
	cfg, err := LoadConfig(env.RepoDir)
	if err != nil {
		return res, err
	}
	if cfg.Retention == nil {
		return res, ErrNoRetentionPolicy
	}
	res.Policy, res.DryRun = cfg.Retention.Policy, opts.DryRun
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return res, err
	}
	defer repo.Close()
	unlock, err := takeLock(repo, env)
	if err != nil {
		return res, err
	}
	defer unlock()

	p, err := planPrune(ctx, repo, res.Policy, env.now(), opts.Artifacts)
	if err != nil {
		return res, err
	}
	p.fill(&res)
	if opts.DryRun {
		return res, nil
	}
	return res, p.execute(ctx, repo, opts.Artifacts)
}

// prunePlan is every change prune makes, decided up front.
type prunePlan struct {
	keep       []retention.Tag
	setTags    map[string]string // name → its current commit ("" = new)
	deleteTags map[string]string // name → its current commit
	runsTip    string
	keepRuns   map[string]bool
	totalRuns  int
	protected  []string
	keptArts   []string
	deleteArts []string
	swept      bool
	untouched  string
}

func planPrune(ctx context.Context, repo *store.Repo, pol retention.Policy, now time.Time, artifacts string) (*prunePlan, error) {
	tip, entries, err := repo.RunEntries()
	if err != nil {
		return nil, err
	}
	p := &prunePlan{runsTip: tip, totalRuns: len(entries), setTags: map[string]string{}, deleteTags: map[string]string{}}
	records := parseRunEntries(entries)
	p.keep = retention.Select(pol, successfulExports(records))
	p.keepRuns = keptRunRecords(records, p.keep, retention.DayStart(now, pol.Daily))
	existing, err := repo.Tags(retention.TagPrefix)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, t := range p.keep {
		wanted[t.Name] = true
		if cur := existing[t.Name]; cur != t.Commit {
			p.setTags[t.Name] = cur
		}
	}
	for name, cur := range existing {
		if retention.IsRetentionTag(name) && !wanted[name] {
			p.deleteTags[name] = cur
		}
	}
	if artifacts == "" {
		return p, nil
	}
	if err := p.planArtifacts(ctx, repo, records, retention.Store{Dir: artifacts}); err != nil {
		return nil, err
	}
	return p, nil
}

// pruneRecord is the part of a run record prune reads.
type pruneRecord struct {
	hash      string
	parsed    bool
	Op        string    `json:"op"`
	Status    string    `json:"status"`
	Commit    string    `json:"commit"`
	StartedAt time.Time `json:"startedAt"`
}

func parseRunEntries(entries []store.RunEntry) []pruneRecord {
	out := make([]pruneRecord, 0, len(entries))
	for _, e := range entries {
		r := pruneRecord{hash: e.Hash}
		r.parsed = json.Unmarshal(e.Manifest, &r) == nil
		if r.Op == "" {
			r.Op = "export" // records older than apply records
		}
		out = append(out, r)
	}
	return out
}

func successfulExports(records []pruneRecord) []retention.Run {
	var runs []retention.Run
	for _, r := range records {
		if r.parsed && r.Op == "export" && r.Status == "ok" && r.Commit != "" {
			runs = append(runs, retention.Run{ID: r.hash, Time: r.StartedAt, Commit: r.Commit})
		}
	}
	return runs
}

// keptRunRecords picks the records compaction keeps: those of kept runs,
// every record since since (the last Daily days), the newest record of each
// op (status and export's drift check read them), and any record that does
// not parse: what prune cannot read it does not drop.
func keptRunRecords(records []pruneRecord, keep []retention.Tag, since time.Time) map[string]bool {
	out := map[string]bool{}
	for _, t := range keep {
		out[t.Run] = true
	}
	newestOf := map[string]bool{}
	for _, r := range records { // newest first
		if !r.parsed || !r.StartedAt.Before(since) || !newestOf[r.Op] {
			out[r.hash] = true
		}
		newestOf[r.Op] = true
	}
	return out
}

// planArtifacts reads every protecting snapshot and splits the store.
func (p *prunePlan) planArtifacts(ctx context.Context, repo *store.Repo, records []pruneRecord, st retention.Store) error {
	commits := map[string]bool{}
	for _, t := range p.keep {
		commits[t.Commit] = true
	}
	for _, r := range records {
		if p.keepRuns[r.hash] && r.Commit != "" {
			commits[r.Commit] = true
		}
	}
	tips, err := repo.BranchTips()
	if err != nil {
		return err
	}
	for _, h := range tips {
		commits[h] = true
	}
	// A tag of the user's (a release tag, say) names a snapshot someone
	// wants to restore: its binaries stay too. Retention tags protect only
	// where the policy points them, not where they point before a move.
	tags, err := repo.Tags("")
	if err != nil {
		return err
	}
	for name, h := range tags {
		if !retention.IsRetentionTag(name) {
			commits[h] = true
		}
	}
	stored, err := st.List()
	if err != nil {
		return err
	}
	if len(commits) == 0 {
		p.untouched = "no branch, kept run or run record names a snapshot"
		p.keptArts = stored
		return nil
	}
	for h := range commits {
		p.protected = append(p.protected, h)
	}
	referenced := map[string]bool{}
	err = repo.VisitBlobs(p.protected, retention.IsDocument, func(_ string, b []byte) error {
		for _, a := range retention.References(b) {
			referenced[a] = true
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("read the snapshots to see which artifacts they need (nothing was pruned): %w", err)
	}
	sort.Strings(p.protected)
	p.keptArts, p.deleteArts = retention.Sweep(stored, referenced)
	p.swept = true
	return nil
}

func (p *prunePlan) fill(res *PruneResult) {
	res.Tags = p.keep
	res.SetTags = sortedNames(p.setTags)
	res.DeletedTags = sortedNames(p.deleteTags)
	res.KeptRuns, res.DroppedRuns = len(p.keepRuns), p.totalRuns-len(p.keepRuns)
	res.Protected, res.KeptArtifacts, res.DeletedArtifacts = p.protected, p.keptArts, p.deleteArts
	res.ArtifactsSwept, res.ArtifactsUntouchedReason = p.swept, p.untouched
}

// execute makes the planned changes: tags the policy keeps first, so a kill
// at any point leaves every kept run named; then the runs ref (one
// compare-and-swap); then the tags and artifacts nothing keeps.
func (p *prunePlan) execute(ctx context.Context, repo *store.Repo, artifacts string) error {
	for _, t := range p.keep {
		if old, ok := p.setTags[t.Name]; ok {
			if err := repo.SetTag(t.Name, old, t.Commit); err != nil {
				return err
			}
		}
	}
	if p.runsTip != "" {
		if _, _, err := repo.CompactRuns(p.runsTip, func(h string) bool { return p.keepRuns[h] }); err != nil {
			return err
		}
	}
	for _, name := range sortedNames(p.deleteTags) {
		if err := repo.DeleteTag(name, p.deleteTags[name]); err != nil {
			return err
		}
	}
	st := retention.Store{Dir: artifacts}
	for _, a := range p.deleteArts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := st.Remove(a); err != nil {
			return err
		}
	}
	return nil
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
