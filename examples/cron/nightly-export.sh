#!/usr/bin/env bash
# Nightly backup of a Qlik Cloud tenant into a Git remote, for cron or any
# scheduler. Needs QLIK_TENANT_URL and QLIK_API_KEY (or QLIK_CLIENT_ID and
# QLIK_CLIENT_SECRET) in the environment, and a clone of the backup repo.
#
#   nightly-export.sh REPO_DIR [REMOTE]
#
# After each export it rehearses a restore of the new snapshot (qlikops
# rehearse: into an in-process qliksim, no tenant touched) and prints the
# verdict and the restore report; QLIKOPS_REHEARSE=0 skips that.
#
# Exit codes: 0 backed up (and the rehearsal passed); 3 backed up partially
# (some kinds failed, their previous files kept: look at the run record);
# 2 backed up, but the rehearsal found resources that would not come back
# identical (its output names them); anything else: failed.
set -euo pipefail
repo=${1:?usage: nightly-export.sh REPO_DIR [REMOTE]}
remote=${2:-origin}
qlikops=${QLIKOPS:-qlikops}
g() { git -C "$repo" "$@"; }

branch=$(g symbolic-ref --short HEAD)

# 1. Bring in what others pushed, before exporting: merged pull requests on
# the branch, and run records (an apply elsewhere leaves one). Exporting first
# and rebasing afterwards would put the live state on top of a merge that was
# never applied, silently reverting it. With the merge in, export sees the
# unapplied commits and commits the live state to qlikops/drift instead.
g fetch --quiet "$remote"
if g rev-parse --verify --quiet "refs/remotes/$remote/$branch" >/dev/null; then
  if ! g merge --quiet --ff-only "$remote/$branch" 2>/dev/null; then
    # Local snapshot commits a failed push left behind: replay them on top.
    g rebase --quiet "$remote/$branch" || {
      g rebase --abort || true
      echo "nightly-export: $branch and $remote/$branch conflict; nothing exported" >&2
      exit 1
    }
  fi
fi
if g ls-remote --exit-code --quiet "$remote" refs/qlikops/runs >/dev/null; then
  g fetch --quiet "$remote" "+refs/qlikops/runs:refs/qlikops/remote-runs"
  if ! g rev-parse --verify --quiet refs/qlikops/runs >/dev/null ||
     g merge-base --is-ancestor refs/qlikops/runs refs/qlikops/remote-runs; then
    g update-ref refs/qlikops/runs refs/qlikops/remote-runs
  elif ! g merge-base --is-ancestor refs/qlikops/remote-runs refs/qlikops/runs; then
    # Both sides recorded runs: replay ours on top of the remote's, oldest
    # first, so the runs ref stays one line of records.
    base=$(g rev-parse refs/qlikops/remote-runs)
    for c in $(g rev-list --reverse --first-parent refs/qlikops/remote-runs..refs/qlikops/runs); do
      base=$(g log -1 --format=%B "$c" | g commit-tree "$c^{tree}" -p "$base")
    done
    g update-ref refs/qlikops/runs "$base"
  fi
  g update-ref -d refs/qlikops/remote-runs
fi

# 2. Export.
status=0
"$qlikops" export --repo "$repo" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "nightly-export: export failed (exit $status); nothing pushed" >&2
  exit "$status"
fi

# 2b. Rehearse a restore of what was just exported. A failed rehearsal still
# pushes the backup: it is the best there is, and the exit code says to look.
rehearsal=0
if [ "${QLIKOPS_REHEARSE:-1}" != 0 ]; then
  "$qlikops" rehearse --repo "$repo" || rehearsal=$?
  if [ "$rehearsal" -ne 0 ] && [ "$rehearsal" -ne 2 ]; then
    echo "nightly-export: the rehearsal could not run (exit $rehearsal)" >&2
  fi
fi

# 3. Push the snapshot branch, the drift branch qlikops may have written (it
# is qlikops' own, so forced), and the run records: they show when the tenant
# was last checked even on nights when nothing changed.
g push --quiet "$remote" "$branch" '+refs/heads/qlikops/*:refs/heads/qlikops/*' refs/qlikops/runs:refs/qlikops/runs
"$qlikops" status --repo "$repo"
if [ "$status" -eq 0 ] && [ "$rehearsal" -ne 0 ]; then
  exit 2
fi
exit "$status"
