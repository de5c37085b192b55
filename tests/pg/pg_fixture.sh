#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests (a CTest fixture).
#
#   pg_fixture.sh start STATE_DIR   initdb a new cluster, start it on 127.0.0.1 at a free port (and
#                                   a socket in its own directory), create the role and database
#                                   ptcoach_test (password login), write STATE_DIR/conninfo.
#   pg_fixture.sh stop STATE_DIR    stop the server and delete the cluster.
#
# When no PostgreSQL server binaries are installed, start writes the reason to
# STATE_DIR/unavailable and succeeds: the tests then skip with that message. Any other failure
# (initdb, start-up, creating the role) fails, with the server log.
#
# The cluster lives in its own /tmp/ptcoach-pg.XXXXXX (short socket paths; readable by the
# postgres user whatever the permissions of the build tree). As root the server runs as the
# postgres user, since PostgreSQL refuses to run as root. fsync is off: a throwaway cluster.
set -euo pipefail

cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

# Runs a command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

stop() {
  if [ -f "$state/cluster" ]; then
    local cluster
    cluster=$(cat "$state/cluster")
    if [ -n "$cluster" ] && [ -d "$cluster/data" ] && [ -f "$state/bin" ]; then
      as_owner "$(cat "$state/bin")/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$cluster" in /tmp/ptcoach-pg.*) rm -rf "$cluster" ;; esac
  fi
  rm -rf "$state"
}

if [ "$cmd" = stop ]; then
  stop
  echo "PostgreSQL test server stopped and deleted"
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

stop  # whatever an interrupted earlier run left
mkdir -p "$state"

bin=${PTCOACH_PG_BIN:-}
if [ -z "$bin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then bin=$d; break; fi
  done
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed under /usr/lib/postgresql/*/bin; install the Debian package postgresql (setup.sh does)" | tee "$state/unavailable"
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "running as root and there is no postgres user to run the PostgreSQL server as" | tee "$state/unavailable"
  exit 0
fi
psql=$bin/psql
[ -x "$psql" ] || psql=$(command -v psql || true)
[ -n "$psql" ] || { echo "pg_fixture: psql not found" >&2; exit 1; }
echo "$bin" > "$state/bin"

cluster=$(mktemp -d /tmp/ptcoach-pg.XXXXXX)
echo "$cluster" > "$state/cluster"
mkdir -p "$cluster/socket"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$cluster"
chmod 700 "$cluster"

fail() {
  echo "pg_fixture: $*" >&2
  [ -f "$cluster/log" ] && { echo "--- server log ---" >&2; tail -n 40 "$cluster/log" >&2; }
  exit 1
}

password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
as_owner "$bin/initdb" -D "$cluster/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; fail "initdb failed"; }

# A free port: the server itself is the judge (a port taken between the check and the start
# makes pg_ctl fail; then the next one is tried).
started=""
for attempt in 1 2 3 4 5 6 7 8; do
  port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue  # something listens there
  if as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -t 60 \
      -o "-p $port -k $cluster/socket -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=60" \
      start >/dev/null 2>&1; then
    started=$port
    break
  fi
  grep -q "could not bind\|Address already in use" "$cluster/log" 2>/dev/null || fail "the server did not start"
done
[ -n "$started" ] || fail "no free port found for the server"

as_owner "$psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster/socket" -p "$port" -U postgres -d postgres \
  -c "CREATE ROLE ptcoach_test LOGIN CREATEDB PASSWORD '$password'" \
  -c "CREATE DATABASE ptcoach_test OWNER ptcoach_test" >"$cluster/psql.log" 2>&1 \
  || { cat "$cluster/psql.log" >&2; fail "cannot create the test role and database"; }

umask 077
echo "host=127.0.0.1 port=$port dbname=ptcoach_test user=ptcoach_test password=$password connect_timeout=10" > "$state/conninfo"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') test server on 127.0.0.1:$port (cluster $cluster)"
