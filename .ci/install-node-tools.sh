#!/usr/bin/env bash
# Install the npm tools that check mailcheck's output against real consumers:
#   - @microsoft/sarif-multitool: Microsoft's SARIF validator, with GitHub's ingestion rules
#   - yaml-language-server: the YAML language server editors run on profile files
# Versions are pinned by tools/node/package-lock.json; they go to tools/node/node_modules
# (git-ignored). Idempotent, non-interactive, no sudo needed. Needs node and npm on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PREFIX=tools/node
readonly MULTITOOL=$PREFIX/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
readonly LANGUAGE_SERVER=$PREFIX/node_modules/yaml-language-server/bin/yaml-language-server

log() { printf 'install-node-tools: %s\n' "$*" >&2; }

for tool in node npm; do
    command -v "$tool" >/dev/null || { log "$tool is not on PATH (install Node.js 20 or later)"; exit 1; }
done

# `npm ci` installs exactly the lock file's versions and fails if package.json disagrees.
npm ci --prefix "$PREFIX" --no-audit --no-fund --loglevel=error

# The validator is a self-contained .NET program shipped inside the package; npm may skip the
# package's postinstall that marks it executable, so do that here.
chmod u+x "$MULTITOOL"
version=$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$MULTITOOL" --version 2>&1 | head -n1)
[ -f "$LANGUAGE_SERVER" ] || { log "missing $LANGUAGE_SERVER"; exit 1; }
log "ready: $version; yaml-language-server $(node "$LANGUAGE_SERVER" --version 2>/dev/null || echo '?')"
