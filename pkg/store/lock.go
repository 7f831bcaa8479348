package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockName lives inside .git so the lock can never be committed or pushed.
const lockName = "qlikops.lock"

// LockInfo is the content of the lock file.
type LockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Token   string    `json:"token"` // tells our lock from a successor's
}

// LockedError reports that another run holds the repo lock.
type LockedError struct {
	Path       string   // the lock file
	Holder     LockInfo // zero when Unreadable
	Stale      bool     // holder ran on this host and its pid is gone
	Unreadable error    // the lock file could not be parsed
}

func (e *LockedError) Error() string {
	switch {
	case e.Unreadable != nil:
		return fmt.Sprintf("repo is locked by %s, which is unreadable (%v); delete it by hand if no qlikops run is active", e.Path, e.Unreadable)
	case e.Stale:
		return fmt.Sprintf("repo has a stale lock %s: pid %d on %s (since %s) is no longer running; run qlikops unlock to clear it, then retry",
			e.Path, e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339))
	case e.Holder.Host != hostname():
		return fmt.Sprintf("repo is locked by a qlikops run on another host: pid %d on %s since %s (lock file %s); this host cannot tell whether it still runs: run qlikops unlock on %s, or delete the file if no run is active",
			e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339), e.Path, e.Holder.Host)
	default:
		return fmt.Sprintf("repo is locked by another qlikops run: pid %d on %s since %s (lock file %s)",
			e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339), e.Path)
	}
}

func (r *Repo) lockPath() string { return filepath.Join(r.gitDir, lockName) }

// Lock takes the repo's exclusive lock (safety rule 7). The lock file appears
// atomically with its full content (written aside, then hard-linked into
// place), so a reader never sees a half-written holder. A held lock, live or
// stale, yields *LockedError; Lock never breaks a lock itself (TakeLock does).
func (r *Repo) Lock() (func() error, error) {
	data, err := newLockData()
	if err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		err = r.placeLock(data)
		if err == nil {
			return r.unlocker(data), nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", r.lockPath(), err)
		}
		lerr := r.lockedError()
		if lerr != nil {
			return nil, lerr
		}
		// The holder released between our attempt and our read: try again.
	}
	return nil, fmt.Errorf("lock %s: contended, try again", r.lockPath())
}

func newLockData() ([]byte, error) {
	info := LockInfo{PID: os.Getpid(), Host: hostname(), Started: time.Now().UTC().Truncate(time.Second), Token: token()}
	return json.Marshal(info)
}

// TakeLock is Lock, except that a stale lock (its holder ran on this host
// and is gone) is taken over instead of reported: a crashed cron run must
// not block every later one. The index.lock such a run died holding is
// removed with it (clearDeadLocks), or every later commit would fail.
// tookOver, if not nil, is told whose lock it was. A live lock, one from
// another host (whose pid cannot be checked) and an unreadable one are
// still *LockedError.
//
// Race-safe: the takeover happens under an flock on the .git folder, which
// the kernel releases if its holder dies, and the lock is replaced by an
// atomic rename only if it still names the stale holder first seen. Of two
// runs taking over the same stale lock, the second then finds the first's
// live lock.
func (r *Repo) TakeLock(tookOver func(old LockInfo)) (func() error, error) {
	for attempt := 0; ; attempt++ {
		unlock, err := r.Lock()
		var le *LockedError
		if err == nil || !errors.As(err, &le) || !le.Stale {
			return unlock, err
		}
		data, err := newLockData()
		if err != nil {
			return nil, err
		}
		done, err := r.replaceStale(le.Holder, data)
		switch {
		case err != nil:
			return nil, err
		case done:
			unlock := r.unlocker(data)
			if err := r.clearDeadLocks(le.Holder.PID); err != nil {
				_ = unlock()
				return nil, err
			}
			if tookOver != nil {
				tookOver(le.Holder)
			}
			return unlock, nil
		case attempt >= 40:
			return nil, le
		}
		// Someone else is taking it over, or the lock changed hands: look
		// again, and find their live lock.
		time.Sleep(25 * time.Millisecond)
	}
}

// replaceStale puts data in place of the lock if, under the takeover guard,
// the lock still names the stale holder old. It reports false, with no
// error, when the guard is busy or the lock changed.
func (r *Repo) replaceStale(old LockInfo, data []byte) (bool, error) {
	release, ok, err := guardDir(r.gitDir)
	if err != nil || !ok {
		return false, err
	}
	defer release()
	if !r.stillStale(old) {
		return false, nil
	}
	tmp, err := os.CreateTemp(r.gitDir, lockName+".tmp-*")
	if err != nil {
		return false, fmt.Errorf("take over lock %s: %w", r.lockPath(), err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// rename replaces the file in one step: the lock never disappears,
		// so a plain Lock cannot slip in between.
		err = os.Rename(tmp.Name(), r.lockPath())
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return false, fmt.Errorf("take over lock %s: %w", r.lockPath(), err)
	}
	return true, nil
}

// stillStale re-reads the lock: it must still be old's, and old still gone.
func (r *Repo) stillStale(old LockInfo) bool {
	data, err := os.ReadFile(r.lockPath())
	if err != nil {
		return false
	}
	var cur LockInfo
	return json.Unmarshal(data, &cur) == nil && sameHolder(cur, old) && isStale(cur)
}

func (r *Repo) placeLock(data []byte) error {
	tmp, err := os.CreateTemp(r.gitDir, lockName+".tmp-*")
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
	err = os.Link(tmp.Name(), r.lockPath())
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// No hard links on this filesystem: exclusive create is the fallback.
	f, err := os.OpenFile(r.lockPath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// unlocker removes the lock only while it is still ours, and only once.
func (r *Repo) unlocker(data []byte) func() error {
	done := false
	return func() error {
		if done {
			return nil
		}
		done = true
		cur, err := os.ReadFile(r.lockPath())
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("unlock %s: lock file vanished while held", r.lockPath())
		}
		if err != nil {
			return fmt.Errorf("unlock %s: %w", r.lockPath(), err)
		}
		if !bytes.Equal(cur, data) {
			return fmt.Errorf("unlock %s: lock was taken over by another run; left in place", r.lockPath())
		}
		if err := os.Remove(r.lockPath()); err != nil {
			return fmt.Errorf("unlock %s: %w", r.lockPath(), err)
		}
		return nil
	}
}

// lockedError describes the current holder; nil if the lock is gone.
func (r *Repo) lockedError() error {
	data, err := os.ReadFile(r.lockPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read lock %s: %w", r.lockPath(), err)
	}
	e := &LockedError{Path: r.lockPath()}
	if err := json.Unmarshal(data, &e.Holder); err != nil {
		e.Unreadable = err
		return e
	}
	e.Stale = isStale(e.Holder)
	return e
}

// isStale is conservative: a holder on another host, or one whose pid is
// alive (even if the pid was reused), is never stale.
func isStale(h LockInfo) bool {
	return h.Host == hostname() && !processAlive(h.PID)
}

// ClearStaleLock removes the lock only if its holder is provably gone. With
// no lock it returns (false, nil); with a live or unreadable lock it returns
// (false, *LockedError) and leaves the file alone.
func (r *Repo) ClearStaleLock() (bool, error) {
	err := r.lockedError()
	var le *LockedError
	if err == nil || !errors.As(err, &le) {
		return false, err
	}
	if !le.Stale {
		return false, le
	}
	// Under the same guard as a takeover, so a run that takes the lock
	// over meanwhile keeps it.
	release, ok, err := guardDir(r.gitDir)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("clear stale lock %s: another run is taking it over; left in place", r.lockPath())
	}
	defer release()
	if !r.stillStale(le.Holder) {
		return false, fmt.Errorf("clear stale lock %s: lock changed hands meanwhile; left in place", r.lockPath())
	}
	// The index.lock the dead run left goes first: once the lock is gone,
	// another run may take it and write the index itself.
	if err := r.clearDeadLocks(le.Holder.PID); err != nil {
		return false, err
	}
	if err := os.Remove(r.lockPath()); err != nil {
		return false, fmt.Errorf("clear stale lock %s: %w", r.lockPath(), err)
	}
	return true, nil
}

func sameHolder(a, b LockInfo) bool {
	return a.PID == b.PID && a.Host == b.Host && a.Token == b.Token && a.Started.Equal(b.Started)
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown-host"
	}
	return h
}

func token() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
