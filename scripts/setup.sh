#!/usr/bin/env bash
# One command from a fresh clone to a working GAN Studio (README: "Set up"):
#   1. Debian packages the tests and examples use (when apt-get is available):
#      chromium (browser and VS Code UI tests), ripgrep + libkrb5-dev (code-server),
#      dataset-fashion-mnist (a real IDX data set);
#   2. npm ci (the project's packages, exactly as locked);
#   3. npm run build (bundles, schema, example data);
#   4. code-server 4.100.3 into .cache/ for the real-VS-Code tests (test/vscode/setup.sh).
# Safe to run again: each step is quick when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() {
  local name=$1
  shift
  local started=$SECONDS
  echo "▶ $name"
  "$@"
  echo "  $name: $((SECONDS - started)) s"
}

apt_packages() {
  local wanted=(chromium ripgrep libkrb5-dev dataset-fashion-mnist)
  local missing=()
  for p in "${wanted[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "  not a Debian/Ubuntu machine: install ${missing[*]} yourself (browser tests need Chromium)"
    return 0
  fi
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

step "Debian packages" apt_packages
step "npm ci" npm ci --no-audit --no-fund
step "build" npm run --silent build
step "code-server for the real-VS-Code tests" test/vscode/setup.sh
echo "GAN Studio is set up. Try: npm run demo   (or npm start for the editor in a browser)"
