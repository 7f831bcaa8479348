package retention

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// shaField matches a document field naming an artifact: "sha256: <64 hex>",
// quoted or not, as a mapping value or a list item.
var shaField = regexp.MustCompile(`(?m)^[ \t-]*sha256:[ \t]*["']?([0-9a-fA-F]{64})["']?[ \t]*(?:#.*)?$`)

// References lists the artifacts a YAML document names in sha256: fields,
// lowercased, each once, sorted.
func References(doc []byte) []string {
	seen := map[string]bool{}
	for _, m := range shaField.FindAllSubmatch(doc, -1) {
		seen[strings.ToLower(string(m[1]))] = true
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// IsDocument reports whether a snapshot path is a YAML document, the only
// files scanned for references.
func IsDocument(path string) bool {
	return strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")
}

// Store is a content-addressed artifact store: DIR/sha256/<hex>.
type Store struct{ Dir string }

// algoDir is the store's only folder; anything else in DIR is not ours.
const algoDir = "sha256"

var hexName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Path is where artifact hex lives.
func (s Store) Path(hex string) string { return filepath.Join(s.Dir, algoDir, hex) }

// List returns the artifacts in the store, sorted. Only regular files named
// by 64 lowercase hex digits count: a temporary file an export is writing, or
// anything a user put there, is never listed and so never deleted. A store
// that does not exist holds nothing; a DIR that is not a folder is an error.
func (s Store) List() ([]string, error) {
	if fi, err := os.Stat(s.Dir); err != nil {
		return nil, fmt.Errorf("artifacts store %s: %w", s.Dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("artifacts store %s: not a folder", s.Dir)
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir, algoDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("artifacts store %s: %w", s.Dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && hexName.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Remove deletes one artifact; one already gone is not an error.
func (s Store) Remove(hex string) error {
	if !hexName.MatchString(hex) {
		return fmt.Errorf("artifacts store %s: %q is not an artifact name", s.Dir, hex)
	}
	if err := os.Remove(s.Path(hex)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("artifacts store %s: %w", s.Dir, err)
	}
	return nil
}

// Sweep splits the store's artifacts into those referenced (kept) and the
// rest (to delete), both sorted.
func Sweep(stored []string, referenced map[string]bool) (keep, del []string) {
	for _, h := range stored {
		if referenced[h] {
			keep = append(keep, h)
		} else {
			del = append(del, h)
		}
	}
	return keep, del
}
