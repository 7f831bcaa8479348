package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// ErrNonFastForward means the remote holds commits this repo lacks: the
// remote moved since the last fetch. Fetch, rebase, push again.
var ErrNonFastForward = errors.New("the remote has commits this repo lacks (non-fast-forward)")

// FetchedPrefix is where Fetch puts the remote's refs: outside refs/heads
// and refs/remotes, so a fetch never moves anything a user looks at.
const FetchedPrefix = "refs/qlikops/fetched/"

// RemoteURL returns the first URL of the named remote.
func (r *Repo) RemoteURL(name string) (string, error) {
	rem, err := r.repo.Remote(name)
	if errors.Is(err, git.ErrRemoteNotFound) {
		return "", fmt.Errorf("repo %s has no remote %q (add one: git -C %s remote add %s URL)", r.dir, name, r.dir, name)
	}
	if err != nil {
		return "", fmt.Errorf("read remote %q in %s: %w", name, r.dir, err)
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return "", fmt.Errorf("remote %q in %s has no URL", name, r.dir)
	}
	return urls[0], nil
}

// Push sends refspecs ("src:dst", "+src:dst" forced) to the named remote.
// auth may be nil (file paths, git://). Credentials stay in memory: the
// remote's configuration is never written. A remote already up to date is
// success; a non-fast-forward update is ErrNonFastForward.
func (r *Repo) Push(ctx context.Context, remote string, specs []string, auth transport.AuthMethod) error {
	r.freshen()
	rs, err := refSpecs(specs)
	if err != nil {
		return err
	}
	err = r.repo.PushContext(ctx, &git.PushOptions{RemoteName: remote, RefSpecs: rs, Auth: auth})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case strings.HasPrefix(err.Error(), "non-fast-forward update"):
		return fmt.Errorf("push to %s: %w: %v", remote, ErrNonFastForward, err)
	}
	return fmt.Errorf("push to %s: %w", remote, remoteError(err))
}

// Fetch copies the remote's refs named by names (full ref names, e.g.
// refs/heads/main) to FetchedPrefix+remote+"/"+name, forced. A ref the
// remote lacks is skipped; Fetched then reports it as absent.
func (r *Repo) Fetch(ctx context.Context, remote string, names []string, auth transport.AuthMethod) error {
	r.freshen()
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return fmt.Errorf("fetch from %s: %w", remote, err)
	}
	advertised, err := rem.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return fmt.Errorf("fetch from %s: %w", remote, remoteError(err))
	}
	has := map[plumbing.ReferenceName]bool{}
	for _, ref := range advertised {
		has[ref.Name()] = true
	}
	var specs []config.RefSpec
	for _, n := range names {
		if has[plumbing.ReferenceName(n)] {
			specs = append(specs, config.RefSpec("+"+n+":"+r.fetchedName(remote, n)))
		}
	}
	if len(specs) == 0 {
		return nil
	}
	err = rem.FetchContext(ctx, &git.FetchOptions{RefSpecs: specs, Auth: auth, Tags: git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch from %s: %w", remote, remoteError(err))
	}
	r.freshen()
	return nil
}

// Fetched returns the commit Fetch stored for the remote's ref name, or ""
// when the remote did not have it.
func (r *Repo) Fetched(remote, name string) (string, error) {
	return r.RefTip(r.fetchedName(remote, name))
}

// DropFetched removes what Fetch stored for remote.
func (r *Repo) DropFetched(remote string, names []string) {
	for _, n := range names {
		_ = r.repo.Storer.RemoveReference(plumbing.ReferenceName(r.fetchedName(remote, n)))
	}
}

func (r *Repo) fetchedName(remote, name string) string {
	return FetchedPrefix + remote + "/" + strings.TrimPrefix(name, "refs/")
}

// RefTip returns the commit a full ref name points to, or "" when it does
// not exist.
func (r *Repo) RefTip(name string) (string, error) {
	ref, err := r.repo.Reference(plumbing.ReferenceName(name), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s in %s: %w", name, r.dir, err)
	}
	return ref.Hash().String(), nil
}

// RefsUnder lists the full names of the refs below prefix (e.g.
// "refs/tags/qlikops/"), sorted.
func (r *Repo) RefsUnder(prefix string) ([]string, error) {
	it, err := r.repo.References()
	if err != nil {
		return nil, fmt.Errorf("list refs in %s: %w", r.dir, err)
	}
	defer it.Close()
	var out []string
	err = it.ForEach(func(ref *plumbing.Reference) error {
		if strings.HasPrefix(ref.Name().String(), prefix) {
			out = append(out, ref.Name().String())
		}
		return nil
	})
	sortStrings(out)
	return out, err
}

func refSpecs(specs []string) ([]config.RefSpec, error) {
	out := make([]config.RefSpec, 0, len(specs))
	for _, s := range specs {
		rs := config.RefSpec(s)
		if err := rs.Validate(); err != nil {
			return nil, fmt.Errorf("refspec %q: %w", s, err)
		}
		out = append(out, rs)
	}
	return out, nil
}

// remoteError turns go-git's transport errors into a sentence that says
// what to check. It never includes credentials: go-git's errors name the
// endpoint without its user info.
func remoteError(err error) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired):
		return fmt.Errorf("%w: the remote refused the credentials (check QLIKOPS_GIT_TOKEN or QLIKOPS_GIT_SSH_KEY)", transport.ErrAuthenticationRequired)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%w: the credentials may not write to this repo", transport.ErrAuthorizationFailed)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%w (or the credentials may not see it)", transport.ErrRepositoryNotFound)
	}
	return errors.New(strings.Join(strings.Fields(err.Error()), " "))
}
