package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// syncIndex makes the index agree with the staged paths, so the git CLI sees
// a clean status after our commit. Entries we do not stage, including
// changes a user staged, are kept byte-for-byte. The index is rewritten only
// when an entry actually changes; that rewrite is one sequential pass over
// the index bytes, with no file access per entry, as git does on a commit.
func (r *Repo) syncIndex(entries []*idxEntry, items []staged) error {
	if len(items) == 0 {
		return nil
	}
	byName := make(map[string]staged, len(items))
	var gone []string // folders removed whole: drop every entry below
	for _, s := range items {
		byName[s.path] = s
		if s.op == opDelete {
			gone = append(gone, s.path+"/")
		}
	}
	kept := make([]*idxEntry, 0, len(entries)+len(items))
	changed := false
	done := map[string]bool{}
	for _, e := range entries {
		s, touched := byName[e.name]
		if !touched && !under(e.name, gone) {
			kept = append(kept, e)
			continue
		}
		if touched && s.op == opPut && !done[s.path] && sameEntry(e, s) {
			kept = append(kept, e)
			done[s.path] = true
			continue
		}
		changed = true // dropped, or replaced below
	}
	for _, s := range items {
		if s.op == opPut && !done[s.path] {
			kept = append(kept, newEntry(s))
			changed = true
		}
	}
	if !changed {
		return nil
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].name != kept[j].name {
			return kept[i].name < kept[j].name
		}
		return kept[i].stage() < kept[j].stage()
	})
	return r.writeIndex(encodeIndex(kept))
}

// loadIndex reads the index before Commit writes anything, so an index we
// cannot rewrite stops the commit instead of leaving git status confused.
func (r *Repo) loadIndex() ([]*idxEntry, error) {
	data, err := os.ReadFile(filepath.Join(r.gitDir, "index"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index of %s: %w", r.dir, err)
	}
	entries, err := decodeIndex(data)
	if err != nil {
		return nil, fmt.Errorf("read index of %s: %w", r.dir, err)
	}
	return entries, nil
}

func under(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func sameEntry(e *idxEntry, s staged) bool {
	return e.stage() == 0 && e.ext == 0 && e.hash == s.hash && e.mode() == s.mode &&
		int64(e.size()) == s.info.Size() && e.mtime().Equal(s.info.ModTime())
}

// newEntry records the stat data git compares, so `git status` trusts the
// entry without rehashing the file.
func newEntry(s staged) *idxEntry {
	e := &idxEntry{hash: s.hash, name: s.path}
	st := osStat(s.info)
	if st.ctime.IsZero() {
		st.ctime = s.info.ModTime()
	}
	mt := s.info.ModTime()
	words := []uint32{
		uint32(st.ctime.Unix()), uint32(st.ctime.Nanosecond()),
		uint32(mt.Unix()), uint32(mt.Nanosecond()),
		st.dev, st.ino, uint32(s.mode), st.uid, st.gid, uint32(s.info.Size()),
	}
	for i, w := range words {
		binary.BigEndian.PutUint32(e.stat[i*4:], w)
	}
	return e
}

// statInfo holds the stat fields beyond mtime and size; zero where the OS
// has none, in which case git rehashes the file once and refreshes the entry.
type statInfo struct {
	ctime              time.Time
	dev, ino, uid, gid uint32
}

// writeIndex follows git's protocol: index.lock is taken exclusively (so a
// running git command makes us fail instead of racing it), then renamed over
// index. The new index is written and fsynced aside first, in a temp file
// named after this process, and index.lock is a hard link to it: a run
// killed while holding index.lock leaves a lock that provably is its own
// (see clearDeadIndexLock), never one a git process might hold.
func (r *Repo) writeIndex(data []byte) error {
	final := filepath.Join(r.gitDir, "index")
	lock := final + ".lock"
	tmp, err := os.CreateTemp(r.gitDir, indexTmpPattern(os.Getpid()))
	if err != nil {
		return fmt.Errorf("write index of %s: %w", r.dir, err)
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
		return fmt.Errorf("write index of %s: %w", r.dir, err)
	}
	err = os.Link(tmp.Name(), lock)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("write index of %s: %s exists: is another git command running? If none is, delete it", r.dir, lock)
	}
	if err != nil {
		// No hard links on this filesystem: an exclusive create is the
		// fallback (a kill while it is held then needs the lock removed
		// by hand).
		return r.writeIndexExclusive(data, lock, final)
	}
	crashPoint("index.lock held")
	if err := os.Rename(lock, final); err != nil {
		_ = os.Remove(lock)
		return fmt.Errorf("write index of %s: %w", r.dir, err)
	}
	return nil
}

func (r *Repo) writeIndexExclusive(data []byte, lock, final string) error {
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write index of %s: %w (is another git command running? If none is, delete %s)", r.dir, err, lock)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(lock, final)
	}
	if err != nil {
		_ = os.Remove(lock)
		return fmt.Errorf("write index of %s: %w", r.dir, err)
	}
	return nil
}

// indexTmpPattern names the temp files writeIndex links index.lock to.
func indexTmpPattern(pid int) string { return fmt.Sprintf("qlikops-index-%d-*.tmp", pid) }

// clearDeadIndexLock removes what writeIndex of the dead run pid left: its
// temp files, and index.lock if that is a hard link to one of them (the run
// died holding it). Any other index.lock belongs to a git command, perhaps
// a live one, and is left alone. Called only by the run that has just taken
// the dead run's qlikops lock over, so no other qlikops run writes the index
// meanwhile.
func (r *Repo) clearDeadIndexLock(pid int) error {
	tmps, err := filepath.Glob(filepath.Join(r.gitDir, strings.Replace(indexTmpPattern(pid), "*", "[0-9]*", 1)))
	if err != nil || len(tmps) == 0 {
		return err
	}
	lock := filepath.Join(r.gitDir, "index.lock")
	held, lerr := os.Lstat(lock)
	for _, tmp := range tmps {
		fi, err := os.Lstat(tmp)
		if err != nil {
			continue
		}
		if lerr == nil && os.SameFile(fi, held) {
			if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove the index.lock a killed run left in %s: %w", r.dir, err)
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
