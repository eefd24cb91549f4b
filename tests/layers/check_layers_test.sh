#!/usr/bin/env bash
# The layering check must pass on the tree and fail on a tree with one include going upward.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/check_layers.sh src >/dev/null

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r src "$scratch/src"
# A domain file reaching up into the REST layer: the classic back-edge.
sed -i '0,/^#include "/s//#include "rest\/dispatcher.hpp"\n#include "/' "$scratch/src/im/message.cpp"
if out=$(bash scripts/check_layers.sh "$scratch/src"); then
  echo "check_layers_test: a back-edge (im → rest) was not caught"; exit 1
fi
grep -q 'im/message.cpp:.*includes "rest/dispatcher.hpp": im must not depend on rest' <<<"$out" || {
  echo "check_layers_test: unexpected report: $out"; exit 1; }
# Domain code using the wire-error catalogue.
cp src/im/message.cpp "$scratch/src/im/message.cpp"
sed -i '0,/^#include "/s//#include "core\/error_catalog.hpp"\n#include "/' "$scratch/src/im/message.cpp"
if bash scripts/check_layers.sh "$scratch/src" >/dev/null; then
  echo "check_layers_test: domain use of the error catalogue was not caught"; exit 1
fi
echo "1 passed, 0 failed"
