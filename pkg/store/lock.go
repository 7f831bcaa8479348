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
	default:
		return fmt.Sprintf("repo is locked by another qlikops run: pid %d on %s since %s (lock file %s)",
			e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339), e.Path)
	}
}

func (r *Repo) lockPath() string { return filepath.Join(r.gitDir, lockName) }

// Lock takes the repo's exclusive lock (safety rule 7). The lock file appears
// atomically with its full content (written aside, then hard-linked into
// place), so a reader never sees a half-written holder. A held lock, live or
// stale, yields *LockedError; Lock never breaks a lock itself.
func (r *Repo) Lock() (func() error, error) {
	info := LockInfo{PID: os.Getpid(), Host: hostname(), Started: time.Now().UTC().Truncate(time.Second), Token: token()}
	data, err := json.Marshal(info)
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
	// Move the lock aside before deleting it, then check that what we moved
	// is still the stale lock: a run that took the lock meanwhile keeps it.
	aside := r.lockPath() + ".stale-" + token()
	if err := os.Rename(r.lockPath(), aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("clear stale lock %s: %w", r.lockPath(), err)
	}
	defer os.Remove(aside)
	var moved LockInfo
	if data, err := os.ReadFile(aside); err != nil || json.Unmarshal(data, &moved) != nil || !sameHolder(moved, le.Holder) {
		_ = os.Link(aside, r.lockPath()) // put a live lock back
		return false, fmt.Errorf("clear stale lock %s: lock changed hands meanwhile; left in place", r.lockPath())
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
