#!/usr/bin/env bash
# Builds (warnings as errors) and runs the whole test suite.
# Tests that need ../shared/data skip with a message where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONVSENT_WERROR=ON >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
