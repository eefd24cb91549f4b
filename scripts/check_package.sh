#!/usr/bin/env bash
# Checks the .deb that `make package` built, the way CI does: extracts it (dpkg-deb -x, no root
# needed) and runs the binary from it: --version, init on a fresh directory, serve, /healthz, and
# the files a package must hold (unit, configuration, data directory). When the browser client was
# packaged (usr/share/imhub/web), the packaged binary must find it there and serve it at /.
set -euo pipefail
BUILD="${1:-build}"
deb=$(ls -t "$BUILD"/imhub_*.deb | head -1)
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dpkg-deb -x "$deb" "$work/root"
dpkg-deb -f "$deb" Package Version Depends
for f in usr/bin/imhub usr/lib/systemd/system/imhub.service etc/imhub/imhub.toml var/lib/imhub usr/share/doc/imhub/LICENSE; do
  [ -e "$work/root/$f" ] || { echo "package-check: $f missing from $deb" >&2; exit 1; }
done
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -q conffiles || { echo "package-check: no conffiles" >&2; exit 1; }

# GET / answers the packaged index.html, and an asset comes with its year-long cache.
check_web() {
  local web="$work/root/usr/share/imhub/web"
  if [ ! -f "$web/index.html" ]; then
    echo "package-check: no browser client in the package (web/dist was not built)"
    return 0
  fi
  curl -fsS "http://127.0.0.1:$port/" -o "$work/index.html"
  cmp -s "$work/index.html" "$web/index.html" || { echo "package-check: GET / is not the packaged index.html" >&2; exit 1; }
  local asset
  asset=$(cd "$web" && find assets -type f ! -name '*.br' ! -name '*.gz' 2>/dev/null | head -1)
  if [ -n "$asset" ]; then
    curl -fsS -D "$work/asset.head" -o "$work/asset" "http://127.0.0.1:$port/$asset"
    cmp -s "$work/asset" "$web/$asset" || { echo "package-check: GET /$asset differs from the package" >&2; exit 1; }
    grep -qi '^cache-control: public, max-age=31536000, immutable' "$work/asset.head" ||
      { echo "package-check: /$asset is not cached as immutable" >&2; exit 1; }
  fi
  echo "package-check: serves the packaged browser client (GET / is usr/share/imhub/web/index.html)"
}

bin="$work/root/usr/bin/imhub"
"$bin" --version | grep -q '^imhub [0-9]' || { echo "package-check: --version" >&2; exit 1; }
"$bin" init --data "$work/data" | grep -q '"webhook":"/rest/1/'
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$bin" serve --data "$work/data" --listen "127.0.0.1:$port" --config "$work/root/etc/imhub/imhub.toml" \
  2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"ok"'; then
    echo "package-check: $deb serves (/healthz ok)"
    check_web
    exit 0
  fi
  sleep 0.1
done
cat "$work/serve.log" >&2
echo "package-check: the packaged binary did not answer /healthz" >&2
exit 1
