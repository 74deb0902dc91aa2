#!/usr/bin/env bash
# `npm test`: every test, in order of cost, and a summary. Exits non-zero if any part fails.
#   unit      mocha: spec core, engine, data, trainer, CLI (out/src/**/*.test.js, out/test/unit)
#   browser   the real webview bundle in Debian chromium (test/browser)
#   vscode    a real VS Code (code-server): in-host suite and UI tests (test/vscode/run.sh)
# `scripts/test.sh unit browser` runs only those parts.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(unit browser vscode)

npm run --silent build || exit 1
npx tsc -p . || exit 1

declare -A result
status=0
for part in "${parts[@]}"; do
  started=$SECONDS
  echo "════════ $part tests"
  case $part in
    unit) npx mocha ;;
    browser) npx mocha --config test/browser/.mocharc.json ;;
    vscode) test/vscode/run.sh ;;
    *) echo "unknown part: $part"; false ;;
  esac
  code=$?
  result[$part]="$([ $code -eq 0 ] && echo passed || echo "FAILED (exit $code)") in $((SECONDS - started)) s"
  [ $code -ne 0 ] && status=1
done

echo "════════ summary"
for part in "${parts[@]}"; do echo "  $part: ${result[$part]}"; done
exit $status
