#!/usr/bin/env bash
# Conformance check: drive qliksim through Qlik's own TypeScript client (@qlik/api,
# pinned in package-lock.json). Builds qliksim, starts it on a free loopback port
# with a fresh API key, the demo seed and OAuth client credentials, runs
# `node --test`, and always stops the simulator. Exits non-zero if any test fails.
#
# Usage: testdata/conformance/run.sh [extra node --test args, e.g. a test file]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

for tool in go node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "conformance: $tool is required" >&2; exit 1; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/qliksim-conformance.XXXXXX")"
sim_pid=""
cleanup() {
  if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$sim_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "conformance: building qliksim"
(cd "$root" && go build -o "$tmp/qliksim" ./cmd/qliksim)

rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
api_key="conf-key-$(rand_hex 16)"
client_id="conf-client-$(rand_hex 8)"
client_secret="conf-secret-$(rand_hex 16)"
carol_key="conf-carol-$(rand_hex 16)"

seed="$root/examples/demo-tenant"
[[ -d "$seed" ]] || { echo "conformance: seed directory $seed is missing" >&2; exit 1; }

# Start the simulator; its stdout goes to a FIFO-free log file we poll.
"$tmp/qliksim" --addr 127.0.0.1:0 --api-key "$api_key" --seed "$seed" \
  --client-id "$client_id" --client-secret "$client_secret" \
  --api-key-for "carol.white@example.com=$carol_key" \
  >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!

host=""
for _ in $(seq 1 100); do # ~10 s
  if [[ -s "$tmp/sim.out" ]]; then
    line="$(head -n 1 "$tmp/sim.out")"
    if [[ "$line" =~ ^qliksim\ listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
      host="${BASH_REMATCH[1]}"
      break
    elif [[ "$(wc -l <"$tmp/sim.out")" -ge 1 ]]; then
      echo "conformance: unexpected first line from qliksim: $line" >&2
      cat "$tmp/sim.err" >&2 || true
      exit 1
    fi
  fi
  if ! kill -0 "$sim_pid" 2>/dev/null; then
    echo "conformance: qliksim exited before it was listening" >&2
    cat "$tmp/sim.out" "$tmp/sim.err" >&2 || true
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$host" ]]; then
  echo "conformance: qliksim did not print 'qliksim listening on http://127.0.0.1:PORT' within 10 s" >&2
  cat "$tmp/sim.out" "$tmp/sim.err" >&2 || true
  exit 1
fi
echo "conformance: qliksim listening on $host (pid $sim_pid)"

# Install @qlik/api from the lockfile when node_modules is missing or stale.
# npm ci writes node_modules/.package-lock.json; a lockfile newer than it means stale.
cd "$here"
if [[ ! -f node_modules/.package-lock.json || ! -d node_modules/@qlik/api \
      || package-lock.json -nt node_modules/.package-lock.json \
      || package.json -nt node_modules/.package-lock.json ]]; then
  echo "conformance: npm ci"
  npm ci --no-audit --no-fund
fi

installed="$(node -p 'require("./node_modules/@qlik/api/package.json").version')"
if [[ "$installed" != "2.19.0" ]]; then
  echo "conformance: node_modules has @qlik/api $installed, want 2.19.0; run npm ci" >&2
  exit 1
fi

# Test files run one at a time: they share one tenant, and list checks compare
# counts, so a concurrent create in another file would make them flaky.
set +e
QLIK_HOST="$host" QLIK_API_KEY="$api_key" QLIK_CAROL_KEY="$carol_key" \
  QLIK_CLIENT_ID="$client_id" QLIK_CLIENT_SECRET="$client_secret" \
  QLIKSIM_BIN="$tmp/qliksim" QLIKSIM_SEED="$seed" \
  node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tmp/results.tap" \
    "$@"
status=$?
set -e

# A plain closing line as well, from the TAP summary (e.g. "conformance: 41 passed, 0 failed").
pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/results.tap" 2>/dev/null | tail -n 1)"
fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/results.tap" 2>/dev/null | tail -n 1)"
skip="$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tmp/results.tap" 2>/dev/null | tail -n 1)"
cancelled="$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tmp/results.tap" 2>/dev/null | tail -n 1)"
# A test cancelled because its hook failed counts as failed.
[[ -n "$fail" ]] && fail=$((fail + ${cancelled:-0}))
if [[ -n "$pass" && -n "$fail" ]]; then
  if [[ "$pass" -eq 0 && $status -eq 0 ]]; then
    echo "conformance: no test ran" >&2
    status=1
  fi
  echo "conformance: ${pass} passed, ${fail} failed, ${skip:-0} skipped"
fi

if ! kill -0 "$sim_pid" 2>/dev/null; then
  echo "conformance: qliksim died during the tests" >&2
  cat "$tmp/sim.err" >&2 || true
  status=1
fi
if [[ $status -ne 0 ]]; then
  echo "conformance: FAILED (node --test exit $status)" >&2
  echo "--- qliksim stderr (last 40 lines) ---" >&2
  tail -n 40 "$tmp/sim.err" >&2 || true
fi
exit "$status"
