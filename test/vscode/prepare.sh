#!/usr/bin/env bash
# What the real-VS-Code tests and `npm start` need before code-server starts:
#   1. code-server, chromium, ripgrep (setup.sh; instant when already there)
#   2. the bundles in dist/ (npm run build)
#   3. the tests compiled into out/ (tsc -p .; a type error anywhere fails here)
#   4. the packaged extension gan-studio.vsix (npm run package), which the UI tests install
# Each step prints how long it took.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

step() {
  local name=$1
  shift
  local started=$SECONDS
  echo "▶ $name" >&2
  "$@"
  echo "  $name: $((SECONDS - started)) s" >&2
}

step "setup (code-server, chromium)" test/vscode/setup.sh
step "build (npm run build)" npm run --silent build
step "compile (tsc -p .)" npx tsc -p .
# vsce prints every file it packs; only its last line (the .vsix and its size) matters here.
step "package (npm run package)" bash -c 'set -o pipefail; npm run --silent package 2>&1 | tail -n 1'
