#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and run convsent on its built-in sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
build/convsent demo
