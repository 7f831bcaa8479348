// Package archive unpacks zip archives (themes, extensions) into files for
// the repo and packs them again. Unpacking trusts nothing: entries that
// could escape their folder, links, duplicates and oversized or absurd
// archives are refused with an error naming the entry. Packing is
// deterministic: the same files always give the same bytes.
package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// Limits bound what Unpack accepts.
type Limits struct {
	MaxFiles    int
	MaxFileSize int64 // uncompressed bytes of one entry
	MaxTotal    int64 // uncompressed bytes of all entries
}

// DefaultLimits are generous for themes and extensions, and still stop a
// zip bomb long before it fills a disk.
var DefaultLimits = Limits{MaxFiles: 5000, MaxFileSize: 50 << 20, MaxTotal: 200 << 20}

// ErrUnsafe marks an archive refused for its content.
var ErrUnsafe = errors.New("unsafe archive")

// Unpack returns the regular files of a zip by clean relative path.
func Unpack(data []byte, lim Limits) (map[string][]byte, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	if len(r.File) > lim.MaxFiles {
		return nil, fmt.Errorf("%w: %d entries, more than %d", ErrUnsafe, len(r.File), lim.MaxFiles)
	}
	out := map[string][]byte{}
	folded := map[string]string{}
	var total int64
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name, err := cleanEntry(f)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(name)
		if other, dup := folded[key]; dup {
			return nil, fmt.Errorf("%w: entries %q and %q differ only in case or repeat", ErrUnsafe, other, f.Name)
		}
		folded[key] = f.Name
		b, err := readEntry(f, lim.MaxFileSize)
		if err != nil {
			return nil, err
		}
		total += int64(len(b))
		if total > lim.MaxTotal {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrUnsafe, lim.MaxTotal)
		}
		out[name] = b
	}
	return out, nil
}

// cleanEntry accepts only plain relative paths of regular files.
func cleanEntry(f *zip.File) (string, error) {
	name := f.Name
	switch {
	case !f.Mode().IsRegular():
		return "", fmt.Errorf("%w: entry %q is not a regular file", ErrUnsafe, name)
	case name == "" || strings.ContainsAny(name, "\\\x00") || strings.Contains(name, ":"):
		return "", fmt.Errorf("%w: entry %q has a character not allowed in a path", ErrUnsafe, name)
	case path.IsAbs(name) || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../"):
		return "", fmt.Errorf("%w: entry %q could escape its folder", ErrUnsafe, name)
	}
	return name, nil
}

// readEntry reads at most max bytes: the size in the header can lie.
func readEntry(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", f.Name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: entry %q is larger than %d bytes", ErrUnsafe, f.Name, max)
	}
	return b, nil
}

// epoch is the fixed modification time of packed entries (zip's earliest).
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Pack zips files in name order with fixed times and modes.
func Pack(files map[string][]byte) ([]byte, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: epoch}
		h.SetMode(0o644)
		fw, err := w.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
