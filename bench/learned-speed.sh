#!/usr/bin/env bash
# Speed of the learned path on the CPU (issue 7), through the real CLI, one process per job:
#   - training step time at batch 6 of 512² and batch 1 of 256² (the 62 glyphs, seeded VGG16, the
#     default viewing loss): the images/s that `tessera train` logs per step in model.csv, first
#     step left out (warm-up), as seconds per step;
#   - `render --model` throughput on PICTURES 512² pictures with 8-px and 32-px tiles: pictures/s and
#     megapixels/s of output, whole process (start-up and loading included);
#   - peak RSS of each job (/usr/bin/time -v).
# Reference in the same run: `tessera classic` on the same pictures, so numbers from a busy machine
# can be read as ratios.
#
# Usage: bench/learned-speed.sh [STEPS_512 [STEPS_256 [PICTURES]]]   (WORK=DIR keeps the files;
#        VGG=seeded (default) for the seeded VGG16 encoder, VGG= for the default weight-free signature encoder)
set -euo pipefail
cd "$(dirname "$0")/.."
steps512=${1:-4}
steps256=${2:-12}
pictures=${3:-12}
vgg=(); [[ -n "${VGG-seeded}" ]] && vgg=(--vgg "${VGG-seeded}")
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/tessera-learned-speed.XXXXXX")}
mkdir -p "$work"
./tessera --help >/dev/null   # builds first if needed, so the build is not measured

if [[ ! -d "$work/pictures" ]]; then
    java bench/MakeTiles.java samples "$work/pictures" "$pictures" 512 7
fi
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

timed() {  # label, command...: runs it, prints wall and peak RSS
    local label=$1; shift
    /usr/bin/time -v "$@" >"$work/$label.out" 2>"$work/$label.err" || { tail -5 "$work/$label.err"; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/$label.err")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$label.err")
    echo "$wall $rss"
}

step_time() {  # csv, batch: mean seconds per step over the steps after the first
    awk -F, -v b="$2" 'NR>2 {s+=b/$5; n++} END {if (n) printf "%.2f", s/n; else print "n/a"}' "$1"
}

for job in "512 6 $steps512" "256 1 $steps256"; do
    read -r size batch steps <<<"$job"
    rm -rf "$work/train-$size"
    read -r wall rss < <(timed "train-$size" ./tessera train --images "$work/pictures" -o "$work/train-$size/model.tsr" \
        --size "$size" --batch "$batch" --steps "$steps" "${vgg[@]}" --checkpoint-every "$steps" --preview-every 0)
    printf "train  %3d² batch %d: %s s/step (mean of steps 2..%d)   process %6.1f s   peak RSS %5d MB\n" \
        "$size" "$batch" "$(step_time "$work/train-$size/model.csv" "$batch")" "$steps" "$wall" "$rss"
done

model="$work/train-256/model.tsr"
for tile in 8 32; do
    rm -rf "$work/render-$tile" "$work/classic-$tile"
    read -r wall rss < <(timed "render-$tile" ./tessera render --model "$model" "${vgg[@]}" "$work/pictures" -o "$work/render-$tile" --tile "$tile")
    side=$((512 / 8 * tile))
    awk -v n="$pictures" -v w="$wall" -v r="$rss" -v t="$tile" -v s="$side" 'BEGIN {
        printf "render --model, %2d-px tiles (%d² out): %5.2f pictures/s  %6.1f MP/s   process %6.1f s   peak RSS %5d MB\n",
               t, s, n / w, n * s * s / 1e6 / w, w, r }'
    read -r cwall crss < <(timed "classic-$tile" ./tessera classic "$work/pictures" -o "$work/classic-$tile" --cell 8 --tile "$tile")
    awk -v n="$pictures" -v w="$cwall" -v r="$crss" -v t="$tile" -v s="$side" -v lw="$wall" 'BEGIN {
        printf "classic (reference), same tiles:     %5.2f pictures/s  %6.1f MP/s   process %6.1f s   peak RSS %5d MB   learned/classic time %.1fx\n",
               n / w, n * s * s / 1e6 / w, w, r, lw / w }'
done
echo "files: $work"
