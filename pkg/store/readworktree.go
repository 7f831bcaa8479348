package store

import (
	"fmt"
	"os"
)

// ReadWorktree reads every regular file of the working tree, skipping .git
// folders. Symlinks are skipped, never followed, so a link cannot pull
// content from outside the repo into a diff or an apply. Ignore rules are not
// applied: qlikops compares only the kinds it manages.
func (r *Repo) ReadWorktree() (Files, error) {
	files := Files{}
	var walk func(rel string) error
	walk = func(rel string) error {
		entries, err := os.ReadDir(r.abs(rel))
		if err != nil {
			return fmt.Errorf("read folder %s: %w", displayRel(rel), err)
		}
		for _, e := range entries {
			if e.Name() == ".git" {
				continue
			}
			p := e.Name()
			if rel != "" {
				p = rel + "/" + p
			}
			switch {
			case e.IsDir():
				if err := walk(p); err != nil {
					return err
				}
			case e.Type().IsRegular():
				b, err := os.ReadFile(r.abs(p))
				if err != nil {
					return fmt.Errorf("read %s: %w", p, err)
				}
				files[p] = b
			}
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	return files, nil
}

func displayRel(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}
