#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and run convsent on its built-in sample: score sample messages and print an
# evaluation, then generate sample conversations with planted causes, ingest
# them into a store, show one conversation, and print the metric tree, what
# discovery finds new, and the report (and write the report as a page).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
mkdir -p sample
build/convsent demo
echo
build/convsent generate --conversations 3000 --seed 1 -o sample/conversations.jsonl
rm -f sample/convsent.db sample/convsent.db-wal sample/convsent.db-shm
build/convsent ingest --db sample/convsent.db sample/conversations.jsonl
echo
build/convsent show --db sample/convsent.db C-1
echo
# The planted change of method: from the truth's date on, the sample is
# scored again with a smaller model; the report marks where the method changed.
at=$(grep -o '"at": "[^"]*"' sample/conversations.jsonl.truth.json | head -n 1 | cut -d'"' -f4)
build/convsent rescore --db sample/convsent.db --model models/convsent-msg-lite.cvsm --from "$at"
echo
# Why: the metric tree of the last week (no alerts: the sample is history).
build/convsent tree --db sample/convsent.db --no-alerts
echo
# What is new in the last week, found from the data: the sample's planted
# issue, which no driver of the tree covers (docs/discovery.md).
build/convsent discover --db sample/convsent.db
echo
build/convsent report --db sample/convsent.db --html sample/report.html
echo
echo "The same figures as a page: sample/report.html. To look around the live dashboard:"
echo "  build/convsent keys create --db sample/convsent.db --role admin    # prints a key"
echo "  build/convsent serve --db sample/convsent.db                       # then open http://127.0.0.1:8080/"
