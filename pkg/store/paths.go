package store

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// rootFiles are the only files outside owned folders that WriteTree writes.
var rootFiles = []string{".qlikops/manifest.json", "qlikops.yaml"}

// checkPath validates a repo-relative path in the exact form stored in Git:
// relative, slash-separated, clean, without "..", NUL, backslash, or a .git
// segment. Resource names are untrusted (safety rule 8), so this is the last
// line of defence against writing outside the repo.
func checkPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w %q: empty", ErrInvalidPath, p)
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("%w %q: contains NUL", ErrInvalidPath, p)
	case strings.ContainsRune(p, '\\'):
		return fmt.Errorf("%w %q: contains a backslash", ErrInvalidPath, p)
	case strings.HasPrefix(p, "/") || filepath.IsAbs(p) || filepath.VolumeName(p) != "":
		return fmt.Errorf("%w %q: absolute", ErrInvalidPath, p)
	case path.Clean(p) != p:
		return fmt.Errorf("%w %q: not clean (want %q)", ErrInvalidPath, p, path.Clean(p))
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%w %q: contains %q", ErrInvalidPath, p, seg)
		}
		// Case-insensitive: ".GIT" is the git dir on macOS and Windows.
		if strings.EqualFold(seg, ".git") {
			return fmt.Errorf("%w %q: inside .git", ErrInvalidPath, p)
		}
	}
	return nil
}

// checkOwned validates the owned folder names: single top-level segments.
func checkOwned(owned []string) (map[string]bool, error) {
	set := make(map[string]bool, len(owned))
	for _, o := range owned {
		if err := checkPath(o); err != nil {
			return nil, fmt.Errorf("owned folder: %w", err)
		}
		if strings.Contains(o, "/") || strings.EqualFold(o, ".qlikops") {
			return nil, fmt.Errorf("%w %q: owned folders must be single top-level names", ErrInvalidPath, o)
		}
		set[o] = true
	}
	return set, nil
}

// checkWritable validates one path WriteTree is asked to write.
func checkWritable(p string, owned map[string]bool) error {
	if err := checkPath(p); err != nil {
		return err
	}
	for _, rf := range rootFiles {
		if p == rf {
			return nil
		}
	}
	top, _, nested := strings.Cut(p, "/")
	if !nested || !owned[top] {
		return fmt.Errorf("%w %q: not under an owned folder %v", ErrInvalidPath, p, sortedKeys(owned))
	}
	return nil
}

// parentChecker refuses a path whose existing parent inside the repo is a
// symlink (writing through it could land outside the repo) or a non-folder
// that will not be removed first. Missing parents are fine: we create them.
// Verdicts per folder are cached: 10,000 files share a few hundred folders.
type parentChecker struct {
	root     string
	deleting func(string) bool // files that go before anything is written
	verdict  map[string]parentState
}

type parentState int

const (
	parentDir     parentState = iota + 1 // a real folder: look deeper
	parentMissing                        // absent or being deleted: all below is new
)

func newParentChecker(root string, deleting func(string) bool) *parentChecker {
	return &parentChecker{root: root, deleting: deleting, verdict: map[string]parentState{}}
}

func (c *parentChecker) check(p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		parent := p[:i]
		st, ok := c.verdict[parent]
		if !ok {
			var err error
			if st, err = c.classify(p, parent); err != nil {
				return err
			}
			c.verdict[parent] = st
		}
		if st == parentMissing {
			return nil
		}
	}
	return nil
}

func (c *parentChecker) classify(p, parent string) (parentState, error) {
	fi, err := os.Lstat(filepath.Join(c.root, filepath.FromSlash(parent)))
	switch {
	case os.IsNotExist(err):
		return parentMissing, nil
	case err != nil:
		return 0, fmt.Errorf("%s: %w", p, err)
	case fi.Mode()&os.ModeSymlink != 0:
		return 0, fmt.Errorf("%w %q: parent %q is a symlink", ErrInvalidPath, p, parent)
	case fi.IsDir():
		return parentDir, nil
	case c.deleting != nil && c.deleting(parent):
		return parentMissing, nil
	}
	return 0, fmt.Errorf("%w %q: parent %q is not a folder", ErrInvalidPath, p, parent)
}
