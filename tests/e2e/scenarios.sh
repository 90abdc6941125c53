#!/usr/bin/env bash
# The end-to-end scenarios and their checks; sourced by run_e2e.sh, which provides $binary,
# $WORK, the DB_* URLs, the PDS/PLC URLs and a running network (lib.sh).
# Every scenario runs in its own subshell with `set -e`: `fail` or any failing command ends it.

# shellcheck disable=SC2154  # binary comes from run_e2e.sh
KILL_AFTER_REQUESTS=${E2E_KILL_AFTER_REQUESTS:-40}

fail() {
  echo "e2e: [$SCENARIO] $*"
  exit 1
}
note() { echo "e2e: [$SCENARIO] $*"; }

# Accounts of a configuration, one "did pds_url patterns..." line each. `main` covers the whole
# spec (pds1 accounts by handle, resolved through pds1's resolveHandle; pds2 accounts by DID);
# `pds2` is only the pds2 accounts.
account_selection() {
  local set=$1 default="network.comind.* org.example.*" handle
  if [[ $set == main ]]; then
    echo "$(devnet_did alice.pds1.test) $PDS1_URL $default"
    echo "$(devnet_did carol.pds1.test) $PDS1_URL org.example.* network.comind.thought"
  fi
  for handle in bob.pds2.test dave.pds2.test erin.pds2.test; do
    echo "$(devnet_did "$handle") $PDS2_URL $default"
  done
}

# write_config FILE PAGE_SIZE SET [HOSTS_YAML [DEFAULT_RPM]]: a daemon configuration.
write_config() {
  local file=$1 page_size=$2 set=$3 hosts=${4:-} rpm=${5:-60000} handle
  {
    cat <<YAML
database:
  url: "postgresql:///unused"   # ATBACKFILL_DATABASE_URL takes precedence
identity:
  plc_url: "$PLC_URL"
  handle_resolver: "$PDS1_URL"
  handle_methods: [xrpc]
hosts:
  default: { requests_per_minute: $rpm, max_concurrent: 2 }
$hosts
sync:
  page_size: $page_size
  poll_interval: 5m
  retry_attempts: 3
  retry_initial_delay: 200ms
  retry_max_delay: 1s
collections: ["network.comind.*", "org.example.*"]
network:
  allow_private_hosts: ["localhost", "127.0.0.1"]
  request_timeout: 30s
accounts:
YAML
    if [[ $set == main ]]; then
      echo "  - handle: alice.pds1.test"
      echo "  - handle: carol.pds1.test"
      echo "    collections: [\"org.example.*\", \"network.comind.thought\"]"
    fi
    for handle in bob.pds2.test dave.pds2.test erin.pds2.test; do
      echo "  - did: $(devnet_did "$handle")"
    done
  } >"$file"
}

# run_daemon DIR DB_URL LOGNAME: `atbackfill run --once` to the end; fails unless it exits 0.
run_daemon() {
  local dir=$1 db=$2 log=$1/$3.log rc=0 started
  started=$(e2e_now_ms)
  ATBACKFILL_DATABASE_URL=$db timeout 300 "$binary" run -c "$dir/atbackfill.yaml" --once \
    --log-level debug >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "e2e: [$SCENARIO] daemon exited with status $rc; last lines of $log:"
    tail -n 25 "$log" | sed 's/^/    /'
    return 1
  fi
  note "run --once finished in $(($(e2e_now_ms) - started)) ms"
}

# The current length of both request logs, to count only what comes after.
log_mark() {
  echo "$(wc -l <"$(devnet_request_log pds1)") $(wc -l <"$(devnet_request_log pds2)")"
}

# Daemon (non-internal) request log lines of both PDSs after MARK.
daemon_log_lines() {
  local m1 m2
  read -r m1 m2 <<<"$1"
  {
    tail -n "+$((m1 + 1))" "$(devnet_request_log pds1)"
    tail -n "+$((m2 + 1))" "$(devnet_request_log pds2)"
  } | jq -c 'select(.internal == false)'
}

# "did collection" for each listRecords request the daemon made after MARK.
daemon_list_requests() {
  daemon_log_lines "$1" | jq -r 'select(.path == "/xrpc/com.atproto.repo.listRecords") | .query
    | split("&") | map(split("=") | {key: .[0], value: ((.[1] // "") | gsub("%3[Aa]"; ":"))})
    | from_entries | "\(.repo) \(.collection)"'
}

# Replaces DIDs by handles on stdin, for readable messages.
with_handles() {
  sed "$(devnet_jq '.accounts[] | "s|\(.did)|\(.handle)|g"')"
}

# build_expected SET DIR: what the PDSs serve for the selected collections, fetched through
# the control server's /list (listRecords paging). Writes DIR/expected.jsonl (one
# {uri, cid, value} per line) and DIR/pairs.txt ("did collection count", collections from
# describeRepo filtered by the account's patterns).
build_expected() {
  local set=$1 dir=$2 did pds patterns collection pattern count
  : >"$dir/expected.jsonl"
  : >"$dir/pairs.txt"
  while read -r did pds patterns; do
    for collection in $(curl -sS --fail --max-time 30 \
      "$pds/xrpc/com.atproto.repo.describeRepo?repo=$did" | jq -r '.collections[]'); do
      for pattern in $patterns; do
        if [[ $pattern == *'.*' && $collection == "${pattern%'*'}"* ]] || [[ $collection == "$pattern" ]]; then
          devnet_control /list "$(jq -nc --arg h "$did" --arg c "$collection" '{handle: $h, collection: $c}')" |
            jq -c '.records[] | {uri, cid, value}' >"$dir/list.tmp"
          count=$(wc -l <"$dir/list.tmp")
          cat "$dir/list.tmp" >>"$dir/expected.jsonl"
          echo "$did $collection $count" >>"$dir/pairs.txt"
          break
        fi
      done
    done
  done < <(account_selection "$set")
  rm -f "$dir/list.tmp"
}

# compare_table DB DIR: the records table must equal DIR/expected.jsonl record for record
# (uri, cid, and value compared as jsonb), with no duplicates and no deleted rows.
compare_table() {
  local db=$1 dir=$2 out counts n_expected n_rows n_uris n_missing n_extra n_bad
  out=$(e2e_psql "$db" -F ' ' <<SQL
CREATE TEMP TABLE expected_raw (doc jsonb);
\copy expected_raw (doc) FROM '$dir/expected.jsonl' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
CREATE TEMP VIEW expected AS
  SELECT doc->>'uri' AS uri, doc->>'cid' AS cid, doc->'value' AS value FROM expected_raw;
CREATE TEMP VIEW missing AS SELECT * FROM expected EXCEPT SELECT uri, cid, value FROM records;
CREATE TEMP VIEW extra AS SELECT uri, cid, value FROM records EXCEPT SELECT * FROM expected;
SELECT (SELECT count(*) FROM expected), (SELECT count(*) FROM records),
       (SELECT count(DISTINCT uri) FROM records), (SELECT count(*) FROM missing),
       (SELECT count(*) FROM extra),
       (SELECT count(*) FROM records
         WHERE deleted_at IS NOT NULL OR uri <> 'at://' || did || '/' || collection || '/' || rkey);
(SELECT 'missing or different in Postgres: ' || uri || ' cid ' || cid FROM missing ORDER BY uri LIMIT 5)
UNION ALL
(SELECT 'extra or different in Postgres: ' || uri || ' cid ' || cid FROM extra ORDER BY uri LIMIT 5);
SQL
  )
  counts=$(head -n 1 <<<"$out")
  read -r n_expected n_rows n_uris n_missing n_extra n_bad <<<"$counts"
  if ((n_missing == 0 && n_extra == 0 && n_rows == n_expected && n_uris == n_rows && n_bad == 0)); then
    note "table equals listRecords: $n_rows records (uri, cid, jsonb value)"
    return 0
  fi
  echo "e2e: [$SCENARIO] table differs from listRecords: expected $n_expected records, table has" \
    "$n_rows rows ($n_uris distinct uris), $n_missing missing/different, $n_extra extra/different," \
    "$n_bad deleted or with a uri that does not match did/collection/rkey"
  tail -n +2 <<<"$out" | with_handles | sed 's/^/    /'
  return 1
}

# check_requests ACTUAL EXPECTED: ACTUAL has one "did collection" line per request, EXPECTED
# "did collection count" lines; every pair must match exactly, and no other pair may appear.
check_requests() {
  local actual=$1 expected=$2 diffs total
  total=$(awk '{ n += $3 } END { print n + 0 }' "$expected")
  if diffs=$(diff <(sort "$expected") <(sort "$actual" | uniq -c | awk '{ print $2, $3, $1 }' | sort)); then
    note "listRecords requests: $total, exactly as expected per collection"
    return 0
  fi
  echo "e2e: [$SCENARIO] listRecords request counts differ (< expected, > seen in the PDS request log):"
  with_handles <<<"$diffs" | grep '^[<>]' | sed 's/^/    /'
  return 1
}

# Requests for a pass that starts at the stored cursor and finds N records after it: the
# reference PDS returns a cursor with every non-empty page, so an empty page ends the pass.
pass_requests() { echo $(($1 == 0 ? 1 : ($1 + $2 - 1) / $2 + 1)); }

scenario_backfill() {
  local dir=$WORK/s1 mark total pairs longest
  mkdir -p "$dir"
  write_config "$dir/atbackfill.yaml" 100 main
  mark=$(log_mark)
  run_daemon "$dir" "$DB_MAIN" run
  daemon_list_requests "$mark" >"$dir/requests.txt"
  build_expected main "$dir"

  # The spec must still give what the scenario claims to cover.
  pairs=$(wc -l <"$dir/pairs.txt")
  longest=$(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$dir/pairs.txt")
  ((pairs >= 8)) || fail "only $pairs selected collections in the spec"
  ((longest > 1000)) || fail "no collection spans more than 10 pages (largest: $longest)"
  if ! grep -q ' network\.comind\.' "$dir/pairs.txt" || ! grep -q ' org\.example\.' "$dir/pairs.txt"; then
    fail "collections under both authorities expected"
  fi

  compare_table "$DB_MAIN" "$dir"
  while read -r did collection count; do
    echo "$did $collection $(pass_requests "$count" 100)"
  done <"$dir/pairs.txt" >"$dir/expected-requests.txt"
  check_requests "$dir/requests.txt" "$dir/expected-requests.txt"

  # Identity: pds1 accounts came in by handle (resolveHandle on pds1, DID document from the PLC).
  local handle did got
  for handle in alice.pds1.test carol.pds1.test; do
    did=$(devnet_did "$handle")
    got=$(e2e_psql "$DB_MAIN" -c "SELECT handle || ' ' || pds_url || ' ' || handle_verified
                                  FROM accounts WHERE did = '$did'")
    [[ $got == "$handle $PDS1_URL true" ]] || fail "accounts row of $handle: '$got', expected '$handle $PDS1_URL true'"
  done
  total=$(e2e_psql "$DB_MAIN" -c "SELECT count(*) FROM sync_state WHERE state = 'synced'")
  ((total == pairs)) || fail "$total collections synced in sync_state, expected $pairs"
  for handle in dave.pds2.test erin.pds2.test; do
    total=$(e2e_psql "$DB_MAIN" -c "SELECT count(*) FROM records WHERE did = '$(devnet_did "$handle")'")
    ((total == 0)) || fail "$handle has no selected records, but the table has $total"
  done
}

scenario_incremental() {
  local dir=$WORK/s2 before=$WORK/s1/pairs.txt mark t0 seen0 seen1 new changed
  mkdir -p "$dir"
  cp "$WORK/s1/atbackfill.yaml" "$dir/"
  # Counts chosen to hit the page arithmetic: a partial page, more than a page, exactly one
  # page, and a collection that did not exist at the first pass (found by describeRepo).
  local creation
  for creation in "alice.pds1.test network.comind.thought 7" "carol.pds1.test org.example.note 150" \
    "bob.pds2.test org.example.bookmark 100" "carol.pds1.test org.example.fresh 3"; do
    read -r handle collection count <<<"$creation"
    devnet_control /create "$(jq -nc --arg h "$handle" --arg c "$collection" --argjson n "$count" \
      '{handle: $h, collection: $c, count: $n}')" >/dev/null
  done
  t0=$(e2e_psql "$DB_MAIN" -c "SELECT now()")
  seen0=$(e2e_psql "$DB_MAIN" -c "SELECT sum(records_seen) FROM sync_state")
  mark=$(log_mark)
  run_daemon "$dir" "$DB_MAIN" run
  daemon_list_requests "$mark" >"$dir/requests.txt"
  build_expected main "$dir"
  compare_table "$DB_MAIN" "$dir"

  # Per collection: one empty page where nothing is new, else ceil(new / 100) + 1.
  while read -r did collection count; do
    new=$((count - $(awk -v d="$did" -v c="$collection" '$1 == d && $2 == c { print $3 }' "$before" | grep . || echo 0)))
    echo "$did $collection $(pass_requests "$new" 100)"
  done <"$dir/pairs.txt" >"$dir/expected-requests.txt"
  check_requests "$dir/requests.txt" "$dir/expected-requests.txt"

  new=$((7 + 150 + 100 + 3))
  changed=$(e2e_psql "$DB_MAIN" -c "SELECT count(*) FROM records WHERE indexed_at >= '$t0' OR updated_at >= '$t0'")
  ((changed == new)) || fail "$changed rows inserted or updated by the second pass, expected the $new new ones"
  seen1=$(e2e_psql "$DB_MAIN" -c "SELECT sum(records_seen) FROM sync_state")
  ((seen1 - seen0 == new)) || fail "records_seen grew by $((seen1 - seen0)), expected $new"
  note "only the $new new records were fetched and stored"
}

# Counts the daemon's listRecords requests after MARK while it runs (lines may be partial).
count_list_requests() {
  local m1 m2
  read -r m1 m2 <<<"$1"
  {
    tail -n "+$((m1 + 1))" "$(devnet_request_log pds1)"
    tail -n "+$((m2 + 1))" "$(devnet_request_log pds2)"
  } | grep -F '/xrpc/com.atproto.repo.listRecords' | grep -c '"internal":false' || true
}

scenario_kill_restart() {
  local dir=$WORK/s3 mark pid seen=0 deadline rows expected_total
  mkdir -p "$dir"
  # ~330 requests; 100 per second per host makes the pass last a few seconds, so the kill
  # lands mid-way even when polling the request log is slow on a loaded machine.
  write_config "$dir/atbackfill.yaml" 10 main "" 6000
  build_expected main "$dir"
  expected_total=$(wc -l <"$dir/expected.jsonl")

  mark=$(log_mark)
  ATBACKFILL_DATABASE_URL=$DB_KILL "$binary" run -c "$dir/atbackfill.yaml" --once --log-level debug \
    >"$dir/killed.log" 2>&1 &
  pid=$!
  deadline=$(($(date +%s) + 120))
  while ((seen < KILL_AFTER_REQUESTS)); do
    kill -0 "$pid" 2>/dev/null || fail "the daemon exited after $seen listRecords requests, before the kill"
    (($(date +%s) < deadline)) || { kill -KILL "$pid"; fail "only $seen listRecords requests after 120 s"; }
    sleep 0.02
    seen=$(count_list_requests "$mark")
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  rows=$(e2e_psql "$DB_KILL" -c "SELECT count(*) FROM records")
  note "killed with SIGKILL after $seen listRecords requests; $rows of $expected_total records stored"
  ((rows > 0 && rows < expected_total)) || fail "the kill did not land mid-backfill ($rows of $expected_total stored)"

  # The restart resumes every collection at its committed cursor: what remains of a full
  # pass (ceil(N/10) + 1 pages) minus the pages already committed, and at least the one
  # request that finds nothing new.
  e2e_psql "$DB_KILL" -F ' ' -c "SELECT did, collection, pages_fetched FROM sync_state" >"$dir/committed.txt"
  local did collection count full done_pages
  while read -r did collection count; do
    full=$(pass_requests "$count" 10)
    done_pages=$(awk -v d="$did" -v c="$collection" '$1 == d && $2 == c { print $3 }' "$dir/committed.txt" | grep . || echo 0)
    echo "$did $collection $((full - done_pages > 1 ? full - done_pages : 1))"
  done <"$dir/pairs.txt" >"$dir/expected-requests.txt"

  mark=$(log_mark)
  run_daemon "$dir" "$DB_KILL" restart
  daemon_list_requests "$mark" >"$dir/requests.txt"
  check_requests "$dir/requests.txt" "$dir/expected-requests.txt"
  compare_table "$DB_KILL" "$dir"
}

scenario_throttle() {
  local dir=$WORK/s4 mark port n min_gap span
  mkdir -p "$dir"
  port=$(devnet_pds_port pds2)
  write_config "$dir/atbackfill.yaml" 100 pds2 "  \"localhost:$port\": { requests_per_minute: 120 }"
  mark=$(log_mark)
  run_daemon "$dir" "$DB_THROTTLE" run
  # pds2's lines (its request log is the second one), taken before the checks below add
  # requests of their own.
  local m1 m2
  read -r m1 m2 <<<"$mark"
  tail -n "+$((m2 + 1))" "$(devnet_request_log pds2)" | jq -c 'select(.internal == false)' >"$dir/pds2-requests.jsonl"
  build_expected pds2 "$dir"
  compare_table "$DB_THROTTLE" "$dir"

  jq -s -c '[.[] | .t] | sort
    | {n: length, min_gap: ([range(1; length) as $i | .[$i] - .[$i - 1]] | min // 0),
       span: ((.[-1] // 0) - (.[0] // 0))}' "$dir/pds2-requests.jsonl" >"$dir/stats.json"
  n=$(jq .n "$dir/stats.json")
  min_gap=$(jq .min_gap "$dir/stats.json")
  span=$(jq .span "$dir/stats.json")
  note "pds2 saw $n daemon requests: smallest gap $min_gap ms, span $span ms (limit 120/min = one per 500 ms)"
  ((n >= 10)) || fail "expected at least 10 requests to pds2, saw $n"
  ((min_gap >= 440)) || fail "two requests arrived $min_gap ms apart (< 500 ms - 60 ms tolerance)"
  ((span >= (n - 1) * 500 - 60)) || fail "$n requests within $span ms (< $(((n - 1) * 500 - 60)) ms)"
}
