#!/usr/bin/env bash
# Builds the browser client (web/ → web/dist/, which imhub serves; src/http/web_client.hpp) when
# web/package.json exists. Skipped while web/dist holds a build this script finished (its stamp,
# web/dist/.stamp, written last) that is newer than every input: the files at the top of web/
# (package*.json, index.html, vite.config.ts, tsconfig*.json ...) and everything under web/src,
# web/public and web/scripts. So repeated `make build` runs cost nothing, and files the build
# itself rewrites (the UI kit's generated *.d.ts) do not count as changes. Delete web/dist to force
# a build. Node and npm are needed only here, never at run time (scripts/deps.sh run has them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0

stamp=web/dist/.stamp
if [ -f "$stamp" ] && [ -f web/dist/index.html ]; then
  inputs=(web/src web/public web/scripts)
  existing=()
  for d in "${inputs[@]}"; do [ -d "$d" ] && existing+=("$d"); done
  # `head` may exit before the second find writes: that find's SIGPIPE is no failure (pipefail).
  newer=$( { find web -maxdepth 1 -type f -newer "$stamp" -print -quit
             [ ${#existing[@]} -eq 0 ] || find "${existing[@]}" -type f -newer "$stamp" -print -quit; } | head -1 ||
           true)
  if [ -z "$newer" ]; then
    echo "web: web/dist is up to date"
    exit 0
  fi
  echo "web: $newer changed since the last build"
fi

rm -f "$stamp"
cd web
(npm ci --no-audit --no-fund || npm install --no-audit --no-fund)
npm run build
[ -f dist/index.html ] || { echo "web: npm run build wrote no dist/index.html" >&2; exit 1; }
touch dist/.stamp  # imhub never serves it (hidden), and the package leaves it out
