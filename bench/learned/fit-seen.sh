#!/usr/bin/env bash
# `tessera fit` (default method: logits + guarded local search on the seen loss) against classic on
# DESIGN §6's figures at full, 1/2 and 1/4 size.
# Usage: bench/learned/fit-seen.sh OUTDIR STEPS IMAGE... -- SET[:FLAGS]...
#   SET: a prepared folder or 'glyphs'; FLAGS: extra fit flags joined by commas, e.g. glyphs:--no-tone-map
# Writes OUTDIR/<image>-<set><flags>.txt (fit's stdout) and prints one Markdown row per run (ROWS_ONLY=1: rows of runs already there):
# classic's figures and fit − classic at each scale (PSNR dB / SSIM / CIEDE2000), cells changed, seconds.
set -euo pipefail
source "$(dirname "$0")/args.sh"
figures() { # file label -> "psnr ssim de" per scale, three lines
  awk -v l="$2:" '$0==l{f=1;next} f&&($1=="1"||$1=="1/2"||$1=="1/4"){print $3, $4, $5} f&&/distinct templates/{exit}' "$1"
}
for img in "${images[@]}"; do
  for spec in "${sets[@]}"; do
    set=${spec%%:*} flags=""; [ "$spec" != "$set" ] && flags=${spec#*:}
    set_flags "$set"
    extra=(); [ -n "$flags" ] && IFS=, read -r -a extra <<<"$flags"
    name=$(basename "${img%.*}")-$(basename "$set")${flags//,/}
    f="$out/$name.txt"
    start=$(date +%s)
    # ROWS_ONLY=1: print the rows of runs already in OUTDIR
    [ -n "${ROWS_ONLY:-}" ] || nice $tessera fit "$img" "${src[@]}" -o "$out/$name" --steps "$steps" ${extra[@]+"${extra[@]}"} >"$f" 2>"$f.err"
    secs=$(( $(date +%s) - start ))
    changed=$(grep -o '[0-9]* of [0-9]* cells differ' "$f" | cut -d' ' -f1)
    paste <(figures "$f" classic) <(figures "$f" fit) | awk -v n="$name" -v c="$changed" -v s="$secs" '
      {cl[NR]=sprintf("%.2f / %.4f / %.2f", $1, $2, $3); d[NR]=sprintf("%+.2f / %+.4f / %+.2f", $4-$1, $5-$2, $6-$3)}
      END {printf "| %s | %s | %s | %s | %s | %s | %s | %ss |\n", n, cl[1], d[1], d[2], d[3], cl[3], c, s}'
  done
done
