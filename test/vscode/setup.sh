#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, following shared/notes/real-vscode-here.md:
#   - Debian packages: chromium (drives the UI), ripgrep (stands in for a GitHub download),
#     libkrb5-dev (code-server's kerberos module compiles against gssapi headers);
#   - code-server 4.100.3 (= VS Code 1.100.3, the last release for Node 20) into a cache
#     folder of its own, outside the extension's dependency tree, so that packaging the
#     extension can never pick it up.
# Idempotent: a second run checks a marker file and returns in well under a second.
#
#   test/vscode/setup.sh            install if needed
#   GAN_STUDIO_CODE_SERVER_DIR=…    install somewhere else (default: <repo>/.cache/code-server)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RIPGREP_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${GAN_STUDIO_CODE_SERVER_DIR:-$repo/.cache/code-server}"
marker="$dir/.installed-$CODE_SERVER_VERSION"
entry="$dir/node_modules/code-server/out/node/entry.js"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Debian packages ---------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# Only needed to compile code-server's kerberos module, so only checked when installing it.
if [[ ! -f "$marker" || ! -f "$entry" ]] && [[ ! -f /usr/include/gssapi/gssapi.h ]]; then
  missing+=(libkrb5-dev)
fi
if (( ${#missing[@]} )); then
  log "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    die "missing ${missing[*]}; run as root: apt-get update && apt-get install -y libkrb5-dev ripgrep chromium"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Try without refreshing the package lists first: on a machine whose lists are fresh
  # enough that saves ~10 s; fall back to an update when a package is not found.
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install -y libkrb5-dev ripgrep chromium failed"
  fi
fi
command -v chromium >/dev/null 2>&1 || die "chromium missing: apt-get install -y chromium"
command -v rg >/dev/null 2>&1 || die "ripgrep missing: apt-get install -y ripgrep"

# --- code-server ---------------------------------------------------------------------
if [[ -f "$marker" && -f "$entry" ]]; then
  log "code-server $CODE_SERVER_VERSION already in $dir"
  exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $dir"
mkdir -p "$dir/tmp"
# A package.json of its own: without one npm walks up to the repository's and would
# install code-server into the extension's node_modules.
cat > "$dir/package.json" <<JSON
{ "name": "gan-studio-code-server", "private": true, "description": "code-server for GAN Studio's real-VS-Code tests (test/vscode/setup.sh)" }
JSON

# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this cache file
# in os.tmpdir(); Debian's rg (13.x) serves the same purpose.
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR/$RIPGREP_CACHE_NAME"
if [[ ! -f "$TMPDIR/$RIPGREP_CACHE_NAME/$RIPGREP_TARBALL" ]]; then
  tar -czf "$TMPDIR/$RIPGREP_CACHE_NAME/$RIPGREP_TARBALL" -C "$(dirname "$(command -v rg)")" rg
fi

# unsafe-perm: code-server's postinstall refuses to run as root otherwise.
# yes: node-pty's postinstall runs `npx node-gyp`, which the machine's npmrc (yes=false)
# would otherwise refuse.
(
  cd "$dir"
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
) || die "npm install code-server@$CODE_SERVER_VERSION failed (see above)"

[[ -f "$entry" ]] || die "code-server installed but $entry is missing"
version="$(node -p "require('$dir/node_modules/code-server/package.json').version")"
[[ "$version" == "$CODE_SERVER_VERSION" ]] || die "expected code-server $CODE_SERVER_VERSION, got $version"
rm -rf "$TMPDIR"
touch "$marker"
log "code-server $CODE_SERVER_VERSION ready"
