#!/usr/bin/env bash
# A persistent local PostgreSQL for `scripts/run` when no database URL is configured: one
# cluster under var/postgres of the checkout, reachable only through a unix socket in it.
#
#   source scripts/lib/local-postgres.sh
#   local_postgres_start "$PWD/var"    # exports ATBACKFILL_DATABASE_URL
#   local_postgres_stop  "$PWD/var"
#
# Works as root (the server then runs as the `postgres` user) and as an ordinary user.

LOCAL_POSTGRES_BIN="${LOCAL_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"

_local_postgres_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

local_postgres_start() {
  local var="$1"
  local data="$var/postgres" socket="$var/run"
  mkdir -p "$var" "$socket"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$socket"
    if ! runuser -u postgres -- test -x "$var"; then
      echo "local-postgres: the postgres user cannot reach $var; move the checkout or set ATBACKFILL_DATABASE_URL" >&2
      return 1
    fi
  fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    echo "local-postgres: creating a database cluster in $data" >&2
    mkdir -p "$data"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$data"
    chmod 700 "$data"
    _local_postgres_as_owner "$LOCAL_POSTGRES_BIN/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$var/initdb.log" 2>&1 || {
      cat "$var/initdb.log" >&2
      return 1
    }
  fi
  # The server (running as postgres when we are root) must be able to write its log.
  touch "$var/postgres.log"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$var/postgres.log"
  if ! _local_postgres_as_owner "$LOCAL_POSTGRES_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # setsid: Ctrl-C on the daemon must not also fast-stop the database under it.
    _local_postgres_as_owner setsid "$LOCAL_POSTGRES_BIN/pg_ctl" -D "$data" -l "$var/postgres.log" -w -t 60 \
      -o "-c listen_addresses= -k $socket" start >/dev/null || {
      tail -n 20 "$var/postgres.log" >&2
      return 1
    }
  fi
  if ! "$LOCAL_POSTGRES_BIN/psql" -X -qtA -h "$socket" -U postgres -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = 'atbackfill'" | grep -q 1; then
    "$LOCAL_POSTGRES_BIN/psql" -X -q -h "$socket" -U postgres -d postgres -c "CREATE DATABASE atbackfill" || return 1
  fi
  export ATBACKFILL_DATABASE_URL="postgresql://postgres@/atbackfill?host=$socket"
  echo "local-postgres: ready (ATBACKFILL_DATABASE_URL=$ATBACKFILL_DATABASE_URL)" >&2
}

local_postgres_stop() {
  local var="$1"
  if [[ -f "$var/postgres/postmaster.pid" ]]; then
    _local_postgres_as_owner "$LOCAL_POSTGRES_BIN/pg_ctl" -D "$var/postgres" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# Executed rather than sourced: `local-postgres.sh stop` stops the checkout's local database.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  var="$(cd "$(dirname "$0")/../.." && pwd)/var"
  case "${1:-}" in
    start) local_postgres_start "$var" ;;
    stop) local_postgres_stop "$var" ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
  esac
fi
