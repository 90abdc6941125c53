#!/usr/bin/env bash
# End-to-end suite: the atbackfill binary against the local reference network (the official
# Bluesky PDS and PLC directory on loopback, see devnet/README.md) and a real PostgreSQL.
#
#   tests/e2e/run_e2e.sh [path/to/atbackfill]      (default: build/atbackfill)
#
# Needs ATBACKFILL_TEST_DATABASE_URL: a server on which it may CREATE DATABASE (one per scenario,
# dropped at the end). Without it the suite is skipped (exit 77). Needs curl, jq, psql and npm.
# E2E_KEEP=1 keeps the work directory (configs, daemon logs, request logs) and the databases.
# Each scenario prints PASS or FAIL with the reason; the exit status is 0 only if all passed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(realpath "${1:-$root/build/atbackfill}")
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=scenarios.sh
source "$here/scenarios.sh"

if [[ -z ${ATBACKFILL_TEST_DATABASE_URL:-} ]]; then
  echo "e2e: ATBACKFILL_TEST_DATABASE_URL is not set; skipping (scripts/test sets it)"
  exit 77
fi
for tool in curl jq psql; do
  command -v "$tool" >/dev/null || { echo "e2e: FAIL: $tool is required (scripts/bootstrap)"; exit 1; }
done
[[ -x $binary ]] || { echo "e2e: FAIL: no atbackfill binary at $binary (scripts/build)"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/atbackfill-e2e.XXXXXX")
DB_PREFIX="e2e_$$"
databases=()
suite_status=1
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  devnet_stop
  if [[ ${E2E_KEEP:-0} == 1 || $suite_status != 0 ]]; then
    echo "e2e: work directory kept: $WORK"
  fi
  if [[ ${E2E_KEEP:-0} != 1 ]]; then
    local name
    for name in "${databases[@]}"; do
      e2e_psql "$ATBACKFILL_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $name" 2>/dev/null || true
    done
    if [[ $suite_status == 0 ]]; then rm -rf "$WORK"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# create_database NAME: a fresh, empty database on the test server (remembered for cleanup).
create_database() {
  databases+=("$1")
  e2e_psql "$ATBACKFILL_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}

suite_started=$(date +%s)
echo "e2e: binary $binary, work directory $WORK"
if ! devnet_start "$here/devnet/spec.json" "$WORK"; then
  echo "e2e: FAIL: the reference network did not start (see above)"
  exit 1
fi
PDS1_URL=$(devnet_pds_url pds1)
PDS2_URL=$(devnet_pds_url pds2)
PLC_URL=$(devnet_jq .plc_url)
echo "e2e: network up: plc $PLC_URL, pds1 $PDS1_URL, pds2 $PDS2_URL"

# One database per scenario, created up front (scenarios run in subshells).
for scenario_db in main kill throttle; do
  create_database "${DB_PREFIX}_$scenario_db"
done
DB_MAIN=$(db_url_for "$ATBACKFILL_TEST_DATABASE_URL" "${DB_PREFIX}_main")
DB_KILL=$(db_url_for "$ATBACKFILL_TEST_DATABASE_URL" "${DB_PREFIX}_kill")
DB_THROTTLE=$(db_url_for "$ATBACKFILL_TEST_DATABASE_URL" "${DB_PREFIX}_throttle")

passed=()
failed=()
# run_scenario NAME FUNCTION: runs it in a subshell with `set -e` in force (a function called
# from `if` or `||` would run with `set -e` off), reporting the first failing command.
run_scenario() {
  local name=$1 fn=$2 started rc
  started=$(date +%s)
  echo "e2e: --- $name"
  set +e
  (
    set -eEuo pipefail
    SCENARIO=$name
    trap 'echo "e2e: [$SCENARIO] command failed (line $LINENO): $BASH_COMMAND" >&2' ERR
    "$fn"
  )
  rc=$?
  set -e
  if ((rc == 0)); then
    passed+=("$name")
    echo "e2e: PASS $name ($(($(date +%s) - started)) s)"
  else
    failed+=("$name")
    echo "e2e: FAIL $name ($(($(date +%s) - started)) s)"
  fi
  return 0
}

run_scenario "1-backfill" scenario_backfill
if [[ " ${failed[*]} " == *" 1-backfill "* ]]; then
  echo "e2e: SKIP 2-incremental (it continues from scenario 1's database)"
  failed+=("2-incremental(skipped)")
else
  run_scenario "2-incremental" scenario_incremental
fi
run_scenario "3-kill-restart" scenario_kill_restart
run_scenario "4-throttle" scenario_throttle

echo "e2e: passed: ${passed[*]:-none}"
echo "e2e: failed: ${failed[*]:-none}"
echo "e2e: total $(($(date +%s) - suite_started)) s"
if ((${#failed[@]} == 0)); then
  suite_status=0
fi
exit "$suite_status"
