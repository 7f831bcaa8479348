package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/ops"
)

type exportOptions struct {
	*globals
	allowOtherTenant bool
	branch           string
	author           string
	force            bool
	artifacts        string
	includePersonal  bool
	push             pushFlags
}

func newExportCmd(g *globals) *cobra.Command {
	o := &exportOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Read the tenant, write one YAML document per resource, and commit if anything changed",
		Long: `Export reads every selected kind from the tenant and writes normalized
documents into the repo. It commits only when something changed, and records
every run on refs/qlikops/runs. A kind that cannot be read keeps its previous
files and makes the run exit 3.

Commits are authored by --author, else by git config user.name and
user.email (the repo's, then the global one), else qlikops. With --branch the
live state is committed to that branch (started from the current branch when
it does not exist); the working tree changes only if it is checked out.

When the branch's tip is a commit no export made and no apply applied (a
merged pull request not applied yet), export does not commit on top of it,
which would revert it: it commits the live state to the branch qlikops/drift,
names the unapplied commits, and still exits 0.

Export never destroys local work. Uncommitted changes to tracked files in
the selected kind folders (and qlikops.yaml), untracked files there and
nested repositories stop it with exit 1 and a list of the paths. --force
writes anyway after saving that work as a commit on refs/qlikops/saved/<time>,
which it names. Export deletes only files the previous snapshot tracked, and
refuses a detached HEAD.


With a retention block in qlikops.yaml (retention: {daily: 14, weekly: 8,
monthly: 24}), a successful run also tags its snapshot commit as the newest
of its day, ISO week and month: qlikops/daily/2026-12-07,
qlikops/weekly/2026-W50, qlikops/monthly/2026-12. qlikops prune deletes the
tags the policy no longer names.`,
		Args: cobra.NoArgs,
		RunE: o.run,
	}
	cmd.Flags().BoolVar(&o.allowOtherTenant, "allow-other-tenant", false, "export a tenant other than the one this repo belongs to (qlikops.yaml keeps naming the repo's own)")
	cmd.Flags().StringVar(&o.branch, "branch", "", "commit to this branch (default: the checked-out one)")
	cmd.Flags().StringVar(&o.author, "author", "", `commit author, "Name <email>" (default: git config user.name/user.email)`)
	cmd.Flags().BoolVar(&o.force, "force", false, "write over local work in kind folders, after saving it to refs/qlikops/saved/<time>")
	cmd.Flags().StringVar(&o.artifacts, "artifacts", "", "keep app files (app.qvf) in this content-addressed store (DIR/sha256/<digest>) instead of the repo; app.yaml keeps their sha256")
	cmd.Flags().BoolVar(&o.includePersonal, "include-personal", false, "also export apps in personal spaces (left out by default: their owners' private work), under apps/personal-<owner>/")
	o.push.add(cmd)
	return withNotify(g, "export", cmd)
}

func (o *exportOptions) run(cmd *cobra.Command, _ []string) error {
	env, err := o.env(true)
	if err != nil {
		return err
	}
	if err := o.checkTenant(cmd.Context(), &env, "export", o.allowOtherTenant, ""); err != nil {
		return err
	}
	if o.author != "" {
		if _, _, err := ops.ParseAuthor(o.author); err != nil {
			return err
		}
	}
	env.Branch, env.Author = o.branch, o.author
	env.Force = o.force
	env.Artifacts, env.IncludePersonal = o.artifacts, o.includePersonal
	prog, err := o.exportProgress(&env)
	if err != nil {
		return err
	}
	res, err := ops.Export(cmd.Context(), env)
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		return err
	}
	o.printTenantNotes(env, res)
	if o.output == "json" {
		if err := writeJSON(o.stdout, res.Manifest); err != nil {
			return err
		}
	} else {
		o.printExport(res)
	}
	if err := o.push.run(cmd.Context(), o.globals, env, res.Manifest.Branch); err != nil {
		return err
	}
	if res.Partial() {
		return exitCode(ExitPartial)
	}
	return nil
}

// exportProgress draws one line per kind on a terminal (see progress.go);
// nil when stderr is not one or --quiet is given.
func (o *exportOptions) exportProgress(env *ops.Env) (*exportProgress, error) {
	if o.quiet || !o.stderrIsTTY() {
		return nil, nil
	}
	hs, err := env.Registry.Select(env.Include, env.Exclude)
	if err != nil {
		return nil, err
	}
	folders := make([]string, 0, len(hs))
	for _, h := range hs {
		folders = append(folders, h.Folder())
	}
	prog := newExportProgress(o.stderr, folders, env.Client.Stats)
	env.Progress = prog.kindDone
	return prog, nil
}

// printExport reports the run. With --quiet only the failures and the last
// line (what was committed, or that nothing changed) remain.
func (o *exportOptions) printExport(res ops.ExportResult) {
	m := res.Manifest
	var counts []string
	settings := 0 // the tenant's singletons count as one entry
	for _, k := range m.Kinds {
		switch {
		case k.Status != ops.KindOK:
		case o.registry.Policy(k.Kind).Singleton:
			if settings == 0 {
				counts = append(counts, "")
			}
			settings += k.Count
		default:
			counts = append(counts, countOf(k.Count, k.Folder))
		}
	}
	if i := slices.Index(counts, ""); i >= 0 {
		counts[i] = countOf(settings, "tenant settings")
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, "Exported %s from %s\n", strings.Join(counts, ", "), m.Tenant)
	}
	var refused []string
	for _, k := range m.Kinds {
		switch {
		case k.Status == ops.KindOK, k.Status == ops.KindSkipped:
		case k.Unauthorized:
			refused = append(refused, k.Folder)
		default:
			fmt.Fprintf(o.stdout, "FAILED %s: %s (previous files kept)\n", k.Folder, k.Reason)
		}
	}
	if len(refused) > 0 {
		// One line, not one per kind: the cause is the same for all.
		fmt.Fprintf(o.stdout, "FAILED %s: the tenant refused the credentials (401 Unauthorized); check QLIK_API_KEY, or QLIK_CLIENT_ID and QLIK_CLIENT_SECRET (previous files kept)\n", strings.Join(refused, ", "))
	}
	if !o.quiet {
		o.printWarnings(res)
	}
	if res.Commit != "" {
		fmt.Fprintf(o.stdout, "Committed %s on %s: %s changed\n", short(res.Commit), m.Branch, countOf(len(res.Changed), "files"))
		for i, l := range res.Resources {
			if o.quiet {
				break
			}
			if i == maxResourceLines {
				fmt.Fprintf(o.stdout, "  … and %d more (git show %s)\n", len(res.Resources)-i, short(res.Commit))
				break
			}
			fmt.Fprintf(o.stdout, "  %s\n", l)
		}
	} else {
		fmt.Fprintf(o.stdout, "No changes since %s; run recorded on refs/qlikops/runs\n", short(m.Commit))
	}
}

func (o *exportOptions) printWarnings(res ops.ExportResult) {
	m := res.Manifest
	for _, w := range res.NewWarnings {
		fmt.Fprintf(o.stdout, "warning: %s\n", w)
	}
	if old := len(m.Warnings) - len(res.NewWarnings); old > 0 {
		fmt.Fprintf(o.stdout, "%s as in the last export (listed in its run record: qlikops status -o json)\n", countOf(old, "warnings"))
	}
	if len(m.Unapplied) > 0 {
		o.printUnapplied(m)
	}
}

// printTenantNotes says when the export recorded the repo's tenant id, or
// exported another tenant (on stderr with --output json, to keep stdout JSON).
func (o *exportOptions) printTenantNotes(env ops.Env, res ops.ExportResult) {
	if o.quiet {
		return
	}
	w := o.stdout
	if o.output == "json" {
		w = o.stderr
	}
	if res.RecordedTenantID {
		fmt.Fprintf(w, "Recorded tenant id %s in %s: this repo belongs to %s\n", env.Target.ID, ops.ConfigPath, env.Target.URL)
	}
	if env.OtherTenant {
		fmt.Fprintf(w, "warning: exported tenant %s into the repo of tenant %s (--allow-other-tenant)\n", env.Target, o.recorded)
	}
}

// maxResourceLines caps the changed resources export prints; the commit
// message has more.
const maxResourceLines = 20

func (o *exportOptions) printUnapplied(m ops.Manifest) {
	fmt.Fprintf(o.stdout, "warning: %s holds %s never applied to the tenant:\n", m.UnappliedOn, countOf(len(m.Unapplied), "commits"))
	for _, c := range m.Unapplied {
		fmt.Fprintf(o.stdout, "  %s %s\n", short(c.Hash), c.Subject)
	}
	fmt.Fprintf(o.stdout, "The live state goes to %s instead of on top of them. Apply %s to bring the tenant there, or compare: git diff %s %s\n", m.Branch, m.UnappliedOn, m.UnappliedOn, m.Branch)
}

// countOf renders "1 theme", "3 themes", "1 glossary": counts in output are
// of folder names, which are plural.
func countOf(n int, plural string) string {
	if n != 1 {
		return fmt.Sprintf("%d %s", n, plural)
	}
	switch {
	case strings.HasSuffix(plural, "ies"):
		return "1 " + strings.TrimSuffix(plural, "ies") + "y"
	case strings.HasSuffix(plural, "s"):
		return "1 " + strings.TrimSuffix(plural, "s")
	}
	return "1 " + plural
}
