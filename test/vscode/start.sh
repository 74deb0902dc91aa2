#!/usr/bin/env bash
# `npm start`: try GAN Studio without installing VS Code. Builds and packages the
# extension, installs the .vsix into code-server (VS Code in the browser), opens examples/
# and prints the URL to open. Ctrl-C stops it.
#   test/vscode/start.sh [--port 8080] [--folder path]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
test/vscode/prepare.sh
exec node out/test/vscode/start-code-server.js "$@"
