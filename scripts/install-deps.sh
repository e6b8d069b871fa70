#!/usr/bin/env bash
# Installs the Debian 12 packages convsent needs that this machine lacks.
# Usage: scripts/install-deps.sh [--tests|--ci]
#   --tests adds Chromium for the dashboard's browser tests; --ci adds that,
#   clang and libFuzzer, and the PostgreSQL server the store tests run on.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config ccache libutf8proc-dev libxxhash-dev nlohmann-json3-dev
          libcli11-dev libgtest-dev libbenchmark-dev libsqlite3-dev libpq-dev libsimdjson-dev libyaml-cpp-dev
          libcpp-httplib-dev libjemalloc-dev
          # the Python package (python/, docs/python.md) and its tests
          python3-dev pybind11-dev python3-pybind11 python3-pytest python3-pandas python3-venv python3-pip)
if [ "${1:-}" = "--ci" ]; then
  packages+=(clang libclang-rt-14-dev postgresql)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# The dashboard is built with Node.js and npm (any source of them will do:
# Debian's packages, or NodeSource's nodejs that bundles npm).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${1:-}" = "--tests" ] || [ "${1:-}" = "--ci" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
