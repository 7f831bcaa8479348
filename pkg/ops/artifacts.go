package ops

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/retention"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// Binary side files in a content-addressed store (--artifacts DIR): export
// writes each to DIR/sha256/<digest> (once: a file already there is not
// written again) and records {sha256, size} under spec.artifacts instead
// of committing the bytes; plan, drift and apply read them back and check
// the digest before they compare or write. Documents in memory always
// carry the bytes as side files, so the kinds never see the store.

// artifactFiles is the kind's side files that may live in the store.
func artifactFiles(reg *kinds.Registry, kind string) []string {
	h, ok := reg.Get(kind)
	if !ok {
		return nil
	}
	if a, ok := h.(kinds.ArtifactKind); ok {
		return a.ArtifactFiles()
	}
	return nil
}

// stowArtifacts moves the documents' artifact side files into the store.
func stowArtifacts(reg *kinds.Registry, dir string, docs []resource.Document) error {
	st := retention.Store{Dir: dir}
	for i := range docs {
		d := &docs[i]
		names := artifactFiles(reg, d.Kind)
		stowed := map[string]any{}
		for _, name := range names {
			b, ok := d.Files[name]
			if !ok {
				continue
			}
			sum := sha256.Sum256(b)
			digest := hex.EncodeToString(sum[:])
			if err := putArtifact(st, digest, b); err != nil {
				return fmt.Errorf("%s: %s: %w", d.Key(), name, err)
			}
			stowed[name] = map[string]any{"sha256": digest, "size": len(b)}
			delete(d.Files, name)
		}
		if len(stowed) > 0 {
			d.Spec[kinds.ArtifactsField] = stowed
		}
	}
	return nil
}

// putArtifact writes the bytes under their digest, through a temporary
// file (never listed by the store, so never swept) and a rename, so a
// killed export leaves no cut artifact under a digest name.
func putArtifact(st retention.Store, digest string, b []byte) error {
	path := st.Path(digest)
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(b)) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("artifacts store %s: %w", st.Dir, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".incoming-*")
	if err != nil {
		return fmt.Errorf("artifacts store %s: %w", st.Dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("artifacts store %s: %w", st.Dir, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("artifacts store %s: %w", st.Dir, err)
	}
	return os.Rename(tmp.Name(), path)
}

// hydrateArtifacts puts the stored side files back into the documents of
// the given kinds and drops spec.artifacts, so that they compare with what
// the tenant has. pathOf names a document's file for errors. Without a
// store (dir ""), a document that names artifacts is an error.
func hydrateArtifacts(reg *kinds.Registry, dir string, docs []resource.Document, inScope map[string]bool, pathOf func(resource.Document) string) error {
	var errs []error
	for i := range docs {
		d := &docs[i]
		stowed, ok := d.Spec[kinds.ArtifactsField].(map[string]any)
		if !ok || !inScope[d.Kind] {
			continue
		}
		if dir == "" {
			errs = append(errs, fmt.Errorf("%s: its %s is kept in an artifacts store (spec.%s): pass --artifacts DIR", pathOf(*d), joinNames(stowed), kinds.ArtifactsField))
			continue
		}
		if err := hydrateDoc(reg, retention.Store{Dir: dir}, d, stowed, pathOf); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func hydrateDoc(reg *kinds.Registry, st retention.Store, d *resource.Document, stowed map[string]any, pathOf func(resource.Document) string) error {
	allowed := map[string]bool{}
	for _, n := range artifactFiles(reg, d.Kind) {
		allowed[n] = true
	}
	files := map[string][]byte{}
	for name, v := range stowed {
		entry, _ := v.(map[string]any)
		digest, _ := entry["sha256"].(string)
		if !allowed[name] {
			return fmt.Errorf("%s: spec.%s: %s is not a file this kind keeps in the store", pathOf(*d), kinds.ArtifactsField, name)
		}
		b, err := os.ReadFile(st.Path(digest))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %s (sha256 %s) is not in the artifacts store %s", pathOf(*d), name, digest, st.Dir)
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", pathOf(*d), name, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != digest {
			return fmt.Errorf("%s: %s: the artifacts store's file %s does not match its digest (damaged)", pathOf(*d), name, st.Path(digest))
		}
		files[name] = b
	}
	if d.Files == nil {
		d.Files = map[string][]byte{}
	}
	for name, b := range files {
		d.Files[name] = b
	}
	delete(d.Spec, kinds.ArtifactsField)
	return nil
}

func joinNames(m map[string]any) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// snapshotPath names a snapshot document's file for errors.
func snapshotPath(reg *kinds.Registry) func(resource.Document) string {
	return func(d resource.Document) string { return snapshot.PathOf(reg, d) }
}
