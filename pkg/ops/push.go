package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/qlikops/qlikops/pkg/store"
)

// DefaultRemote is the remote export --push uses without --remote.
const DefaultRemote = "origin"

// TagPrefix holds the retention tags; push sends every one of them.
const TagPrefix = "refs/tags/qlikops/"

// PushOptions says where export --push sends the snapshot.
type PushOptions struct {
	Remote string // "" = origin
	// Branch is the branch the export committed to (its manifest's Branch).
	Branch string
	// Getenv reads the credential variables; nil = os.Getenv.
	Getenv func(string) string
}

// PushResult is what a push did.
type PushResult struct {
	Remote string   // the remote's name
	URL    string   // its URL, with any password redacted
	Refs   []string // the refs pushed
	// Rebased is set when the remote had moved: the local commits were
	// re-created on top of the remote's tip before the second push.
	Rebased bool
	Tip     string // the branch's commit after the push
}

// PushError is a push that failed after its one retry. The local commits
// and run records are kept, so the next push (or git push) sends them.
type PushError struct {
	Remote, Branch, Local string
	Err                   error
}

func (e *PushError) Error() string {
	why := strings.TrimPrefix(e.Err.Error(), "push to "+e.Remote+": ")
	return fmt.Sprintf("push to %s failed: %s; the local commit %.12s stays on %s (nothing is lost: the next export --push, or git push, sends it)",
		e.Remote, why, e.Local, e.Branch)
}

func (e *PushError) Unwrap() error { return e.Err }

// Push sends the branch, the run records and the retention tags to the
// remote. When the remote moved (a non-fast-forward), it fetches, rebases
// the local snapshot commits and run records on top of the remote's (see
// store.RebaseBranch: a remote change to the same files is a conflict, never
// a merge) and pushes once more. Branches under qlikops/ are qlikops' own
// and are pushed forced, as the cron recipe does.
func Push(ctx context.Context, env Env, o PushOptions) (PushResult, error) {
	if o.Remote == "" {
		o.Remote = DefaultRemote
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return PushResult{}, err
	}
	defer repo.Close()
	unlock, err := repo.Lock()
	if err != nil {
		return PushResult{}, err
	}
	defer unlock()
	url, err := repo.RemoteURL(o.Remote)
	if err != nil {
		return PushResult{}, err
	}
	res := PushResult{Remote: o.Remote, URL: RedactURL(url)}
	auth, err := GitAuth(url, getenv)
	if err != nil {
		return res, err
	}
	scrub := secretScrubber(getenv)
	branchRef := "refs/heads/" + o.Branch
	specs, err := pushSpecs(repo, branchRef)
	if err != nil {
		return res, err
	}
	for _, s := range specs {
		res.Refs = append(res.Refs, strings.TrimPrefix(s[strings.Index(s, ":")+1:], "refs/heads/"))
	}
	fail := func(err error) (PushResult, error) {
		local, _ := repo.RefTip(branchRef)
		return res, &PushError{Remote: o.Remote, Branch: o.Branch, Local: local, Err: scrub(err)}
	}
	err = repo.Push(ctx, o.Remote, specs, auth)
	if errors.Is(err, store.ErrNonFastForward) {
		if err = rebaseOnRemote(ctx, repo, o.Remote, branchRef, o.Branch, auth); err != nil {
			return fail(err)
		}
		res.Rebased = true
		err = repo.Push(ctx, o.Remote, specs, auth)
	}
	if err != nil {
		return fail(err)
	}
	res.Tip, _ = repo.RefTip(branchRef)
	return res, nil
}

// pushSpecs lists what a push sends: the branch (forced when it is one of
// qlikops' own), the runs ref and every retention tag.
func pushSpecs(repo *store.Repo, branchRef string) ([]string, error) {
	branch := branchRef + ":" + branchRef
	if strings.HasPrefix(branchRef, "refs/heads/qlikops/") {
		branch = "+" + branch
	}
	specs := []string{branch}
	if tip, err := repo.RefTip(store.RunsRef.String()); err != nil {
		return nil, err
	} else if tip != "" {
		specs = append(specs, store.RunsRef.String()+":"+store.RunsRef.String())
	}
	tags, err := repo.RefsUnder(TagPrefix)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		specs = append(specs, t+":"+t)
	}
	return specs, nil
}

// rebaseOnRemote fetches the remote's branch and runs ref and puts the local
// commits and records on top of them.
func rebaseOnRemote(ctx context.Context, repo *store.Repo, remote, branchRef, branch string, auth transport.AuthMethod) error {
	names := []string{branchRef, store.RunsRef.String()}
	if err := repo.Fetch(ctx, remote, names, auth); err != nil {
		return err
	}
	defer repo.DropFetched(remote, names)
	var replaced map[string]string
	if tip, err := repo.Fetched(remote, branchRef); err != nil {
		return err
	} else if tip != "" && !strings.HasPrefix(branch, "qlikops/") {
		if _, replaced, err = repo.RebaseBranch(branch, tip); err != nil {
			return fmt.Errorf("the remote's %s moved and cannot be rebased onto: %w", branch, err)
		}
	}
	// The run records name the snapshot commits: they must name the rebased
	// ones, or the next export would take its own commit for a change
	// nobody applied.
	tip, err := repo.Fetched(remote, store.RunsRef.String())
	if err != nil {
		return err
	}
	_, err = repo.ReplayRuns(tip, replaced)
	return err
}

// secretScrubber removes the token from error text, in case a server or a
// transport echoes it back.
func secretScrubber(getenv func(string) string) func(error) error {
	token := strings.TrimSpace(getenv(EnvGitToken))
	return func(err error) error {
		if err == nil || token == "" || !strings.Contains(err.Error(), token) {
			return err
		}
		return errors.New(strings.ReplaceAll(err.Error(), token, "***"))
	}
}
