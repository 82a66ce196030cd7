#!/usr/bin/env python3
"""Turns a JMH JSON result (bench/run ... -rf json) into RESULTS.md's table.

For each op, direction and size it pairs the native method with its reference, and prints:
median and best iteration (ms), the ratio reference/native of medians and of bests (on a shared,
noisy machine contention only ever adds time: the median is steadier than JMH's mean, and the best
iteration is the closest to the uncontended speed), and the op's floor
(max of bytes / copy bandwidth and FLOPs / FMA peak, both measured by bench/floors/run) with
the native time's fraction of it (floor / time: 100% means the op runs at the machine's limit).

usage: bench/report.py results.json --bandwidth-gbs 47 --peak-gflops 490
"""
import argparse
import json
import statistics

F32 = 4


def blur_cost(B, C, H, W, K, pad_before, pad_after, stride):
    """Bytes (read + write) and FLOPs of one separable blur pass (forward; backward is its transpose)."""
    Ho = (H + pad_before + pad_after - K) // stride + 1
    Wo = (W + pad_before + pad_after - K) // stride + 1
    planes = B * C
    nbytes = planes * (H * W + Ho * Wo) * F32
    # vertical taps on Ho rows of W columns, then horizontal taps on Ho x Wo; one FMA = 2 FLOPs
    flops = 2 * K * planes * Ho * (W + Wo)
    return nbytes, flops


def mix_cost(B, N, h, w, C, th, tw, direction):
    cells, ct = B * h * w, C * th * tw
    logits, templates, mosaic = cells * N * F32, N * ct * F32, cells * ct * F32
    gemm = 2 * cells * N * ct  # P (cells x N) times T (N x CT), or Gc (cells x CT) times T^T
    if direction == "forward":
        return logits + templates + mosaic, gemm
    if direction == "backward":  # reads grad_out, logits, templates; writes grad_logits
        return mosaic + 2 * logits + templates, gemm
    f, b = mix_cost(B, N, h, w, C, th, tw, "forward"), mix_cost(B, N, h, w, C, th, tw, "backward")
    return f[0] + b[0], f[1] + b[1]


VIEWING = (8, 3, 4, 1)
PYRAMID = {1: (3, 0, 1, 2), 2: (5, 0, 1, 4)}


def cost(cls, params, direction):
    if cls == "MixBenchmark":
        return mix_cost(6, int(params["templateCount"]), 64, 64, 3, 8, 8, direction)
    B, C, H, W = (int(v) for v in params["shape"].split("x"))
    taps = VIEWING if cls == "BlurBenchmark" else PYRAMID[int(params["level"])]
    nbytes, flops = blur_cost(B, C, H, W, *taps)
    times = 2 if direction == "forwardBackward" else 1
    return times * nbytes, times * flops


def label(cls, params):
    if cls == "MixBenchmark":
        return "mix", "B=6, 64x64 cells, N=%s" % params["templateCount"]
    B, C, H, W = params["shape"].split("x")
    op = "blur viewing" if cls == "BlurBenchmark" else "pyramid level %s" % params["level"]
    return op, "B=%s, %sx%sx%s" % (B, C, H, W)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--bandwidth-gbs", type=float, required=True, help="copy bandwidth, read + write, GB/s")
    ap.add_argument("--peak-gflops", type=float, required=True, help="FMA peak, GFLOP/s")
    args = ap.parse_args()

    runs = {}
    for r in json.load(open(args.results)):
        cls, method = r["benchmark"].split(".")[-2:]
        side = "native" if method.endswith("Native") else "reference"
        direction = method[: -len("Native")] if side == "native" else method[: -len("Reference")]
        params = r.get("params", {})
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        key = (cls, tuple(sorted(params.items())), direction)
        runs.setdefault(key, {})[side] = {"median": statistics.median(raw), "best": min(raw)}

    order = {"forward": 0, "backward": 1, "forwardBackward": 2}
    print("| op | size | direction | native ms: median (best) | reference ms: median (best) "
          "| ratio ref/native: medians (bests) | floor ms (mem / FMA) | native at % of floor: median (best) |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(runs, key=lambda k: (k[0], k[1], order.get(k[2], 9))):
        cls, params, direction = key
        params = dict(params)
        pair = runs[key]
        if "native" not in pair or "reference" not in pair:
            continue
        n, ref = pair["native"], pair["reference"]
        nbytes, flops = cost(cls, params, direction)
        mem_ms = nbytes / (args.bandwidth_gbs * 1e9) * 1e3
        fma_ms = flops / (args.peak_gflops * 1e9) * 1e3
        floor = max(mem_ms, fma_ms)
        op, size = label(cls, params)
        print("| %s | %s | %s | %.2f (%.2f) | %.2f (%.2f) | **%.1f×** (%.1f×) | %.2f (%.2f / %.2f) | %.0f%% (%.0f%%) |" % (
            op, size, {"forwardBackward": "fwd+bwd", "forward": "fwd", "backward": "bwd"}[direction],
            n["median"], n["best"], ref["median"], ref["best"], ref["median"] / n["median"], ref["best"] / n["best"],
            floor, mem_ms, fma_ms, 100 * floor / n["median"], 100 * floor / n["best"]))


if __name__ == "__main__":
    main()
