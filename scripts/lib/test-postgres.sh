#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: fresh cluster in a temporary directory, fsync off,
# reachable on 127.0.0.1 at a free port and on a unix socket inside that directory.
#
# As a library:
#   source scripts/lib/test-postgres.sh
#   test_postgres_start            # exports ATBACKFILL_TEST_DATABASE_URL and TEST_POSTGRES_*
#   trap test_postgres_stop EXIT
# As a command:
#   scripts/lib/test-postgres.sh run -- ctest --test-dir build -L integration
#
# Works as root (initdb and postgres refuse root, so the server runs as the `postgres` user)
# and as an ordinary user. Calling test_postgres_start twice keeps the running server.

TEST_POSTGRES_BIN="${TEST_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a server binary as the account that owns the cluster.
_test_postgres_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
_test_postgres_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

test_postgres_start() {
  if [[ -n "${TEST_POSTGRES_DIR:-}" && -f "${TEST_POSTGRES_DIR}/data/postmaster.pid" ]] &&
    _test_postgres_as_owner "$TEST_POSTGRES_BIN/pg_ctl" -D "$TEST_POSTGRES_DIR/data" status >/dev/null 2>&1; then
    return 0
  fi
  if [[ ! -x "$TEST_POSTGRES_BIN/initdb" ]]; then
    echo "test-postgres: no PostgreSQL server binaries in $TEST_POSTGRES_BIN (apt-get install postgresql-15)" >&2
    return 1
  fi
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "test-postgres: running as root needs a 'postgres' user to own the server" >&2
    return 1
  fi

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/atbackfill-pg.XXXXXX")" || return 1
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"

  if ! _test_postgres_as_owner "$TEST_POSTGRES_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "test-postgres: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi

  # Another process may take the port between the check and the bind: try a few.
  local attempt port started=""
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if _test_postgres_port_busy "$port"; then
      continue
    fi
    if _test_postgres_as_owner "$TEST_POSTGRES_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
      started=1
      break
    fi
    echo "test-postgres: start on port $port failed (attempt $attempt)" >&2
  done
  if [[ -z "$started" ]]; then
    echo "test-postgres: could not start the server; its log:" >&2
    cat "$dir/server.log" >&2 2>/dev/null
    rm -rf "$dir"
    return 1
  fi

  export TEST_POSTGRES_DIR="$dir"
  export TEST_POSTGRES_PORT="$port"
  export TEST_POSTGRES_SOCKET_DIR="$dir"
  export ATBACKFILL_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:${port}/postgres"
  # A non-superuser role and database for end-to-end runs that should look like production.
  "$TEST_POSTGRES_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$ATBACKFILL_TEST_DATABASE_URL" \
    -c "CREATE ROLE atbackfill LOGIN" -c "CREATE DATABASE atbackfill OWNER atbackfill" >/dev/null || {
    test_postgres_stop
    return 1
  }
  export TEST_POSTGRES_APP_URL="postgresql://atbackfill@127.0.0.1:${port}/atbackfill"
  echo "test-postgres: ready on port $port (ATBACKFILL_TEST_DATABASE_URL=$ATBACKFILL_TEST_DATABASE_URL)" >&2
}

# Safe to call more than once, and from an EXIT trap when start failed half-way.
test_postgres_stop() {
  local dir="${TEST_POSTGRES_DIR:-}"
  if [[ -z "$dir" ]]; then
    return 0
  fi
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    _test_postgres_as_owner "$TEST_POSTGRES_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  unset TEST_POSTGRES_DIR TEST_POSTGRES_PORT TEST_POSTGRES_SOCKET_DIR TEST_POSTGRES_APP_URL ATBACKFILL_TEST_DATABASE_URL
}

# Executed rather than sourced: `test-postgres.sh run -- COMMAND...` runs COMMAND against a
# fresh server and removes it afterwards, returning COMMAND's status.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -u
  if [[ "${1:-}" != "run" ]]; then
    echo "usage: $0 run -- COMMAND [ARGS...]" >&2
    exit 2
  fi
  shift
  [[ "${1:-}" == "--" ]] && shift
  if [[ $# -eq 0 ]]; then
    echo "usage: $0 run -- COMMAND [ARGS...]" >&2
    exit 2
  fi
  trap test_postgres_stop EXIT
  trap 'exit 130' INT TERM
  test_postgres_start || exit 1
  "$@"
  exit $?
fi
