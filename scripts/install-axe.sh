#!/usr/bin/env bash
# axe-core for the accessibility checks of the browser tests (npm registry, pinned in package.json).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f package.json ]] && command -v npm >/dev/null 2>&1; then
  [[ -f node_modules/axe-core/axe.min.js ]] || npm install --silent --no-audit --no-fund
fi
