#!/usr/bin/env bash
# Builds the web console and the chat widget (console/) into console/dist, which the daemon serves at /console/.
# Cheap when nothing changed: npm ci runs only when package-lock.json differs from the last install, and the build
# only when a source is newer than the last build.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo/console"

# Vite 8 needs Node.js 20.19 or later; Debian 12's own nodejs (18) is too old.
if ! command -v node >/dev/null || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "console: needs Node.js 20.19 or later with npm (found: $(node --version 2>/dev/null || echo none));" \
       "install it from nodejs.org or NodeSource, then run scripts/console.sh again" >&2
  exit 1
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.omnigate-lock 2>/dev/null)" != "$lock_hash" ]; then
  echo "console: installing the packages of package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.omnigate-lock
fi

if [ -f dist/.built ] && [ -z "$(find src widget index.html public package-lock.json tsconfig.json vite.config.ts \
      vite.widget.config.ts -newer dist/.built 2>/dev/null | head -n 1)" ]; then
  echo "console: up to date (console/dist)"
  exit 0
fi
echo "console: building"
npm run --silent build
touch dist/.built
echo "console: built into console/dist"
