#!/usr/bin/env bash
# Whole process against whole process, on tweeteval's test texts, one core:
# `convsent score --format label` beside the npm `sentiment` package (AFINN-165),
# measured in the same run with hyperfine. Also reports convsent's peak memory.
#
# Usage: bench/compare_sentiment.sh [BUILD_DIR]    (default: build)
# Needs: hyperfine, node/npm (sentiment is installed into BUILD_DIR/bench-node).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shared=${CONVSENT_SHARED_DIR:-$here/../shared}
work=$build/bench-node
mkdir -p "$work"
if [ ! -d "$work/node_modules/sentiment" ]; then
  npm install --prefix "$work" --no-audit --no-fund --silent sentiment@5 >/dev/null
fi
texts=$work/tweeteval_test.txt
tail -n +2 "$shared/data/tweeteval/test.tsv" | cut -f2- > "$texts"
n=$(wc -l < "$texts")
echo "texts: $n (tweeteval test), machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cp "$here/bench/sentiment_baseline.js" "$work/"
hyperfine --warmup 3 --runs 15 -N --export-json "$work/compare.json" \
  "taskset -c 1 $build/convsent score --format label $texts" \
  "taskset -c 1 node $work/sentiment_baseline.js $texts" >/dev/null
python3 - "$work/compare.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
n = int(sys.argv[2])
c, s = r[0]["median"], r[1]["median"]
print(f"convsent score:     median {c*1000:8.1f} ms  -> {n/c:10.0f} texts/s (whole process)")
print(f"npm sentiment:      median {s*1000:8.1f} ms  -> {n/s:10.0f} texts/s (whole process)")
print(f"ratio: convsent is {s/c:.1f}x faster")
PY
peak=$(python3 -c "
import resource, subprocess, sys
subprocess.run(['$build/convsent', 'score', '$texts'], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
echo "convsent score peak memory (max RSS, JSON output with explanations): ${peak} MB"
