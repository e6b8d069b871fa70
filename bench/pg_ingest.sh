#!/usr/bin/env bash
# Ingest throughput on PostgreSQL with one and two workers, beside SQLite,
# in one run on the same generated conversations.
#
#   bench/pg_ingest.sh [CONVERSATIONS]     (default 100000)
#
# Starts a throw-away PostgreSQL server (scripts/pg-test-cluster.sh) with
# fsync on, as a real one would run, and stops it at the end. Prints one line
# per setup: wall time and messages per second, end to end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${CONVSENT_BIN:-$here/build/convsent}
n=${1:-100000}
work=$(mktemp -d)
chmod 755 "$work"
trap '"$here/scripts/pg-test-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
url=$("$here/scripts/pg-test-cluster.sh" start "$work/pg")
psql -qX "$url" -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" >/dev/null
"$bin" generate --seed 11 --conversations "$n" -o "$work/in.jsonl" >/dev/null
now() { date +%s.%N; }
report() {  # name start end
  awk -v name="$1" -v s="$2" -v e="$3" -v m="$messages" \
    'BEGIN { t = e - s; printf "%-44s %7.1f s  %8.0f msg/s\n", name, t, m / t }'
}
fresh_pg() {  # a new database on the server; prints its URL
  local db=bench_$1
  PGOPTIONS="-c client_min_messages=warning" psql -qX "$url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  echo "${url%/*}/$db"
}
workers() {  # url count
  local pids=()
  for _ in $(seq "$2"); do "$bin" worker --db "$1" --until-empty --json >/dev/null & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
}

s=$(now); out=$("$bin" ingest --json --db "$work/a.db" "$work/in.jsonl"); e=$(now)
messages=$(echo "$out" | sed -E 's/.*"messages":([0-9]+).*/\1/')
echo "$n conversations, $messages messages; $(nproc) cores; $(date -u +%F)"
report "SQLite: ingest (2 scoring threads + writer)" "$s" "$e"

for w in 1 2; do
  db="$work/w$w.db"
  "$bin" ingest --enqueue --db "$db" "$work/in.jsonl" >/dev/null
  s=$(now); workers "$db" "$w"; e=$(now)
  report "SQLite: $w worker(s) on the backlog" "$s" "$e"
done

u=$(fresh_pg ingest)
s=$(now); "$bin" ingest --db "$u" "$work/in.jsonl" >/dev/null; e=$(now)
report "PostgreSQL: ingest (2 scoring threads + writer)" "$s" "$e"

for w in 1 2; do
  u=$(fresh_pg w$w)
  s=$(now); "$bin" ingest --enqueue --db "$u" "$work/in.jsonl" >/dev/null; e=$(now)
  report "PostgreSQL: enqueue (COPY into the backlog)" "$s" "$e"
  s=$(now); workers "$u" "$w"; e=$(now)
  report "PostgreSQL: $w worker(s) on the backlog" "$s" "$e"
  [ "$w" = 2 ] && psql -qXAt "$u" -c "SELECT 'PostgreSQL database size: ' || pg_size_pretty(pg_database_size(current_database())) || ' (' || (pg_database_size(current_database()) / $n) || ' bytes a conversation)'"
done
echo "SQLite store size: $(du -h "$work/a.db" | cut -f1) ($(( $(stat -c %s "$work/a.db") / n )) bytes a conversation)"
