package ops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/store"
)

// DriftBranch receives the live state when the branch export was asked to
// commit to holds commits the tenant never got (see resolveTarget).
const DriftBranch = "qlikops/drift"

// maxUnapplied bounds the unapplied commits a run lists.
const maxUnapplied = 20

// exportTarget is where one export commits.
type exportTarget struct {
	branch     string // short branch name
	old        string // the branch's commit now ("" = it does not exist yet)
	base       string // the commit the new one builds on ("" = unborn)
	checkedOut bool   // HEAD points to branch: the working tree follows
	requested  string // the branch asked for; differs from branch on drift
	unapplied  []store.CommitSummary
	more       bool // the unapplied list was cut short
}

// commitSnapshot compares the new files with the target branch's commit (not
// with the working tree, which a crashed run may have left half-written),
// commits the difference and records the run on the runs ref, changed or
// not. The working tree is written only when the target branch is checked
// out; any other branch is committed from Git objects alone.
//
// Each changed resource is attributed to the Qlik users whose audit events
// touched it (who.attribute); when exactly one user changed everything, and
// no --author was given, that user is the commit's author.
func commitSnapshot(repo *store.Repo, env Env, m Manifest, files store.Files, owned, shared []string, records []runRecord, who auditSource) (ExportResult, error) {
	sig, err := commitAuthor(repo, env.Author)
	if err != nil {
		return ExportResult{}, err
	}
	t, baseFiles, err := resolveTarget(repo, env.Branch, records, files, owned, shared)
	if err != nil {
		return ExportResult{}, err
	}
	// The settings file is the user's once it exists. On the checked-out
	// branch it is the working tree's (the one the tenant check read, with
	// the tenant id recorded); another branch keeps its own.
	if old, ok := baseFiles[ConfigPath]; ok && !t.checkedOut {
		files[ConfigPath] = old
	}
	changed := changedPaths(baseFiles, files, owned)
	if _, ok := baseFiles[legacyManifestPath]; ok {
		changed = append(changed, legacyManifestPath)
	}
	managed, err := exportManaged(repo, env, t.base, baseFiles, m.Kinds)
	if err != nil {
		return ExportResult{}, err
	}
	m.Kinds = countChanges(env.Registry, m.Kinds, managed, baseFiles, files, changed)
	m.Summary = tally(m.Kinds)
	m.Status = "ok"
	if len(m.Failed()) > 0 {
		m.Status = "partial"
	}
	m.Branch, m.Unapplied = t.branch, t.unapplied
	if len(t.unapplied) > 0 {
		m.UnappliedOn = t.requested
	}
	m.Changed = len(changed)
	if m.NeedsReentry, err = lastPending(repo, m.Tenant, m.TenantID); err != nil {
		return ExportResult{}, err
	}
	var atts []Attribution
	decoded := decodedDocs{}
	if len(changed) > 0 {
		var rep AuditReport
		atts, rep = who.attribute(env.Registry, baseFiles, files, changed, decoded)
		m.Audit = &rep
		if rep.Status == AuditFailed {
			m.Warnings = append(m.Warnings, "who changed what is unknown in this commit: "+rep.Reason)
		}
		if one, ok := soleChanger(atts); ok && env.Author == "" {
			sig.Name, sig.Email = authorName(one), one.Email
		}
	}
	m.FinishedAt = env.now()
	sig.When = m.FinishedAt
	res := ExportResult{Changed: changed, NewWarnings: newWarnings(m.Warnings, records), ChangedBy: atts}
	var otherFiles []string
	res.Resources, otherFiles = changeLines(env.Registry, baseFiles, files, changed, decoded)
	msg := exportMessage(m, res.Resources, otherFiles, managed, atts)
	if res.Commit, err = writeCommit(repo, t, files, owned, changed, msg, sig); err != nil {
		return res, err
	}
	m.Commit = res.Commit
	if m.Commit == "" {
		m.Commit = t.base
	}
	minCalls := m.API.MinTier1Calls
	m.API = apiUsage(env.Client.Stats().Sub(env.statsAtStart))
	m.API.MinTier1Calls = minCalls
	res.Manifest = m
	if _, err := repo.RecordRun(m.encode(), "qlikops run "+m.Status, sig); err != nil {
		return res, err
	}
	return res, tagRun(repo, files[ConfigPath], m)
}

// writeCommit commits changed on the target: through the working tree and
// the index when the branch is checked out, from Git objects otherwise.
func writeCommit(repo *store.Repo, t exportTarget, files store.Files, owned, changed []string, msg string, sig store.CommitOptions) (string, error) {
	if t.checkedOut {
		if _, err := repo.WriteTree(files, owned); err != nil {
			return "", err
		}
		if len(changed) == 0 {
			return "", nil
		}
		if slices.Contains(changed, legacyManifestPath) {
			if err := repo.RemoveRootFile(legacyManifestPath); err != nil {
				return "", err
			}
		}
		hash, _, err := repo.Commit(changed, msg, sig)
		return hash, err
	}
	if len(changed) == 0 && t.old != "" {
		return "", nil
	}
	put := store.Files{}
	var del []string
	for _, p := range changed {
		if b, ok := files[p]; ok {
			put[p] = b
		} else {
			del = append(del, p)
		}
	}
	hash, err := repo.CommitFiles(t.branch, t.old, t.base, put, del, msg, sig)
	if err == nil && hash == "" && t.old != t.base && t.base != "" {
		// Nothing differs from base, but the branch must still start there
		// (a new --branch, or a drift branch moved to the new tip).
		err = repo.SetBranch(t.branch, t.old, t.base)
	}
	return hash, err
}

// resolveTarget decides which branch this export commits to and reads the
// files of the commit it builds on.
//
// The branch is env.Branch or the checked-out one; a branch that does not
// exist starts from the checked-out branch's commit. If that commit is one
// no run recorded (neither an export's snapshot nor an applied commit), the
// branch holds changes the tenant never got, typically a merged pull request
// waiting for apply. Committing the live state on top would silently revert
// them, so the live state goes to DriftBranch instead, started from (or kept
// on top of) that commit, and the run lists the unapplied commits. A repo
// with no run records at all has nothing to compare with: its tip counts as
// known. When the live state already equals the tip, the tenant has the
// changes after all and nothing is diverted.
func resolveTarget(repo *store.Repo, requested string, records []runRecord, files store.Files, owned, shared []string) (exportTarget, store.Files, error) {
	head, headTip, err := repo.HeadBranch()
	if err != nil {
		return exportTarget{}, nil, err
	}
	t := exportTarget{branch: head, old: headTip, requested: head}
	if requested != "" && requested != head {
		tip, err := repo.BranchTip(requested)
		if err != nil {
			return t, nil, fmt.Errorf("--branch: %w", err)
		}
		t = exportTarget{branch: requested, old: tip, requested: requested}
	}
	t.base = t.old
	if t.base == "" {
		t.base = headTip
	}
	t.checkedOut = t.branch == head
	baseFiles, err := readCommitFiles(repo, t.base)
	if err != nil {
		return t, nil, err
	}
	carryShared(baseFiles, files, shared)
	isKnown := func(h string) bool { return knownCommit(records, h) || lostRecord(repo, records, h) }
	if t.base == "" || t.branch == DriftBranch || len(records) == 0 || isKnown(t.base) {
		return t, baseFiles, nil
	}
	if len(changedPaths(baseFiles, files, owned)) == 0 {
		return t, baseFiles, nil
	}
	t.unapplied, t.more, err = repo.CommitsUntil(t.base, isKnown, maxUnapplied)
	if err != nil {
		return t, nil, err
	}
	drift, err := repo.BranchTip(DriftBranch)
	if err != nil {
		return t, nil, err
	}
	t.branch, t.old, t.checkedOut = DriftBranch, drift, head == DriftBranch
	if drift != "" {
		if onTop, err := repo.IsAncestor(t.base, drift); err != nil {
			return t, nil, err
		} else if onTop {
			// Later nights add to the same drift branch.
			t.base = drift
			if baseFiles, err = readCommitFiles(repo, drift); err != nil {
				return t, nil, err
			}
		}
	}
	if t.checkedOut && t.base != t.old {
		return t, nil, fmt.Errorf("%s is checked out but does not contain %s's tip %.12s: check out %s and export again", DriftBranch, t.requested, t.base, t.requested)
	}
	return t, baseFiles, nil
}

func readCommitFiles(repo *store.Repo, commit string) (store.Files, error) {
	if commit == "" {
		return store.Files{}, nil
	}
	return repo.ReadRev(commit)
}

// runRecord is the part of a run record (export or apply) that export reads.
type runRecord struct {
	Op        string    `json:"op"`
	Commit    string    `json:"commit"`
	Status    string    `json:"status"`
	Warnings  []string  `json:"warnings"`
	StartedAt time.Time `json:"startedAt"`
	Kinds     []struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
	} `json:"kinds"`
}

// runRecords reads every record on the runs ref, newest first. A record that
// does not parse is an error: guessing would misjudge what was applied.
func runRecords(repo *store.Repo) ([]runRecord, error) {
	raw, err := repo.Runs(0)
	if err != nil {
		return nil, err
	}
	out := make([]runRecord, 0, len(raw))
	for i, b := range raw {
		var r runRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("run record %d on %s: %w", i+1, store.RunsRef, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// knownCommit reports whether a run exported commit or applied it: an apply
// that failed outright did not bring the tenant to it.
// lostRecord tells an export commit whose run was killed after it moved
// the branch and before it recorded the run: qlikops committed it, its
// message carries the kinds trailer every export commit has, and its parent
// is a commit the runs ref knows. It is the tool's own snapshot, not an
// unapplied change, so it must not send the live state to the drift branch.
// A commit a person amended, cherry-picked or reverted has that person as
// committer and stays unknown.
func lostRecord(repo *store.Repo, records []runRecord, commit string) bool {
	tool, msg, parents, err := repo.ToolCommit(commit)
	if err != nil || !tool || len(parents) != 1 || !strings.Contains(msg, "\n"+KindsTrailer+": ") {
		return false
	}
	return knownCommit(records, parents[0])
}

func knownCommit(records []runRecord, commit string) bool {
	for _, r := range records {
		if r.Commit != commit {
			continue
		}
		if r.Op == "export" || (r.Op == "apply" && r.Status != "failed") {
			return true
		}
	}
	return false
}

// newWarnings drops the warnings the previous export already gave: an
// owner-only automation is news once, not every night. The manifest still
// lists them all.
func newWarnings(warnings []string, records []runRecord) []string {
	var prev []string
	for _, r := range records {
		if r.Op == "export" {
			prev = r.Warnings
			break
		}
	}
	var out []string
	for _, w := range warnings {
		if !slices.Contains(prev, w) {
			out = append(out, w)
		}
	}
	return out
}

// commitAuthor is the author of export commits: --author, else git config
// (repo, then global), else qlikops.
func commitAuthor(repo *store.Repo, flag string) (store.CommitOptions, error) {
	if flag != "" {
		name, email, err := ParseAuthor(flag)
		return store.CommitOptions{Name: name, Email: email}, err
	}
	name, email, err := repo.ConfiguredAuthor()
	return store.CommitOptions{Name: name, Email: email}, err
}

// ParseAuthor reads "Name <email>", as git's --author takes it.
func ParseAuthor(s string) (name, email string, err error) {
	a, perr := mail.ParseAddress(s)
	if perr != nil || a.Name == "" || strings.ContainsAny(a.Name+a.Address, "<>\n\r\x00") || !strings.HasSuffix(strings.TrimSpace(s), ">") {
		return "", "", fmt.Errorf("--author %q: want \"Name <email>\"", s)
	}
	return a.Name, a.Address, nil
}

// changedPaths lists files that differ from base within the owned folders
// and the root config file.
func changedPaths(base, files store.Files, owned []string) []string {
	inScope := func(p string) bool {
		if p == ConfigPath {
			return true
		}
		top, _, _ := strings.Cut(p, "/")
		return slices.Contains(owned, top)
	}
	var out []string
	for p, b := range files {
		if inScope(p) && !bytes.Equal(base[p], b) {
			out = append(out, p)
		}
	}
	for p := range base {
		if _, ok := files[p]; !ok && inScope(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
