#!/usr/bin/env bash
# Fails when an #include goes against the layers of docs/architecture.md ("Layers"):
#   main → cli → app → http → rest → api → push → views
#     → domain (openlines → bots → apps → notify → disk → im → previews → text → users → events, ops) → store → core
# A file may include headers of its own folder and of any lower layer, never of a higher one.
# Every pair of layers is ordered (no two share a rank), so the folder graph has no cycle.
# Domain folders must not use the wire-error catalogue either (they return statuses; api/ maps
# them to Bitrix error codes). Usage: scripts/check_layers.sh [SRC_DIR]   (default: src)
set -euo pipefail
src=${1:-src}

declare -A rank=(
  [core]=0 [store]=1 [events]=2 [ops]=3 [users]=4 [text]=5 [previews]=6 [im]=7 [disk]=8 [notify]=9
  [apps]=10 [bots]=11 [openlines]=12 [views]=13 [push]=14 [api]=15 [rest]=16 [http]=17 [app]=18 [cli]=19 [main]=20
)
domain="events ops users previews im disk notify apps bots openlines"

layer_of() {  # src-relative path → layer name
  case "$1" in
    */*) echo "${1%%/*}" ;;
    app.cpp|app.hpp|app_config.cpp|app_config.hpp) echo app ;;
    main.cpp) echo main ;;
    *) echo "?" ;;
  esac
}

bad=0
while IFS= read -r file; do
  rel=${file#"$src"/}
  from=$(layer_of "$rel")
  [ -n "${rank[$from]+x}" ] || { echo "layers: $rel: folder '$from' has no layer (add it to scripts/check_layers.sh)"; bad=1; continue; }
  while IFS=: read -r line inc; do
    to=$(layer_of "$inc")
    [ -n "${rank[$to]+x}" ] || continue
    if [ "$to" != "$from" ] && [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
      echo "layers: $rel:$line includes \"$inc\": $from must not depend on $to"
      bad=1
    fi
    if [ "$inc" = core/error_catalog.hpp ] && [[ " $domain " == *" $from "* ]]; then
      echo "layers: $rel:$line: domain code returns statuses, not wire errors (core/error_catalog.hpp)"
      bad=1
    fi
  done < <(grep -n '^#include "' "$file" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done < <(find "$src" -name '*.cpp' -o -name '*.hpp' | sort)

[ "$bad" -eq 0 ] && echo "layers: every include goes down"
exit "$bad"
