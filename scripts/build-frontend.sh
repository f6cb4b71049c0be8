#!/usr/bin/env bash
# Build flow_designer/ (the React front end) when its sources changed since the last build.
# `npm ci` from the committed lockfile, then `vite build` into flow_designer/dist; the hash
# of what the build reads (src/, index.html, the configs, the lockfile) is kept in
# flow_designer/.build-stamp, so an unchanged tree costs one hash (docs/frontend.md).
# FRONTEND_FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/../flow_designer"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "build-frontend: 需要 Node.js ≥ 20.19 与 npm (Node.js >= 20.19 and npm are needed); see docs/frontend.md" >&2
    exit 1
fi
major_minor=$(node -p 'process.versions.node.split(".").slice(0,2).join(".")')
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "build-frontend: Node.js $major_minor 太旧，需要 ≥ 20.19 (Vite 8 needs Node.js >= 20.19)" >&2
    exit 1
fi

sources_hash() {
    { find src -type f -print0 | sort -z | xargs -0 sha1sum
      find public -type f -print0 | sort -z | xargs -0 sha1sum
      sha1sum index.html package.json package-lock.json vite.config.ts tsconfig.json
    } | sha1sum | cut -c1-40
}

wanted=$(sources_hash)
if [[ "${FRONTEND_FORCE:-}" != "1" && -f .build-stamp && -f dist/.vite/manifest.json \
      && "$(cat .build-stamp)" == "$wanted" ]]; then
    exit 0
fi
lock_hash=$(sha1sum package-lock.json | cut -c1-40)
if [[ ! -f node_modules/.lock-hash || "$(cat node_modules/.lock-hash)" != "$lock_hash" ]]; then
    echo "build-frontend: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.lock-hash
fi
echo "build-frontend: vite build"
npx --no-install vite build --logLevel warn
echo "$wanted" > .build-stamp
