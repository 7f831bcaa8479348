package ops

import (
	"fmt"
	"strings"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/snapshot"
	"github.com/qlikops/qlikops/pkg/store"
)

// managedRootFiles are the files outside kind folders that export would
// overwrite. None today: qlikops.yaml is the user's file, and export takes
// it from the working tree as it is (adding only a missing tenant id).
var managedRootFiles []string

// guardLocalWork runs before export reads the tenant or writes a file. It
// refuses a detached HEAD, and local work that the export would put at
// risk: uncommitted changes to tracked files in the selected kind folders
// (and the schemas and root files export writes), untracked files there,
// and nested repositories. With env.Force the work is first saved as a
// commit on a side ref, which the warning names; the store never deletes
// an untracked file or enters a nested repository, forced or not.
func guardLocalWork(repo *store.Repo, env Env, hs []kinds.Handler) error {
	if err := repo.CheckBranch(); err != nil {
		return fmt.Errorf("refusing to export: %w", err)
	}
	head, _, err := repo.HeadBranch()
	if err != nil {
		return err
	}
	if env.Branch != "" && env.Branch != head {
		// That branch is committed from Git objects; the working tree is
		// not touched, so nothing in it is at risk.
		return nil
	}
	folders := []string{snapshot.SchemaDir}
	for _, h := range hs {
		folders = append(folders, h.Declared().RepoDir())
	}
	w, err := repo.FindLocalWork(folders, managedRootFiles)
	if err != nil {
		return err
	}
	if w.Empty() {
		return nil
	}
	if !env.Force {
		return fmt.Errorf("export would overwrite local work in %s; commit or move it, or run export --force to save it to a side ref first:\n%s",
			repo.Dir(), describeLocalWork(w))
	}
	save := append(append([]string{}, w.Modified...), w.Untracked...)
	if len(save) == 0 {
		env.warn(fmt.Sprintf("export --force: nested repositories left alone: %s", strings.Join(w.Nested, ", ")))
		return nil
	}
	ref, err := repo.SaveLocalWork(save, "qlikops export --force: local work saved before writing\n\n"+describeLocalWork(w), env.now())
	if err != nil {
		return err
	}
	env.warn(fmt.Sprintf("export --force: saved local work (%s) to %s before writing; see a file with: git show %s:PATH",
		capList(save, 10), ref, ref))
	return nil
}

// capList joins paths, naming at most n and counting the rest.
func capList(paths []string, n int) string {
	if len(paths) <= n {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:n], ", "), len(paths)-n)
}

// describeLocalWork lists the paths one a line, at most maxListed of them.
func describeLocalWork(w store.LocalWork) string {
	var lines []string
	for _, p := range w.Modified {
		lines = append(lines, "  modified:   "+p)
	}
	for _, p := range w.Untracked {
		lines = append(lines, "  untracked:  "+p)
	}
	for _, p := range w.Nested {
		lines = append(lines, "  nested repository: "+p)
	}
	if len(lines) > maxListed {
		lines = append(lines[:maxListed], fmt.Sprintf("  ... and %d more", len(lines)-maxListed))
	}
	return strings.Join(lines, "\n")
}

const maxListed = 50
