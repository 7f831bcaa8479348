#!/usr/bin/env bash
# Nightly backup of a Qlik Cloud tenant into a Git remote, for cron or any
# scheduler. Needs QLIK_TENANT_URL and QLIK_API_KEY (or QLIK_CLIENT_ID and
# QLIK_CLIENT_SECRET) in the environment, and a clone of the backup repo.
#
#   nightly-export.sh REPO_DIR [REMOTE]
#
# Exit codes: 0 backed up; 3 backed up partially (some kinds failed, their
# previous files kept: look at the manifest); anything else: failed.
set -euo pipefail
repo=${1:?usage: nightly-export.sh REPO_DIR [REMOTE]}
remote=${2:-origin}
qlikops=${QLIKOPS:-qlikops}

status=0
"$qlikops" export --repo "$repo" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "nightly-export: export failed (exit $status); nothing pushed" >&2
  exit "$status"
fi
# Push the snapshot branch and the run records: the records show when the
# tenant was last checked even on nights when nothing changed.
branch=$(git -C "$repo" symbolic-ref --short HEAD)
git -C "$repo" push --quiet "$remote" "$branch" 'refs/qlikops/*:refs/qlikops/*'
"$qlikops" status --repo "$repo"
exit "$status"
