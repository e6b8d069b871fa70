#!/usr/bin/env bash
# Paired A/B of two builds of convsent_bench on one core: N pairs of runs,
# A then B, and the median (with quartiles) of the pairs' time ratios B/A.
# Pairing cancels most of a shared machine's slow spells, which single runs
# do not (they vary by +-25% here).
#
# Usage: bench/ab_bench.sh A_BENCH B_BENCH [FILTER] [PAIRS]
#   e.g. bench/ab_bench.sh /tmp/old/convsent_bench build/convsent_bench 'BM_Score/explain:0$' 15
set -euo pipefail
A=$1; B=$2; F=${3:-'BM_Score/explain:0$'}; N=${4:-15}
for _ in $(seq "$N"); do
  a=$(taskset -c 1 "$A" --benchmark_filter="$F" --benchmark_min_time=0.5 2>/dev/null | awk '/^BM/{print $2; exit}')
  b=$(taskset -c 1 "$B" --benchmark_filter="$F" --benchmark_min_time=0.5 2>/dev/null | awk '/^BM/{print $2; exit}')
  echo "$a $b"
done | python3 -c "
import statistics as st, sys
p = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
r = sorted(b / a for a, b in p)
q = st.quantiles(r, n=4)
print('B/A median %.3f (quartiles %.3f-%.3f); A median %.1f ms, B median %.1f ms; %d pairs'
      % (st.median(r), q[0], q[2], st.median(a for a, _ in p), st.median(b for _, b in p), len(p)))"
