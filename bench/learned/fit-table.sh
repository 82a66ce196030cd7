#!/usr/bin/env bash
# The learned fit against classic on DESIGN §6's figures: for each picture and template set,
# classic, fit --method logits, fit --method decoder with and without the classic warm start.
# Usage: bench/learned/fit-table.sh OUTDIR STEPS IMAGE... -- SET...   (SET: a prepared folder, or 'glyphs')
# Writes OUTDIR/<image>-<set>-<method>.txt (the fit's stdout: loss line and both figure tables)
# and prints one table row per run (full-size PSNR / SSIM / CIEDE2000, templates used);
# bench/learned/fit-table.py OUTDIR then prints the full table (all three scales) from those files.
set -euo pipefail
source "$(dirname "$0")/args.sh"
row() { # file label: the figures at full size of the block after "label:"
  awk -v l="$2:" '$0==l{f=1;next} f&&$1=="1"{p=$3;s=$4;c=$5} f&&/distinct templates/{print p" / "s" / "c" | "$4; exit}' "$1"
}
for img in "${images[@]}"; do
  for set in "${sets[@]}"; do
    set_flags "$set"
    name=$(basename "${img%.*}")-$(basename "$set")
    for method in logits decoder decoder-cold; do
      args=(--method "${method%-cold}"); [ "$method" = decoder-cold ] && args+=(--warm-start none)
      f="$out/$name-$method.txt"
      start=$(date +%s)
      nice $tessera fit "$img" "${src[@]}" -o "$out/$name-$method" --steps "$steps" "${args[@]}" >"$f" 2>"$f.err"
      secs=$(( $(date +%s) - start ))
      [ "$method" = logits ] && echo "| $name | classic | $(row "$f" classic) | $(grep -o 'loss [0-9.e-]*' "$f" | head -1) |"
      echo "| $name | $method | $(row "$f" fit) | $(head -1 "$f" | cut -c1-160) | ${secs}s"
    done
  done
done
