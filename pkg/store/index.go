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
// index (see replaceLocked, which also makes a lock left by a killed run
// recognisable as that run's own).
func (r *Repo) writeIndex(data []byte) error {
	if err := r.replaceLocked("index", data, nil); err != nil {
		return fmt.Errorf("write index of %s: %w", r.dir, err)
	}
	return nil
}
