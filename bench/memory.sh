#!/usr/bin/env bash
# Memory over long runs of the real CLI, one process each (issue 9): `tessera classic` on IMAGES
# pictures (default 1000) and `tessera train` for STEPS steps (default 1000, 64², batch 1, the 62
# glyphs, seeded VGG16). Samples the process's resident memory (VmRSS in /proc/PID/status) five times
# a second with the progress the CLI reports, and fails when the highest RSS of the last fifth of the
# run exceeds that of the second fifth (after warm-up) by more than the bound.
#
# The heap is fixed and touched up front (-Xms = -Xmx, AlwaysPreTouch), so it is resident from the
# start and cannot read as growth: what grows is native memory (LibTorch, zlib, our ops, malloc
# arenas), JIT code and metaspace. A heap leak would show as an OutOfMemoryError or the GC taking
# over, not as RSS; the in-process tests (RenderMemoryTest, TrainMemoryTest) watch the used heap.
#
# Usage: bench/memory.sh [IMAGES [STEPS]]   (bounds: CLASSIC_BOUND_MB, TRAIN_BOUND_MB; WORK=DIR keeps files)
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-1000}
steps=${2:-1000}
classic_bound_mb=${CLASSIC_BOUND_MB:-32}
train_bound_mb=${TRAIN_BOUND_MB:-32}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/tessera-memory.XXXXXX")}
mkdir -p "$work"
export TESSERA_JAVA_OPTS="-Xms256m -Xmx256m -XX:+AlwaysPreTouch ${TESSERA_JAVA_OPTS:-}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

./tessera --help >/dev/null   # builds first if needed, so the build is not measured

if [[ ! -d "$work/pictures" ]]; then
    echo "memory: making $images pictures (256², crops of samples/astronaut.png)" >&2
    java bench/MakeTiles.java samples "$work/pictures" "$images" 256 1
fi

# measure NAME BOUND_MB CMD...: runs CMD in the background, samples it, prints the table and the verdict.
measure() {
    local name=$1 bound=$2
    shift 2
    local log="$work/$name.log" samples="$work/$name.samples"
    : >"$log"
    "$@" >"$log" 2>&1 &
    local pid=$! start=$SECONDS
    : >"$samples"
    while kill -0 "$pid" 2>/dev/null; do
        local rss done
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        # The progress line is rewritten with \r; its last "N/TOTAL" is how far the run is.
        done=$(tr '\r' '\n' <"$log" | grep -oE '[0-9]+/[0-9]+ ' | tail -n 1 | cut -d/ -f1 || true)
        [[ -n "$rss" && -n "$done" ]] && echo "$((SECONDS - start)) $done $rss" >>"$samples"
        sleep 0.2
    done
    local rc=0
    wait "$pid" || rc=$?
    if [[ $rc -ne 0 ]]; then
        tail -n 20 "$log" >&2
        echo "memory: $name failed (exit $rc); log in $log" >&2
        return 1
    fi
    awk -v name="$name" -v bound="$bound" -v secs="$((SECONDS - start))" '
        { d[NR] = $2; r[NR] = $3; if ($2 > total) total = $2 }
        END {
            if (NR < 10) { printf "memory: %s: only %d samples; run longer\n", name, NR; exit 2 }
            # Highest RSS in the second fifth of the run (warm-up done) and in the last fifth, as progress counts them:
            # peaks, because RSS breathes with the GC and the allocator between samples, and a leak raises every peak.
            for (i = 1; i <= NR; i++) {
                if (d[i] >= total / 5 && d[i] < 2 * total / 5) { if (r[i] > base) base = r[i]; nb++ }
                if (d[i] >= 4 * total / 5) { if (r[i] > last) last = r[i]; nl++ }
            }
            if (nb == 0 || nl == 0) { printf "memory: %s: no samples in the second or last fifth; run longer\n", name; exit 2 }
            printf "%s: %d s, %d samples up to %d done; RSS (MB) by progress:", name, secs, NR, total
            for (q = 1; q <= 5; q++) {
                for (i = 1; i <= NR; i++) if (d[i] >= total * q / 5 || i == NR) break
                printf "  %d: %.0f", d[i], r[i] / 1024
            }
            growth = (last - base) / 1024
            printf "\n%s: peak RSS %.0f MB in the second fifth, %.0f MB in the last: growth %+.1f MB over about %d, %+.1f KB each; bound %d MB -> %s\n",
                name, base / 1024, last / 1024, growth, 3 * total / 5, growth * 1024 / (3 * total / 5), bound,
                (growth < bound ? "PASS" : "FAIL")
            exit (growth < bound ? 0 : 1)
        }' "$samples"
}

status=0
rm -rf "$work/classic-out"
measure classic "$classic_bound_mb" ./tessera classic "$work/pictures" -o "$work/classic-out" --cell 8 --tile 32 -j 2 || status=1

rm -f "$work/model.tsr"
measure train "$train_bound_mb" ./tessera train --images "$work/pictures" -t glyphs -o "$work/model.tsr" --vgg seeded \
    --size 64 --batch 1 --steps "$steps" --checkpoint-every 100 --seed 1 || status=1

echo "memory: samples and logs in $work" >&2
exit $status
