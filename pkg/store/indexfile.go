package store

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// A small codec for Git's index (versions 2–4 read, 2–3 written). go-git's
// own codec goes through reflection per field, about 5µs an entry, which made
// the index the dominant cost of a one-file commit in a 10k-file repo. This
// one is a plain byte scan, and it keeps every entry we do not touch
// byte-for-byte, including flags go-git drops (assume-valid).
//
// Extensions are dropped on write. That is allowed for optional ones (the
// cached tree, the untracked cache: git rebuilds them). A required extension
// (split index, sparse index) would change what the entries mean, so such an
// index is refused rather than rewritten.

const (
	idxHeaderLen   = 12
	idxStatLen     = 40 // ctime, mtime, dev, ino, mode, uid, gid, size
	idxFixedLen    = idxStatLen + 20 + 2
	flagExtended   = 0x4000
	flagNameMask   = 0x0fff
	flagStageMask  = 0x3000
	extSkipWT      = 0x4000
	extIntentToAdd = 0x2000
)

type idxEntry struct {
	stat  [idxStatLen]byte
	hash  plumbing.Hash
	flags uint16 // name length bits are recomputed on write
	ext   uint16
	name  string
}

func (e *idxEntry) stage() uint16 { return e.flags & flagStageMask }
func (e *idxEntry) mode() filemode.FileMode {
	return filemode.FileMode(binary.BigEndian.Uint32(e.stat[24:]))
}
func (e *idxEntry) size() uint32 { return binary.BigEndian.Uint32(e.stat[36:]) }
func (e *idxEntry) mtime() time.Time {
	return time.Unix(int64(binary.BigEndian.Uint32(e.stat[8:])), int64(binary.BigEndian.Uint32(e.stat[12:])))
}

func decodeIndex(data []byte) ([]*idxEntry, error) {
	if len(data) < idxHeaderLen+sha1.Size || string(data[:4]) != "DIRC" {
		return nil, errors.New("not a git index")
	}
	body := data[:len(data)-sha1.Size]
	if sum := sha1.Sum(body); !bytes.Equal(sum[:], data[len(body):]) {
		return nil, errors.New("index checksum mismatch")
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("unsupported index version %d", version)
	}
	n := binary.BigEndian.Uint32(data[8:])
	entries := make([]*idxEntry, 0, n)
	off, prev := idxHeaderLen, ""
	for i := uint32(0); i < n; i++ {
		e, next, err := decodeEntry(body, off, version, prev)
		if err != nil {
			return nil, fmt.Errorf("index entry %d: %w", i, err)
		}
		entries = append(entries, e)
		off, prev = next, e.name
	}
	for off+8 <= len(body) { // extensions: 4-byte signature, 4-byte size
		sig := body[off : off+4]
		if sig[0] < 'A' || sig[0] > 'Z' {
			return nil, fmt.Errorf("index uses required extension %q, which qlikops cannot keep; run `git update-index --no-split-index` or disable sparse index", sig)
		}
		off += 8 + int(binary.BigEndian.Uint32(body[off+4:]))
	}
	return entries, nil
}

func decodeEntry(b []byte, off int, version uint32, prev string) (*idxEntry, int, error) {
	start := off
	if off+idxFixedLen > len(b) {
		return nil, 0, errors.New("truncated")
	}
	e := &idxEntry{}
	copy(e.stat[:], b[off:])
	copy(e.hash[:], b[off+idxStatLen:])
	e.flags = binary.BigEndian.Uint16(b[off+idxStatLen+20:])
	off += idxFixedLen
	if e.flags&flagExtended != 0 {
		if version < 3 || off+2 > len(b) {
			return nil, 0, errors.New("bad extended flags")
		}
		e.ext = binary.BigEndian.Uint16(b[off:])
		off += 2
	}
	if version == 4 {
		strip, w := binary.Uvarint(b[off:])
		if w <= 0 || int(strip) > len(prev) {
			return nil, 0, errors.New("bad path prefix")
		}
		off += w
		end := bytes.IndexByte(b[off:], 0)
		if end < 0 {
			return nil, 0, errors.New("unterminated path")
		}
		e.name = prev[:len(prev)-int(strip)] + string(b[off:off+end])
		return e, off + end + 1, nil
	}
	end := bytes.IndexByte(b[off:], 0)
	if end < 0 {
		return nil, 0, errors.New("unterminated path")
	}
	e.name = string(b[off : off+end])
	return e, start + padded(off+end-start), nil
}

// padded is the on-disk length of a v2/v3 entry: 1 to 8 NULs after the name
// so the length is a multiple of 8.
func padded(n int) int { return (n + 8) &^ 7 }

func encodeIndex(entries []*idxEntry) []byte {
	version := uint32(2)
	for _, e := range entries {
		if e.ext != 0 {
			version = 3
		}
	}
	var buf bytes.Buffer
	buf.Grow(idxHeaderLen + len(entries)*96 + sha1.Size)
	buf.WriteString("DIRC")
	var word [4]byte
	binary.BigEndian.PutUint32(word[:], version)
	buf.Write(word[:])
	binary.BigEndian.PutUint32(word[:], uint32(len(entries)))
	buf.Write(word[:])
	for _, e := range entries {
		start := buf.Len()
		buf.Write(e.stat[:])
		buf.Write(e.hash[:])
		flags := e.flags &^ (flagNameMask | flagExtended)
		flags |= uint16(min(len(e.name), flagNameMask))
		if e.ext != 0 {
			flags |= flagExtended
		}
		var half [2]byte
		binary.BigEndian.PutUint16(half[:], flags)
		buf.Write(half[:])
		if e.ext != 0 {
			binary.BigEndian.PutUint16(half[:], e.ext)
			buf.Write(half[:])
		}
		buf.WriteString(e.name)
		n := buf.Len() - start
		buf.Write(make([]byte, padded(n)-n))
	}
	sum := sha1.Sum(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes()
}
