package store

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// HeadBranch returns the short name of the branch HEAD points to and its
// commit ("" while the branch is unborn). A detached HEAD is an error.
func (r *Repo) HeadBranch() (string, string, error) {
	r.freshen()
	name, h, err := r.headTarget()
	if err != nil {
		return "", "", err
	}
	return name.Short(), hashString(h), nil
}

// BranchTip returns the commit a local branch points to, or "" when the
// branch does not exist.
func (r *Repo) BranchTip(branch string) (string, error) {
	r.freshen()
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil || branch == "" {
		return "", fmt.Errorf("invalid branch name %q", branch)
	}
	ref, err := r.repo.Storer.Reference(name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s in %s: %w", name, r.dir, err)
	}
	return ref.Hash().String(), nil
}

// IsAncestor reports whether commit a is b or one of b's ancestors.
func (r *Repo) IsAncestor(a, b string) (bool, error) {
	if a == b {
		return true, nil
	}
	ca, err := r.repo.CommitObject(plumbing.NewHash(a))
	if err != nil {
		return false, fmt.Errorf("read %s in %s: %w", a, r.dir, err)
	}
	cb, err := r.repo.CommitObject(plumbing.NewHash(b))
	if err != nil {
		return false, fmt.Errorf("read %s in %s: %w", b, r.dir, err)
	}
	return ca.IsAncestor(cb)
}

// CommitSummary is one commit in a list shown to the user.
type CommitSummary struct {
	Hash    string `json:"hash"`
	Subject string `json:"subject"`
}

// CommitsUntil lists the commits reachable from tip that are not reachable
// from any commit for which known returns true, newest first, walking at most
// limit commits (the list is then cut short and more is true).
func (r *Repo) CommitsUntil(tip string, known func(hash string) bool, limit int) (list []CommitSummary, more bool, err error) {
	r.freshen()
	start, err := r.repo.CommitObject(plumbing.NewHash(tip))
	if err != nil {
		return nil, false, fmt.Errorf("read %s in %s: %w", tip, r.dir, err)
	}
	queue := []*object.Commit{start}
	seen := map[plumbing.Hash]bool{start.Hash: true}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if known(c.Hash.String()) {
			continue
		}
		if len(list) == limit {
			return list, true, nil
		}
		subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
		list = append(list, CommitSummary{Hash: c.Hash.String(), Subject: subject})
		for _, p := range c.ParentHashes {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := r.repo.CommitObject(p)
			if err != nil {
				return nil, false, fmt.Errorf("read %s in %s: %w", p, r.dir, err)
			}
			queue = append(queue, pc)
		}
	}
	return list, false, nil
}

// NearestTrailer finds the value of the trailer line "key: value" in the
// message of rev or of its nearest first-parent ancestor that has one. found
// is false when no commit on that line carries it.
func (r *Repo) NearestTrailer(rev, key string) (value string, found bool, err error) {
	c, err := r.resolveCommit(rev)
	if err != nil {
		return "", false, err
	}
	prefix := key + ":"
	for {
		if v, ok := lastTrailer(c.Message, prefix); ok {
			return v, true, nil
		}
		if len(c.ParentHashes) == 0 {
			return "", false, nil
		}
		if c, err = r.repo.CommitObject(c.ParentHashes[0]); err != nil {
			return "", false, fmt.Errorf("read history of %q in %s: %w", rev, r.dir, err)
		}
	}
}

func lastTrailer(msg, prefix string) (string, bool) {
	lines := strings.Split(msg, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(lines[i], prefix); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// ConfiguredAuthor reads user.name and user.email the way git does: the
// repo's own config first, then the global one ($GIT_CONFIG_GLOBAL when set,
// else ~/.gitconfig, then $XDG_CONFIG_HOME/git/config or ~/.config/git/config).
// go-git's own global lookup ignores GIT_CONFIG_GLOBAL, hence this. A field
// that no config sets is "". A config file that exists but cannot be read or
// parsed is an error: committing as someone else would be wrong.
func (r *Repo) ConfiguredAuthor() (name, email string, err error) {
	local, err := r.repo.Storer.Config()
	if err != nil {
		return "", "", fmt.Errorf("read the git config of %s: %w", r.dir, err)
	}
	name, email = local.User.Name, local.User.Email
	for _, p := range globalConfigPaths() {
		if name != "" && email != "" {
			break
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("read git config %s: %w", p, err)
		}
		cfg := config.NewConfig()
		if err := cfg.Unmarshal(b); err != nil {
			return "", "", fmt.Errorf("read git config %s: %w", p, err)
		}
		if name == "" {
			name = cfg.User.Name
		}
		if email == "" {
			email = cfg.User.Email
		}
	}
	return name, email, nil
}

func globalConfigPaths() []string {
	if p := os.Getenv("GIT_CONFIG_GLOBAL"); p != "" {
		return []string{p}
	}
	var out []string
	home, _ := os.UserHomeDir()
	if home != "" {
		out = append(out, filepath.Join(home, ".gitconfig"))
	}
	if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
		out = append(out, filepath.Join(xdg, "git", "config"))
	} else if home != "" {
		out = append(out, filepath.Join(home, ".config", "git", "config"))
	}
	return out
}

// RemoveRootFile deletes a file outside the kind folders that qlikops itself
// once wrote (the old .qlikops/manifest.json), and its folder when that is
// left empty, so that the next Commit of the path records the removal. Only
// regular files are removed; a path that is absent is fine.
func (r *Repo) RemoveRootFile(p string) error {
	if err := checkPath(p); err != nil {
		return err
	}
	if err := newParentChecker(r.dir, nil).check(p); err != nil {
		return err
	}
	fi, err := os.Lstat(r.abs(p))
	switch {
	case missing(err):
		return nil
	case err != nil:
		return fmt.Errorf("remove %s: %w", p, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("remove %s: not a regular file, left alone", p)
	}
	if err := os.Remove(r.abs(p)); err != nil {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	if d := path.Dir(p); d != "." {
		_ = os.Remove(r.abs(d)) // only succeeds when empty
	}
	return nil
}

func hashString(h plumbing.Hash) string {
	if h.IsZero() {
		return ""
	}
	return h.String()
}

// SetBranch points branch at commit, only if it still points to old (""
// when it must not exist yet). The working tree is not touched.
func (r *Repo) SetBranch(branch, old, commit string) error {
	name := plumbing.NewBranchReferenceName(branch)
	if err := name.Validate(); err != nil || branch == "" {
		return fmt.Errorf("invalid branch name %q", branch)
	}
	var oldHash plumbing.Hash
	if old != "" {
		oldHash = plumbing.NewHash(old)
	}
	return r.moveRef(name, oldHash, plumbing.NewHash(commit))
}
