#!/usr/bin/env bash
# Tessera classic vs Debian's metapixel, side by side on the same targets, tiles and cells
# (issue 5). Installs metapixel if missing, builds a 1,700-tile library from photos that Debian
# packages ship (lomiri-wallpapers-16.04, CC-BY/CC0; mate-backgrounds nature/, GPL-2+), and prints,
# for each run: wall time, peak RSS (/usr/bin/time -v) and the DESIGN §6 figures (PSNR over RGB,
# SSIM on luma, mean CIEDE2000 of the mosaic area-downscaled to the input) measured by `tessera eval`.
#
# Setup as in shared/notes/data.md: targets 512x512 (scikit-image's astronaut, coffee and chelsea,
# centre-cropped), mosaics 2048x2048 made of 64x64-pixel cells (32x32 cells, each 16x16 input px);
# repeats allowed (metapixel -d 0, tessera default) and metapixel's default minimum distance 5.
# Then a batch of 100 targets (512x512 crops of other photos): metapixel once per image, as its
# users run it; tessera classic once over the folder.
#
# Usage: bench/compare-metapixel.sh [WORKDIR]   (default bench/work; reused between runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/bench/work}
mkdir -p "$work"
cd "$work"

if ! command -v metapixel >/dev/null; then
  echo "installing metapixel..." >&2
  SUDO=$(command -v sudo || true)
  $SUDO apt-get install -y -qq metapixel >/dev/null
fi
[ -x /usr/bin/time ] || { SUDO=$(command -v sudo || true); $SUDO apt-get install -y -qq time >/dev/null; }

# 1. Photos and tiles ------------------------------------------------------------------------------
if [ ! -d photos ]; then
  mkdir -p debs photos
  (cd debs && apt-get download lomiri-wallpapers-16.04 mate-backgrounds python3-skimage >/dev/null 2>&1)
  for d in debs/*.deb; do dpkg -x "$d" unpacked; done
  cp unpacked/usr/share/backgrounds/*_by_*.jpg photos/ 2>/dev/null || true
  cp unpacked/usr/share/backgrounds/mate/nature/*.jpg photos/
  mkdir -p skimage && cp unpacked/usr/lib/python3/dist-packages/skimage/data/{astronaut,coffee,chelsea}.png skimage/
fi
[ -d tiles ] || java "$root/bench/MakeTiles.java" photos tiles 1700 256 1
[ -d batch ] || java "$root/bench/MakeTiles.java" photos batch 100 512 2
if [ ! -d targets ]; then
  mkdir -p targets
  # 512x512 centre crops (coffee and chelsea are not square); the batch maker crops and scales alike.
  for t in astronaut coffee chelsea; do
    java "$root/bench/CentreCrop.java" \
      "skimage/$t.png" "targets/$t.png" 512
  done
fi

tessera="$root/tessera"
[ -d set ] || "$tessera" templates prepare --dir tiles -o set --sizes 8,16,32,64 >/dev/null
[ -d mplib ] || { mkdir -p mplib; metapixel-prepare --width=64 --height=64 tiles mplib >/dev/null 2>&1; }

measure() {  # label, command... ; prints wall seconds and peak RSS MB
  local label=$1; shift
  /usr/bin/time -v "$@" >"$label.log" 2>"$label.time" || { echo "$label failed:"; tail -5 "$label.log" "$label.time"; return 1; }
  awk -v l="$label" '/Elapsed \(wall clock\)/ {split($NF,t,":"); s=(length(t)==3? t[1]*3600+t[2]*60+t[3] : t[1]*60+t[2])}
       /Maximum resident/ {r=$NF/1024} END {printf "%-34s wall %6.2f s  peak RSS %7.1f MB\n", l, s, r}' "$label.time"
}

figures() {  # input, mosaic
  "$tessera" eval --input "$1" --mosaic "$2" | awk '$1=="1" {printf "    PSNR %6.2f dB  SSIM %.4f  CIEDE2000 %6.3f\n", $3, $4, $5}'
}

echo "== single image, 512x512 -> 2048x2048, 64-px cells (32x32), 1,700 tiles; $(date -u +%F) $(nproc) cores"
mkdir -p out
for t in astronaut coffee chelsea; do
  for dist in 0 5; do
    measure "metapixel $t d=$dist" metapixel -l mplib -w 64 -h 64 -s 4 -d $dist --metapixel "targets/$t.png" "out/mp-$t-d$dist.png"
    figures "targets/$t.png" "out/mp-$t-d$dist.png"
    rm -f "out/ts-$t-d$dist.png"
    mkdir -p "out/ts-d$dist"
    measure "tessera $t d=$dist" "$tessera" classic "targets/$t.png" -o "out/ts-d$dist" --set set --cell 16 --tile 64 \
      --min-distance $dist --overwrite
    figures "targets/$t.png" "out/ts-d$dist/$t.png"
  done
done

echo "== batch of 100 images, 512x512 -> 2048x2048, repeats allowed"
rm -rf out/mp-batch out/ts-batch && mkdir -p out/mp-batch
measure "metapixel x100 (one run per image)" bash -c \
  'for f in batch/*.jpg; do metapixel -l mplib -w 64 -h 64 -s 4 -d 0 --metapixel "$f" "out/mp-batch/$(basename "${f%.jpg}").png" >/dev/null 2>&1; done'
measure "tessera classic x100 (one run)" "$tessera" classic batch -o out/ts-batch --set set --cell 16 --tile 64
