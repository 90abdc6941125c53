#!/usr/bin/env bash
# Shell helpers shared by the end-to-end suite and scripts/demo: the reference network's life
# cycle, its state file, and per-run databases. Source it; needs curl, jq and psql.

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DEVNET_SRC=$E2E_HERE/devnet
DEVNET_PID=
DEVNET_STATE=

e2e_now_ms() { date +%s%3N; }

# devnet_start SPEC WORKDIR: installs the network (cached), starts it and waits for DEVNET READY.
# Sets DEVNET_PID and DEVNET_STATE (WORKDIR/state.json); the network's stderr goes to
# WORKDIR/devnet.log. Returns non-zero, with the reason on stderr, when it does not come up.
devnet_start() {
  local spec=$1 work=$2 timeout=${DEVNET_READY_TIMEOUT:-300} started deadline
  started=$(date +%s)
  # shellcheck source=devnet/install.sh
  source "$E2E_DEVNET_SRC/install.sh" || {
    echo "devnet: install failed" >&2
    return 1
  }
  echo "devnet: install ready after $(($(date +%s) - started)) s" >&2
  DEVNET_STATE=$work/state.json
  started=$(date +%s)
  "$DEVNET_NODE" "$E2E_DEVNET_SRC/devnet.mjs" start --spec "$spec" --state "$DEVNET_STATE" \
    >"$work/devnet.out" 2>"$work/devnet.log" &
  DEVNET_PID=$!
  deadline=$((started + timeout))
  until grep -q '^DEVNET READY$' "$work/devnet.out" 2>/dev/null; do
    if ! kill -0 "$DEVNET_PID" 2>/dev/null; then
      echo "devnet: exited before READY; its log:" >&2
      cat "$work/devnet.log" >&2
      DEVNET_PID=
      return 1
    fi
    if (($(date +%s) > deadline)); then
      echo "devnet: not READY after $timeout s; its log:" >&2
      cat "$work/devnet.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "devnet: READY after $(($(date +%s) - started)) s (start + seed)" >&2
}

# Stops the network started by devnet_start; safe to call twice or when it never started.
devnet_stop() {
  if [[ -n ${DEVNET_PID:-} ]] && kill -0 "$DEVNET_PID" 2>/dev/null; then
    kill -TERM "$DEVNET_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 100); do
      kill -0 "$DEVNET_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$DEVNET_PID" 2>/dev/null && kill -KILL "$DEVNET_PID" 2>/dev/null
    wait "$DEVNET_PID" 2>/dev/null || true
  fi
  DEVNET_PID=
}

# Reads the state file with jq: devnet_jq FILTER [jq options...]
devnet_jq() { jq -r "$@" "$DEVNET_STATE"; }
devnet_did() { devnet_jq --arg h "$1" '.accounts[] | select(.handle == $h) | .did'; }
devnet_pds_url() { devnet_jq --arg n "$1" '.pds[] | select(.name == $n) | .url'; }
devnet_pds_port() { devnet_jq --arg n "$1" '.pds[] | select(.name == $n) | .port'; }
devnet_request_log() { devnet_jq --arg n "$1" '.pds[] | select(.name == $n) | .request_log'; }

# devnet_control PATH JSON: POST to the control server; prints the answer, fails on non-200.
devnet_control() {
  curl -sS --fail-with-body --max-time 120 -H 'content-type: application/json' \
    -X POST "$(devnet_jq .control_url)$1" -d "$2"
}

# db_url_for NAME: the test server's URL with the database replaced by NAME (URL or key=value).
db_url_for() {
  local base=$1 name=$2
  if [[ $base =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
    echo "${BASH_REMATCH[1]}/$name${BASH_REMATCH[4]}"
  else
    echo "$base dbname=$name"
  fi
}

# psql with settings fit for scripts: no psqlrc, stop at the first error, unaligned output.
e2e_psql() {
  local url=$1
  shift
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -d "$url" "$@"
}
