package store

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// replaceLocked replaces target (a path inside .git: "index",
// "refs/heads/main") by git's lock-file protocol, so that git commands and
// qlikops never race: target.lock is taken exclusively, check (the compare of
// a compare-and-swap; nil = none) runs while it is held, and the lock is
// renamed over target. A reader sees the old content or the new, never a
// torn file, and a SIGKILL at any moment leaves target whole.
//
// The content is written and fsynced aside first, to a temp file named
// after this process and target, and target.lock is a hard link to it. A
// run killed while holding the lock thus leaves one that is provably its
// own: clearDeadLocks removes exactly those when the run's qlikops lock is
// taken over, and never a lock file some git command holds.
func (r *Repo) replaceLocked(target string, data []byte, check func() error) error {
	final := filepath.Join(r.gitDir, filepath.FromSlash(target))
	lock := final + ".lock"
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(r.gitDir, lockTmpPattern(os.Getpid(), target))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	err = os.Link(tmp.Name(), lock)
	switch {
	case errors.Is(err, fs.ErrExist):
		return lockHeldError(lock)
	case err != nil:
		// No hard links on this filesystem: an exclusive create is the
		// fallback (a kill while it is held then needs the lock removed
		// by hand, as with git itself).
		if err := createExclusive(lock, data); err != nil {
			return err
		}
	}
	crashPoint(target + ".lock held")
	if check != nil {
		if err := check(); err != nil {
			_ = os.Remove(lock)
			return err
		}
	}
	if err := os.Rename(lock, final); err != nil {
		_ = os.Remove(lock)
		return err
	}
	return nil
}

func createExclusive(lock string, data []byte) error {
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return lockHeldError(lock)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(lock)
	}
	return err
}

func lockHeldError(lock string) error {
	return fmt.Errorf("%s exists: is another git command running? If none is, delete it (%w)", lock, fs.ErrExist)
}

// lockTmpPattern names replaceLocked's temp files: qlikops-PID-TARGET-N.tmp,
// with TARGET path-escaped (no slash) and N CreateTemp's random digits.
func lockTmpPattern(pid int, target string) string {
	return fmt.Sprintf("qlikops-%d-%s-*.tmp", pid, url.PathEscape(target))
}

// lockTmpTarget reads TARGET back from a temp file name of pid's.
func lockTmpTarget(pid int, name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, fmt.Sprintf("qlikops-%d-", pid))
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ".tmp")
	i := strings.LastIndexByte(rest, '-')
	if !ok || i < 0 {
		return "", false
	}
	target, err := url.PathUnescape(rest[:i])
	if err != nil || checkPath(target) != nil {
		return "", false
	}
	return target, true
}

// clearDeadLocks removes what replaceLocked of the dead run pid left: its
// temp files, and each lock file (index.lock, a ref's .lock) that is a hard
// link to one of them, which that run died holding. Any other lock file is
// a git command's, perhaps a live one, and is left alone. Called only by the
// run that has just taken the dead run's qlikops lock over (or cleared it),
// so no other qlikops run is writing meanwhile.
func (r *Repo) clearDeadLocks(pid int) error {
	tmps, err := filepath.Glob(filepath.Join(r.gitDir, fmt.Sprintf("qlikops-%d-*.tmp", pid)))
	if err != nil {
		return err
	}
	for _, tmp := range tmps {
		target, ok := lockTmpTarget(pid, filepath.Base(tmp))
		if !ok {
			continue
		}
		lock := filepath.Join(r.gitDir, filepath.FromSlash(target)) + ".lock"
		fi, err := os.Lstat(tmp)
		if err != nil {
			continue
		}
		if held, err := os.Lstat(lock); err == nil && os.SameFile(fi, held) {
			if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove the %s a killed run left in %s: %w", filepath.Base(lock), r.dir, err)
			}
		}
		if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", tmp, err)
		}
	}
	return nil
}

// crashPoint marks the moments a SIGKILL is hardest to recover from; tests
// replace it to stop a child process there and kill it.
var crashPoint = func(string) {}
