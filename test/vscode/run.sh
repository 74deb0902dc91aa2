#!/usr/bin/env bash
# The real-VS-Code tests from start to end (`npm run test:vscode`, `.ci/run`):
#   set up code-server and chromium if needed, build, compile, package the .vsix, then run
#   the in-host mocha suite and the UI tests. Exits non-zero if any step or test fails.
#
#   test/vscode/run.sh              everything
#   test/vscode/run.sh in-host      only the in-host suite (after preparing)
#   test/vscode/run.sh ui           only the UI tests (after preparing)
#   GAN_STUDIO_GREP=pattern         only the tests whose title matches
#   GAN_STUDIO_HEADED=1             show the browser (needs a display)
# Logs and per-run state: .test-artifacts/vscode/runs/<run>/; screenshots: .test-artifacts/vscode/*.png
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
started=$SECONDS
test/vscode/prepare.sh
status=0
node out/test/vscode/run.js "$@" || status=$?
echo "real-VS-Code tests: $((SECONDS - started)) s in all, exit code $status" >&2
exit "$status"
