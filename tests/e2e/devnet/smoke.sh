#!/usr/bin/env bash
# Smoke test of the devnet: install, start with a spec, probe PDSs/PLC/control server, stop.
# Usage: tests/e2e/devnet/smoke.sh [SPEC]   (default: spec.json beside this script)
# Exits non-zero on any failure; prints timings and "devnet smoke: N passed, M failed".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
spec=$(realpath "${1:-$here/spec.json}")
ready_timeout=${DEVNET_READY_TIMEOUT:-180}

for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "smoke: $tool is required" >&2; exit 1; }
done

now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }

t_install=$(now)
# shellcheck source=install.sh
source "$here/install.sh"
echo "smoke: install ready in $(since "$t_install") s at $DEVNET_DIR"

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

t_start=$(now)
"$DEVNET_NODE" "$here/devnet.mjs" start --spec "$spec" --state "$work/state.json" \
    >"$work/out.log" 2>"$work/err.log" &
pid=$!
deadline=$(($(date +%s) + ready_timeout))
until grep -q '^DEVNET READY$' "$work/out.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "smoke: devnet exited before READY:" >&2
        cat "$work/err.log" >&2
        exit 1
    fi
    if (($(date +%s) > deadline)); then
        echo "smoke: devnet not READY after ${ready_timeout} s:" >&2
        cat "$work/err.log" >&2
        exit 1
    fi
    sleep 0.2
done
echo "smoke: devnet READY in $(since "$t_start") s (start + seed)"
sed 's/^/smoke:   /' "$work/err.log"

state=$work/state.json
passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "smoke: FAIL: $what" >&2
    fi
}
jqs() { jq -r "$@" "$state"; }
xrpc() { curl -sS --fail-with-body --max-time 30 "$1/xrpc/$2"; }

# One listRecords page per PDS, from its first account that has records.
for i in $(seq 0 $(($(jqs '.pds | length') - 1))); do
    name=$(jqs ".pds[$i].name")
    read -r did url coll count < <(jqs --arg n "$name" '[.accounts[] | select(.pds == $n)
        | .did as $d | .pds_url as $u | .collections | to_entries[] | select(.value > 0)
        | "\($d) \($u) \(.key) \(.value)"] | first // empty')
    if [[ -z ${did:-} ]]; then
        check "$name has an account with records" false
        continue
    fi
    page=$(xrpc "$url" "com.atproto.repo.listRecords?repo=$did&collection=$coll&limit=100") || true
    want=$((count < 100 ? count : 100))
    check "$name listRecords returns $want records of $coll" \
        jq -e --argjson n "$want" '.records | length == $n' <<<"$page" >/dev/null
    check "$name listRecords records have uri/cid/value of $coll" \
        jq -e --arg p "at://$did/$coll/" --arg c "$coll" 'all(.records[];
            (.uri | startswith($p)) and (.cid | startswith("bafyrei")) and .value["$type"] == $c)' \
        <<<"$page" >/dev/null
    check "$name listRecords cursor iff more pages" \
        jq -e --argjson n "$count" 'if $n > 100 then (.cursor | type == "string") else true end' \
        <<<"$page" >/dev/null
done

# Page through the largest collection and count it.
read -r did url coll count < <(jqs '[.accounts[] | .did as $d | .pds_url as $u | .collections
    | to_entries[] | {d: $d, u: $u, k: .key, v: .value}] | max_by(.v) | "\(.d) \(.u) \(.k) \(.v)"')
total=0
pages=0
cursor=
while :; do
    page=$(xrpc "$url" "com.atproto.repo.listRecords?repo=$did&collection=$coll&limit=100${cursor:+&cursor=$cursor}")
    n=$(jq '.records | length' <<<"$page")
    total=$((total + n))
    pages=$((pages + 1))
    cursor=$(jq -r '.cursor // empty' <<<"$page")
    [[ -n $cursor && $n -gt 0 && $pages -lt 1000 ]] || break
done
echo "smoke: $coll of $did: $total records in $pages pages"
check "paging $coll yields all $count records" test "$total" -eq "$count"

# Identity: handle -> DID via the PDS, DID -> document via the local PLC.
handle=$(jqs '.accounts[0].handle')
did=$(jqs '.accounts[0].did')
pds_url=$(jqs '.accounts[0].pds_url')
resolved=$(xrpc "$pds_url" "com.atproto.identity.resolveHandle?handle=$handle" | jq -r .did) || true
check "resolveHandle($handle) == $did" test "$resolved" = "$did"
doc=$(curl -sS --fail-with-body --max-time 30 "$(jqs .plc_url)/$did") || true
check "PLC document of $did names its PDS and handle" jq -e --arg d "$did" --arg u "$pds_url" \
    --arg h "at://$handle" '.id == $d and (.alsoKnownAs | index($h)) != null
        and any(.service[]; .id == "#atproto_pds" and .serviceEndpoint == $u)' <<<"$doc" >/dev/null

# A collection an account never wrote to lists nothing (the account with the fewest records).
read -r edid eurl < <(jqs '.accounts | min_by([.collections[]] | add // 0) | "\(.did) \(.pds_url)"')
empty=$(xrpc "$eurl" "com.atproto.repo.listRecords?repo=$edid&collection=org.example.absent") || true
check "a never-written collection lists no records" jq -e '.records == [] and .cursor == null' \
    <<<"$empty" >/dev/null

# Control server: create then list; delete then list.
ctl() { curl -sS --fail-with-body --max-time 60 -X POST "$(jqs .control_url)/$1" -d "$2"; }
before=$(ctl list "{\"handle\":\"$handle\",\"collection\":\"org.example.smoke\"}" | jq '.records | length')
uri=$(ctl create "{\"handle\":\"$handle\",\"collection\":\"org.example.smoke\",\"count\":3}" \
    | jq -r '.created[0].uri')
after=$(ctl list "{\"handle\":\"$handle\",\"collection\":\"org.example.smoke\"}" | jq '.records | length')
check "control /create adds 3 records" test "$after" -eq $((before + 3))
ctl delete "{\"handle\":\"$handle\",\"collection\":\"org.example.smoke\",\"rkey\":\"${uri##*/}\"}" >/dev/null
after_del=$(ctl list "{\"handle\":\"$handle\",\"collection\":\"org.example.smoke\"}" | jq '.records | length')
check "control /delete removes one" test "$after_del" -eq $((after - 1))

# Request log: our listRecords calls are there, marked external.
log1=$(jqs '.pds[0].request_log')
check "request log records external listRecords calls" jq -se \
    'any(.[]; .path == "/xrpc/com.atproto.repo.listRecords" and .internal == false and (.t | type) == "number")' \
    "$log1" >/dev/null

# Clean stop: exit status 0 and its temp dir gone.
workdir=$(jqs .work_dir)
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
check "devnet exits 0 on SIGTERM" test "$rc" -eq 0
check "devnet removed $workdir" test ! -e "$workdir"

echo "devnet smoke: $passed passed, $failed failed"
((failed == 0))
