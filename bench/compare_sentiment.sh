#!/usr/bin/env bash
# Whole process against whole process, on tweeteval's test texts, one core:
# `convsent score --format label` beside the npm `sentiment` package (AFINN-165),
# measured in the same run, interleaved. Also reports convsent's peak memory.
#
# Usage: bench/compare_sentiment.sh [BUILD_DIR]    (default: build)
# Needs: node/npm (sentiment is installed into BUILD_DIR/bench-node).
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
# Runs alternate, convsent then node, so that the machine's slow spells
# fall on both alike; the ratio is the median of the pairs' ratios.
python3 - "$build/convsent" "$work/sentiment_baseline.js" "$texts" "$n" <<'PY'
import statistics as st, subprocess, sys, time
convsent, baseline, texts, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
commands = [["taskset", "-c", "1", convsent, "score", "--format", "label", texts],
            ["taskset", "-c", "1", "node", baseline, texts]]
def run(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t
for _ in range(3):
    for cmd in commands: run(cmd)
pairs = [(run(commands[0]), run(commands[1])) for _ in range(21)]
c = st.median(p[0] for p in pairs)
s = st.median(p[1] for p in pairs)
ratios = sorted(p[1] / p[0] for p in pairs)
q = st.quantiles(ratios, n=4)
print(f"convsent score:     median {c*1000:8.1f} ms  -> {n/c:10.0f} texts/s (whole process)")
print(f"npm sentiment:      median {s*1000:8.1f} ms  -> {n/s:10.0f} texts/s (whole process)")
print(f"ratio: convsent is {st.median(ratios):.1f}x faster (median of 21 paired runs; quartiles {q[0]:.1f}-{q[2]:.1f})")
PY
peak=$(python3 -c "
import resource, subprocess, sys
subprocess.run(['$build/convsent', 'score', '$texts'], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
echo "convsent score peak memory (max RSS, JSON output with explanations): ${peak} MB"
