package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/secrets"
)

// examples are shown by each subcommand's --help. They live together so the
// help reads as one manual; TestExamplesParse checks every command line in
// them names real flags.
var examples = map[string]string{
	"export": `  # First export: creates the repo, records the tenant, commits the snapshot
  qlikops export --repo ~/qlik-backup
  # Nightly, to a review branch, authored by the job
  qlikops export --repo ~/qlik-backup --branch nightly --author "Backup Bot <backup@example.com>"`,
	"diff": `  # What changed in the last snapshot
  qlikops diff HEAD~1 HEAD --repo ~/qlik-backup
  # A pull-request comment
  qlikops diff main feature --repo ~/qlik-backup --format markdown`,
	"drift": `  # CI: fail (exit 2) when someone changed the tenant by hand
  qlikops drift --repo ~/qlik-backup
  qlikops drift --repo ~/qlik-backup --kinds spaces,groups -o json`,
	"plan": `  qlikops plan --repo ~/qlik-backup
  # What a restore to last week's state would do, as a pull-request comment
  qlikops plan --repo ~/qlik-backup --ref HEAD~7 --format markdown
  # Save it for apply --plan
  qlikops plan --repo ~/qlik-backup --prune --out plan.json`,
	"apply": `  qlikops apply --repo ~/qlik-backup --dry-run
  # Undo the last change: revert it in Git, then apply
  git -C ~/qlik-backup revert --no-edit HEAD && qlikops apply --repo ~/qlik-backup --yes
  # Restore into another tenant, re-entering secrets
  qlikops apply --repo ~/qlik-backup --tenant https://dr.eu.qlikcloud.com \
    --target-tenant https://dr.eu.qlikcloud.com --secrets secrets.yaml --yes
  # Bring back one deleted space from last night's snapshot, members and all, and nothing else
  qlikops apply --repo ~/qlik-backup --ref qlikops/daily/2026-12-07 --only Space/Finance --yes
  # Two resources; a data connection is named by its space
  qlikops apply --repo ~/qlik-backup --only "Space/HR Confidential,DataConnection/Finance/Finance Snowflake" --yes`,
	"status": `  qlikops status --repo ~/qlik-backup
  qlikops status --repo ~/qlik-backup -o json`,
	"unlock": `  qlikops unlock --repo ~/qlik-backup`,
	"rehearse": `  # Prove last night's snapshot restores, with no tenant touched (exit 2 if anything would not come back)
  qlikops rehearse --repo ~/qlik-backup
  # In CI: the verdict as JSON
  qlikops rehearse --repo ~/qlik-backup --format json > rehearsal.json`,
	"restore-report": `  # What restoring last night's snapshot takes, kind by kind and resource by resource
  qlikops restore-report --repo ~/qlik-backup
  # A runbook page for the wiki, from a retention tag
  qlikops restore-report --repo ~/qlik-backup --ref qlikops/daily/2026-12-07 --format markdown > RUNBOOK.md`,
	"history": `  # Every change to a space: when, who, and the fields
  qlikops history Space/Finance --repo ~/qlik-backup
  # A data connection lives in a space; the last 5 changes, as JSON
  qlikops history DataConnection/Finance/Snowflake --repo ~/qlik-backup --limit 5 --format json`,
	"find": `  # Recovery points of the Sales apps changed in the last 30 days
  qlikops find --repo ~/qlik-backup --kind App --name "Sales*" --changed-since 30d
  # The commit in which Finance's description last changed
  qlikops find --repo ~/qlik-backup --kind Space --name Finance --field spec.description --limit 1
  # What carol owns that changed since December, as JSON
  qlikops find --repo ~/qlik-backup --owner carol.white@example.com --changed-since 2026-12-01 --format json`,
}

// tenantEnvironment is appended to the help of every command that talks to a
// tenant: the variables matter as much as the flags.
var tenantEnvironment = `
Environment:
  QLIK_TENANT_URL      the tenant (overridden by --tenant; overrides tenant: in qlikops.yaml)
  QLIK_API_KEY         an API key, sent as a bearer token
  QLIK_CLIENT_ID, QLIK_CLIENT_SECRET
                       OAuth2 machine-to-machine credentials, used instead of an API key
  ` + secrets.EnvPrefix + `<NAME>  the value of a secret placeholder, NAME upper-cased with every
                       other character as _ (apply; --secrets FILE is the alternative)
Secrets and keys are never printed, logged or written.`

// talksToTenant lists the commands that read or write a tenant.
var talksToTenant = map[string]bool{"export": true, "drift": true, "plan": true, "apply": true}

// decorateHelp adds the examples and the environment section to the
// subcommands' help.
func decorateHelp(root *cobra.Command) {
	for _, c := range root.Commands() {
		name := c.Name()
		if ex, ok := examples[name]; ok {
			c.Example = ex
		}
		if talksToTenant[name] {
			c.Long = strings.TrimRight(c.Long, "\n") + "\n" + tenantEnvironment
		}
	}
}
