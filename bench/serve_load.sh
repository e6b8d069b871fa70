#!/usr/bin/env bash
# convsent serve under load on this machine: for each rate, a fresh store,
# a server, and convsent_loadgen beside it on the same cores; prints the
# load generator's figures and the CPU both used per message.
#
# Usage: bench/serve_load.sh [--seconds S] [--client raw|httplib] RATE...
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
seconds=10 client=raw
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --client) client=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: bench/serve_load.sh [--seconds S] [--client raw|httplib] RATE..." >&2; exit 2; }
work=$(mktemp -d)
. "$here/bench/start_server.sh"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for rate in "$@"; do
  rm -f "$work"/s.db*
  key=$("$build/convsent" keys create --role ingest --db "$work/s.db" 2>/dev/null)
  start_server "$work/s.db"
  before=$(ticks $server)
  /usr/bin/time -f "%U %S" -o "$work/lg.time" "$build/convsent_loadgen" --port "$port" --key "$key" --rate "$rate" \
    --seconds "$seconds" --threads 8 --client "$client" || true
  after=$(ticks $server)
  kill $server; wait $server 2>/dev/null || true
  read -r lu ls < "$work/lg.time"
  awk -v s=$((after - before)) -v lu="$lu" -v ls="$ls" -v n=$((rate * seconds)) \
    'BEGIN { printf "CPU a message: server %.0f us, load generator (%s) %.0f us\n", s * 1e4 / n, "'"$client"'", (lu + ls) * 1e6 / n }'
done
