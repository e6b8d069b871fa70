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
. "$here/bench/start_server.sh"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
secret=$(head -c 24 /dev/urandom | base64)
echo "$secret" > "$work/chatwoot.secret"
printf 'chatwoot:\n  webhook_secret_file: chatwoot.secret\n' > "$work/sync.yaml"
key=$("$build/convsent" keys create --role ingest --db "$work/s.db" 2>/dev/null)
start_server "$work/s.db" --sync-config "$work/sync.yaml"
echo "== posted messages (API key)"
"$build/convsent_loadgen" --port "$port" --key "$key" --rate "$rate" --seconds "$seconds" --threads 8
echo "== Chatwoot webhooks (signed)"
"$build/convsent_loadgen" --port "$port" --hook chatwoot --secret "$secret" --rate "$rate" --seconds "$seconds" --threads 8
