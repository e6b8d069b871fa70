#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the tests and prints its URL.
#
#   url=$(scripts/pg-test-cluster.sh start DIR)   # DIR: a new or empty folder
#   CONVSENT_TEST_PG=$url ctest ...               # the PostgreSQL tests run
#   scripts/pg-test-cluster.sh stop DIR
#
# The cluster listens on 127.0.0.1 only, on a free port, with trust
# authentication: it is for tests, never for data. PostgreSQL refuses to run
# as root, so as root it runs as the `postgres` user that Debian's package
# creates (or `nobody`).
set -euo pipefail
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "$0: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
      user=postgres
      id -u "$user" >/dev/null 2>&1 || user=nobody
      chown "$user" "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U convsent --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # The first port from 54329 that nothing listens on. A port can still be
    # taken between the probe and the start (the local end of some client
    # connection): then the next one is tried.
    port=54329
    for attempt in 1 2 3 4 5 6 7 8; do
      while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
      # fsync off: a test cluster is thrown away, and the tests run faster.
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
        echo "postgresql://convsent@127.0.0.1:$port/postgres"
        exit 0
      fi
      grep -q "Address already in use" "$dir/server.log" || break
      port=$((port + 1))
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
