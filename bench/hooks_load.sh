#!/usr/bin/env bash
# Webhooks under load on this machine: one server with a Chatwoot secret,
# and convsent_loadgen at RATE for S seconds, first posting messages with an
# API key (the baseline, the same path without a signature), then the same
# messages as signed Chatwoot webhooks. Prints both runs' figures.
#
# Usage: bench/hooks_load.sh [--seconds S] RATE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
seconds=10
[ "${1:-}" = "--seconds" ] && { seconds=$2; shift 2; }
rate=${1:?usage: bench/hooks_load.sh [--seconds S] RATE}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
secret=$(head -c 24 /dev/urandom | base64)
echo "$secret" > "$work/chatwoot.secret"
printf 'chatwoot:\n  webhook_secret_file: chatwoot.secret\n' > "$work/sync.yaml"
key=$("$build/convsent" keys create --role ingest --db "$work/s.db" 2>/dev/null)
"$build/convsent" serve --db "$work/s.db" --port 0 --sync-config "$work/sync.yaml" > "$work/serve.out" 2>&1 &
server=$!
port=
for _ in $(seq 50); do
  port=$(grep -ao 'http://127.0.0.1:[0-9]*' "$work/serve.out" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
echo "== posted messages (API key)"
"$build/convsent_loadgen" --port "$port" --key "$key" --rate "$rate" --seconds "$seconds" --threads 8
echo "== Chatwoot webhooks (signed)"
"$build/convsent_loadgen" --port "$port" --hook chatwoot --secret "$secret" --rate "$rate" --seconds "$seconds" --threads 8
