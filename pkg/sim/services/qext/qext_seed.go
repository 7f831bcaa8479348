package qext

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// qextZipTime is the fixed modification time of every entry of a seed zip,
// so that the same folder always gives the same bytes.
var qextZipTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// zipFolder zips the files under root deterministically: entries sorted by
// path, slash-separated, relative to root, with a fixed mtime and mode.
// Hidden files and folders (".name") are skipped.
func ZipFolder(root string) ([]byte, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s: symbolic links are not allowed", p)
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, err
		}
		h := &zip.FileHeader{Name: f, Method: zip.Deflate, Modified: qextZipTime}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// seedQext uploads each folder of dir/<plural> (sorted by name) as one
// theme or extension, exactly as a multipart upload of its zip would.
func (s server) seedQext(st *core.State, dir string, k *qextKind) error {
	base := filepath.Join(dir, k.plural)
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		folder := filepath.Join(base, e.Name())
		data, err := ZipFolder(folder)
		if err != nil {
			return fmt.Errorf("%s %s: %w", k.label, folder, err)
		}
		if _, err := s.qxCreate(st, k, &qxUpload{file: data, hasFile: true}); err != nil {
			return fmt.Errorf("%s %s: %w", k.label, folder, err)
		}
	}
	return nil
}
