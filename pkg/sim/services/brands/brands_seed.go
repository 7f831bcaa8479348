package brands

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedBrand is a brand folder's brand.yaml.
type seedBrand struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Active      bool   `json:"active,omitempty"`
}

// seedFileNames maps the file names a brand folder may hold to brand file ids.
var seedFileNames = map[string]string{
	"logo.png": "logo", "logo.jpg": "logo", "logo.jpeg": "logo",
	"favicon.ico": "favIcon", "styles.json": "styles",
}

// seedBrands creates one brand per folder of dir/brands (sorted by name),
// from its brand.yaml and files, as a multipart create would. At most one
// brand may be active.
func (s server) seedBrands(st *core.State, dir string) error {
	base := filepath.Join(dir, "brands")
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	var active string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		folder := filepath.Join(base, e.Name())
		meta, up, err := readSeedFolder(folder)
		if err != nil {
			return err
		}
		b, _, err := s.insertBrand(st, up)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(folder, "brand.yaml"), err)
		}
		if meta.Active {
			if active != "" {
				return fmt.Errorf("%s: active: only one brand may be active, and %s is already", filepath.Join(folder, "brand.yaml"), active)
			}
			active, b.Active = folder, true
		}
	}
	return nil
}

func readSeedFolder(folder string) (seedBrand, *brandUpload, error) {
	var meta seedBrand
	yamlPath := filepath.Join(folder, "brand.yaml")
	if _, err := os.Stat(yamlPath); err != nil {
		return meta, nil, fmt.Errorf("%s: a brand folder needs a brand.yaml", folder)
	}
	if err := core.ReadSeedFile(yamlPath, &meta); err != nil {
		return meta, nil, err
	}
	up := &brandUpload{name: meta.Name, description: meta.Description, files: map[string]*brandFile{}}
	files, err := os.ReadDir(folder)
	if err != nil {
		return meta, nil, fmt.Errorf("%s: %w", folder, err)
	}
	for _, f := range files {
		if f.Name() == "brand.yaml" || strings.HasPrefix(f.Name(), ".") {
			continue
		}
		path := filepath.Join(folder, f.Name())
		id, ok := seedFileNames[f.Name()]
		if !ok || !f.Type().IsRegular() {
			return meta, nil, fmt.Errorf("%s: not a brand file: logo.png, logo.jpg, favicon.ico or styles.json", path)
		}
		if up.files[id] != nil {
			return meta, nil, fmt.Errorf("%s: a second %s file", path, id)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return meta, nil, fmt.Errorf("%s: %w", path, err)
		}
		bf, err := newFile(id, data, "")
		if err != nil {
			return meta, nil, fmt.Errorf("%s: %w", path, err)
		}
		up.files[id] = bf
	}
	return meta, up, nil
}
