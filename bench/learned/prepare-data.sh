#!/usr/bin/env bash
# Builds the pictures and template sets bench/learned/*.sh were measured on, in OUTDIR:
# astronaut/coffee/chelsea centred 128² crops (Debian python3-skimage, public domain / CC0), 256
# photo tiles cut from skimage's motorcycle_left.png (16x16 grid), 256 Twitter emoji (npm
# emoji-datasource-twitter@16.0.0, graphics CC-BY-4.0: every 6th 64-px PNG that is neither a flag
# nor a skin-tone variant). Needs apt-get (download only, no install), dpkg-deb, npm, and a built tessera.
# Usage: bench/learned/prepare-data.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$out"
if [ ! -d skimage ]; then
  apt-get download python3-skimage >/dev/null
  dpkg-deb -x python3-skimage_*.deb x
  mkdir -p skimage && cp x/usr/lib/python3/dist-packages/skimage/data/{astronaut,coffee,chelsea,motorcycle_left}.png skimage/
  rm -rf x python3-skimage_*.deb
fi
for f in astronaut coffee chelsea; do java "$here/bench/CentreCrop.java" "skimage/$f.png" "$f-128.png" 128; done
if [ ! -d emoji256 ]; then
  npm pack emoji-datasource-twitter@16.0.0 >/dev/null 2>&1
  tar xzf emoji-datasource-twitter-16.0.0.tgz package/img/twitter/64
  mkdir -p emoji256
  ls package/img/twitter/64 | grep -v -- "-1f3f[b-f]" | grep -v "^1f1e[6-9a-f]-\|^1f1f" | awk 'NR%6==0' | head -256 \
    | while read -r f; do cp "package/img/twitter/64/$f" emoji256/; done
  rm -rf package emoji-datasource-twitter-16.0.0.tgz
fi
"$here/tessera" templates prepare --dir emoji256 -o set-emoji --sizes 8,16
"$here/tessera" templates prepare --grid skimage/motorcycle_left.png --grid-tiles 16x16 -o set-moto --sizes 8,16
